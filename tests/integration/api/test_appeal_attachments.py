"""Appeal attachments through the real server: upload, every refusal, regions, retention."""

from __future__ import annotations

import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from PIL import Image
from pypdf import PdfWriter
from sqlalchemy import select

from platewarden.adapters.db.notice_tables import appeal_attachments
from platewarden.adapters.pdf.cleaner import PypdfCleaner
from platewarden.bootstrap import Container
from platewarden.config_notices import NoticeSettings
from platewarden.domain.access import RegionScope, Role
from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import Notice, NoticeStatus
from support.factories import PASSWORD, jpeg_bytes, make_container, make_user, pdf_bytes
from support.mfa import api_login
from support.notices import add_confirmed_violation
from support.privacy import Clock, clocked_container
from support.server import running_server

pytestmark = pytest.mark.integration
PLATE = "01A123BC"
PDF = pdf_bytes("Sale contract")
CLEANED_PDF = PypdfCleaner().clean(PDF, max_pages=50)  # what is stored and served
MAX_BYTES = 4096
LIMITS = {"lookups_per_client_per_min": 1000, "lookups_per_notice_per_h": 1000,
          "appeal_attachment_max_bytes": MAX_BYTES, "appeal_attachments_max": 2}


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(PDF))
    writer.encrypt(user_password="", owner_password="owner-only")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def photo_with_gps() -> bytes:
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x8825] = {1: "N", 2: (41.0, 18.0, 0.0), 3: "E", 4: (69.0, 14.0, 0.0)}
    out = io.BytesIO()
    Image.new("RGB", (60, 40), (200, 30, 30)).save(out, format="JPEG", exif=exif.tobytes())
    return out.getvalue()


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Container, str]]:
    container = make_container(tmp_path / "data", notices=NoticeSettings(**LIMITS))
    with running_server(container) as url:
        yield container, url
    container.stop()


def issue(container: Container) -> Notice:
    return container.notices.issuing.issue(add_confirmed_violation(container, plate=PLATE),
                                           actor="test")


def appeal(url: str, number: str, files: list[tuple[str, bytes, str]],
           **extra: Any) -> httpx.Response:
    return httpx.post(f"{url}/api/v1/public/notices/appeal",
                      data={"number": number, "plate": PLATE, "text": "Not my car."},
                      files=[("attachments", f) for f in files], timeout=10, **extra)


def reviewer(container: Container, url: str, regions: RegionScope | None = None
             ) -> dict[str, str]:
    name = (make_user(container, Role.REVIEWER, regions=regions) if regions is not None
            else make_user(container, Role.REVIEWER))
    return {"Authorization": "Bearer " + api_login(url, name, PASSWORD)}


def test_files_reach_the_regions_reviewers_cleaned_and_audited(
        served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    # The client's claimed types are wrong on purpose: the bytes decide.
    filed = appeal(url, notice.number, [("contract.pdf", PDF, "image/png"),
                                        ("car.jpg", photo_with_gps(), "text/plain")])
    assert filed.status_code == 201, filed.text
    assert filed.json()["attachments"] == 2
    assert container.notices.cases.notice(notice.number).status is NoticeStatus.APPEALED
    tashkent = reviewer(container, url)
    [item] = httpx.get(f"{url}/api/v1/appeals", headers=tashkent).json()
    assert [(f["name"], f["content_type"]) for f in item["attachments"]] == [
        ("contract.pdf", "application/pdf"), ("car.jpg", "image/jpeg")]
    pdf = httpx.get(url + item["attachments"][0]["url"], headers=tashkent)
    assert (pdf.status_code, pdf.content) == (200, CLEANED_PDF)
    assert pdf.headers["content-type"] == "application/pdf"
    assert pdf.headers["content-disposition"].startswith("attachment; filename=\"appeal-")
    photo = httpx.get(url + item["attachments"][1]["url"], headers=tashkent)
    assert photo.content[:3] == b"\xff\xd8\xff"
    assert b"PhoneMaker" not in photo.content
    with container.notices.uow_factory(read_only=True) as uow:
        viewed = [r.entry for r in uow.audit.find([AuditAction.EVIDENCE_VIEWED])]
    assert [e.details["attachment"] for e in viewed] == [
        f["id"] for f in item["attachments"]]
    # Encrypted at rest like all evidence: the PDF's bytes are nowhere in the store's files.
    stored = b"".join(p.read_bytes() for p in (container.settings.data_dir).rglob("*")
                      if p.is_file() and "objects" in p.parts)
    assert CLEANED_PDF not in stored


def test_another_regions_reviewer_and_strangers_get_nothing(
        served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    assert appeal(url, notice.number, [("a.pdf", PDF, "application/pdf")]).status_code == 201
    [item] = httpx.get(f"{url}/api/v1/appeals", headers=reviewer(container, url)).json()
    link = url + item["attachments"][0]["url"]
    samarkand = reviewer(container, url, RegionScope.of(["14"]))  # the camera is in "01"
    assert httpx.get(f"{url}/api/v1/appeals", headers=samarkand).json() == []
    other = httpx.get(link, headers=samarkand)
    absent = httpx.get(link[:-16] + "0" * 16, headers=reviewer(container, url))
    assert (other.status_code, absent.status_code) == (404, 404)
    assert other.json() == absent.json()
    for headers in ({}, {"Authorization": "Bearer not-a-token"}):
        refused = httpx.get(link, headers=headers)
        assert refused.status_code == 401
        assert PDF not in refused.content
    investigator = {"Authorization": "Bearer " + api_login(
        url, make_user(container, Role.INVESTIGATOR), PASSWORD)}
    assert httpx.get(link, headers=investigator).status_code == 403


@pytest.mark.parametrize(("files", "status", "code"), [
    ([("a.pdf", PDF, "application/pdf")] * 3, 422, "too_many_attachments"),
    ([("big.pdf", b"%PDF-" + bytes(MAX_BYTES), "application/pdf")], 413,
     "attachment_too_large"),
    ([("a.gif", b"GIF89a" + bytes(32), "image/jpeg")], 415, "attachment_type_unsupported"),
    ([("cut.jpg", jpeg_bytes(size=(200, 100))[:400], "image/jpeg")], 422,
     "attachment_unreadable"),
    ([("empty.pdf", b"", "application/pdf")], 422, "attachment_empty"),
    ([("locked.pdf", encrypted_pdf(), "application/pdf")], 422, "attachment_unreadable"),
    ([("junk.pdf", b"%PDF-1.7\n" + bytes(512) + b"\n%%EOF\n", "application/pdf")], 422,
     "attachment_unreadable"),
])
def test_each_bad_file_is_a_coded_refusal_and_nothing_is_filed(
        served: tuple[Container, str], files: list[tuple[str, bytes, str]], status: int,
        code: str) -> None:
    container, url = served
    notice = issue(container)
    refused = appeal(url, notice.number, files)
    assert (refused.status_code, refused.json()["error"]["code"]) == (status, code)
    assert container.notices.cases.notice(notice.number).status is NoticeStatus.ISSUED


def test_a_request_over_the_total_bound_is_refused_before_it_is_read(
        served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    limit = container.settings.notices.appeal_request_max_bytes()
    declared = httpx.post(f"{url}/api/v1/public/notices/appeal", content=b"x" * (limit + 1),
                          headers={"content-type": "multipart/form-data; boundary=b"},
                          timeout=10)
    assert (declared.status_code, declared.json()["error"]["code"]) == (413, "body_too_large")

    def chunks() -> Iterator[bytes]:  # no length declared: counted while it streams
        for _ in range(limit // 65536 + 2):
            yield b"x" * 65536

    streamed = httpx.post(f"{url}/api/v1/public/notices/appeal", content=chunks(),
                          headers={"content-type": "multipart/form-data; boundary=b"},
                          timeout=10)
    assert (streamed.status_code, streamed.json()["error"]["code"]) == (413, "body_too_large")
    wrong = appeal(url, notice.number, [("a.pdf", PDF, "application/pdf")])
    assert wrong.status_code == 201  # the server is fine afterwards
    json_appeal = httpx.post(f"{url}/api/v1/public/notices/appeal",
                             json={"number": notice.number, "plate": PLATE})
    assert (json_appeal.status_code, json_appeal.json()["error"]["code"]) == (
        422, "invalid_field")


def test_the_public_page_takes_files_without_cookies_or_scripts(
        served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    page = httpx.post(f"{url}/notice?lang=en", data={"number": notice.number, "plate": PLATE})
    assert 'enctype="multipart/form-data"' in page.text
    assert 'type="file"' in page.text
    assert "<script" not in page.text
    bad = httpx.post(f"{url}/notice/appeal?lang=ru", data={
        "number": notice.number, "plate": PLATE, "text": "x"},
        files=[("attachments", ("a.gif", b"GIF89a" + bytes(32), "image/gif"))])
    assert bad.status_code == 415
    assert "PDF, JPEG и PNG" in bad.text
    good = httpx.post(f"{url}/notice/appeal?lang=en", data={
        "number": notice.number, "plate": PLATE, "text": "See the photo."},
        files=[("attachments", ("car.jpg", jpeg_bytes(seed=5), "image/jpeg")),
               ("attachments", ("", b"", "application/octet-stream"))])  # an unused input
    assert good.status_code == 200, good.text
    assert "Your appeal has been filed." in good.text
    assert "set-cookie" not in good.headers
    [filed] = container.notices.cases.appeals()
    assert len(container.notices.attachments.of_appeal(filed.id)) == 1


def test_the_appeal_route_stays_throttled_per_client(tmp_path: Path) -> None:
    container = make_container(tmp_path / "data", notices=NoticeSettings(
        lookups_per_client_per_min=2, lookups_per_notice_per_h=1000))
    with running_server(container) as url:
        notice = issue(container)
        tries = [appeal(url, "PW-2026-1", [("a.pdf", PDF, "application/pdf")])
                 for _ in range(3)]
        assert [t.status_code for t in tries] == [404, 404, 429]
        assert appeal(url, notice.number, []).status_code == 429
    container.stop()


def test_retention_shreds_the_files_with_their_case(tmp_path: Path) -> None:
    clock = Clock()
    container = clocked_container(tmp_path / "data", clock, notices=NoticeSettings(**LIMITS))
    with running_server(container) as url:
        notice = issue(container)
        assert appeal(url, notice.number, [("a.pdf", PDF, "application/pdf")]).status_code \
            == 201
    [filed] = container.notices.cases.appeals()
    [attachment] = container.notices.attachments.of_appeal(filed.id)
    # Past the day keys' life: the file of an open case moves to a kept key and stays.
    clock.advance(days=40)
    assert container.retention.run().counts.evidence_keys_destroyed >= 1
    assert container.evidence.key_name(attachment.sha256).startswith("evidence/kept-")
    _, chunks = container.notices.attachments.open(filed.id, attachment.id, actor="rev")
    assert b"".join(chunks) == CLEANED_PDF
    container.notices.cases.decide_appeal(filed.id, uphold=False, reviewer="rev",
                                          reason="sold before the offence")
    clock.advance(days=400)
    container.retention.run()
    assert not container.evidence.exists(attachment.sha256)
    with container.engine.connect() as conn:
        assert conn.execute(select(appeal_attachments)).first() is None
    container.stop()
