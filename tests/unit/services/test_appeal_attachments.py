"""Appeal attachments: sniffed by their bytes, images stripped of metadata, each refusal coded."""

from __future__ import annotations

import io

import pytest
from PIL import Image
from pypdf import PdfReader

from platewarden.config_notices import NoticeSettings
from platewarden.domain.audit import AuditAction
from platewarden.domain.media import sniff_attachment_type
from platewarden.services.appeal_attachments import AttachmentUpload, safe_name
from platewarden.services.errors import NotFound, ServiceError
from support.factories import pdf_bytes

from .notice_factories import PLATE, NoticeWorld, image_bytes, make_notice_world

PDF = pdf_bytes("Sale contract")


def photo_with_gps() -> bytes:
    """A JPEG as a phone writes it: EXIF with the device, the GPS position, an orientation."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0112] = 6  # rotate 90° to show upright
    exif[0x8825] = {1: "N", 2: (41.0, 18.0, 0.0), 3: "E", 4: (69.0, 14.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (80, 40), (200, 30, 30)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


def world_and_notice(**limits: int) -> tuple[NoticeWorld, str]:
    world = make_notice_world(settings=NoticeSettings(**limits))
    return world, world.issuing.issue(world.confirmed_violation().id, actor="s").number


def test_files_are_sniffed_by_their_bytes_not_their_names() -> None:
    assert sniff_attachment_type(PDF[:16]) == "application/pdf"
    assert sniff_attachment_type(image_bytes((1, 2, 3))[:16]) == "image/jpeg"
    assert sniff_attachment_type(image_bytes((1, 2, 3), "PNG")[:16]) == "image/png"
    assert sniff_attachment_type(b"GIF89a" + bytes(10)) is None
    assert sniff_attachment_type(b"\x00\x00\x00\x18ftypmp42" + bytes(4)) is None  # a video


def test_an_appeal_keeps_its_files_and_a_photo_loses_its_gps() -> None:
    world, number = world_and_notice()
    photo = photo_with_gps()
    assert b"PhoneMaker" in photo
    appeal = world.citizen.appeal(number, PLATE, text="See the contract.", attachments=[
        AttachmentUpload(name="C:\\Users\\me\\contract.pdf", data=PDF),
        AttachmentUpload(name="car.jpg", data=photo)])
    assert appeal is not None
    files = world.attachments.of_appeal(appeal.id)
    assert [(f.position, f.name, f.content_type) for f in files] == [
        (1, "contract.pdf", "application/pdf"), (2, "car.jpg", "image/jpeg")]
    kept_pdf = PdfReader(io.BytesIO(world.evidence.get(files[0].sha256)))
    assert kept_pdf.pages[0].extract_text() == "Sale contract"  # rewritten, text kept
    stored = world.evidence.get(files[1].sha256)
    assert b"PhoneMaker" not in stored
    assert b"Exif" not in stored
    with Image.open(io.BytesIO(stored)) as image:
        assert image.size == (40, 80)  # turned upright before the orientation tag went
        assert not image.getexif()
    found, chunks = world.attachments.open(appeal.id, files[1].id, actor="rev-1")
    assert (found.id, b"".join(chunks)) == (files[1].id, stored)
    with world.uow_factory(read_only=True) as uow:
        viewed = uow.audit.find([AuditAction.EVIDENCE_VIEWED])
        filed = uow.audit.find([AuditAction.APPEAL_FILED])
    assert viewed[-1].entry.details["attachment"] == files[1].id
    assert filed[-1].entry.details["attachments"] == "2"


@pytest.mark.parametrize(("uploads", "code"), [
    ([PDF] * 4, "too_many_attachments"),
    ([b""], "attachment_empty"),
    ([b"%PDF-" + bytes(2048)], "attachment_too_large"),
    ([b"GIF89a" + bytes(64)], "attachment_type_unsupported"),
    ([image_bytes((9, 9, 9))[:300]], "attachment_unreadable"),  # a JPEG cut short
    ([b"\x89PNG\r\n\x1a\n" + bytes(64)], "attachment_unreadable"),  # a PNG signature only
    ([PDF[:20]], "attachment_unreadable"),  # a PDF without its end
    ([PDF, b"MZ\x90\x00" + bytes(64)], "attachment_type_unsupported"),  # one bad, none kept
])
def test_each_bad_file_is_refused_with_its_code_and_nothing_is_filed(
        uploads: list[bytes], code: str) -> None:
    world, number = world_and_notice(appeal_attachment_max_bytes=2048)
    before = set(world.evidence._objects)
    with pytest.raises(ServiceError) as refused:
        world.citizen.appeal(number, PLATE, text="x", attachments=[
            AttachmentUpload(name=f"f{i}", data=data) for i, data in enumerate(uploads)])
    assert refused.value.code == code
    assert world.cases.notice(number).status.value == "issued"
    assert set(world.evidence._objects) == before


def test_an_image_that_unpacks_to_too_many_pixels_is_refused() -> None:
    world, number = world_and_notice(appeal_attachment_max_pixels=10_000)
    with pytest.raises(ServiceError) as refused:
        world.citizen.appeal(number, PLATE, text="x", attachments=[
            AttachmentUpload(name="big.png", data=image_bytes((0, 0, 0), "PNG"))])
    assert refused.value.code == "attachment_unreadable"


def test_no_files_are_stored_for_a_notice_that_cannot_be_appealed() -> None:
    world, number = world_and_notice()
    world.citizen.appeal(number, PLATE, text="first")
    before = set(world.evidence._objects)
    with pytest.raises(ServiceError) as refused:
        world.citizen.appeal(number, PLATE, text="again", attachments=[
            AttachmentUpload(name="a.pdf", data=PDF)])
    assert refused.value.code == "conflict"
    assert set(world.evidence._objects) == before


def test_a_mismatch_stores_nothing_and_an_unknown_attachment_is_not_found() -> None:
    world, number = world_and_notice()
    before = set(world.evidence._objects)
    assert world.citizen.appeal(number, "01A999ZZ", text="x", attachments=[
        AttachmentUpload(name="a.pdf", data=PDF)]) is None
    assert set(world.evidence._objects) == before
    appeal = world.citizen.appeal(number, PLATE, text="x")
    assert appeal is not None
    with pytest.raises(NotFound):
        world.attachments.open(appeal.id, "0" * 16, actor="rev-1")


@pytest.mark.parametrize(("name", "shown"), [
    ("../../etc/passwd", "passwd"), ("a\x00b\r\n.pdf", "a_b_.pdf"), ("", "attachment-2.pdf"),
    ('say "hi".pdf', "say _hi_.pdf"), ("договор.pdf", "договор.pdf"), ("x" * 300, "x" * 120)])
def test_names_are_shown_safely(name: str, shown: str) -> None:
    assert safe_name(name, position=2, content_type="application/pdf") == shown
