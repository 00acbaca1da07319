"""PDF appeal attachments are rewritten: no metadata, script, embedded file or outward action
survives, the pages and their text do; encrypted, unparsable and too long PDFs are refused."""

from __future__ import annotations

import io

import pytest
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    StreamObject,
    TextStringObject,
)

from platewarden.adapters.pdf.cleaner import PypdfCleaner
from platewarden.services.appeal_attachments import AttachmentUpload, UnreadablePdf
from platewarden.services.errors import ServiceError
from support.factories import pdf_bytes

from .notice_factories import make_notice_world

SCRIPT = "var ownedMarker"  # letters and spaces only: pypdf escapes the rest
PAYLOAD = b"MZ-embedded-executable-payload"


def name(value: str) -> NameObject:
    return NameObject(value)


def action(writer: PdfWriter, kind: str, **fields: str) -> object:
    found = DictionaryObject({name("/Type"): name("/Action"), name("/S"): name(kind)})
    for key, value in fields.items():
        found[name(f"/{key}")] = TextStringObject(value)
    return writer._add_object(found)


def annotation(writer: PdfWriter, subtype: str, **fields: object) -> object:
    found = DictionaryObject({name("/Type"): name("/Annot"), name("/Subtype"): name(subtype),
                              name("/Rect"): ArrayObject([FloatObject(v) for v in
                                                          (10, 10, 100, 30)])})
    for key, value in fields.items():
        found[name(f"/{key}")] = value  # type: ignore[assignment]
    return writer._add_object(found)


def hostile_pdf() -> bytes:
    """Two pages of text with everything a rewrite must remove."""
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes("Sold on 1 March", "Page two")))
    writer.add_metadata({"/Author": "Aziza Karimova", "/Title": "private draft"})
    xmp = StreamObject()
    xmp.set_data(b"<x:xmpmeta><dc:creator>Aziza Karimova</dc:creator></x:xmpmeta>")
    xmp.update({name("/Type"): name("/Metadata"), name("/Subtype"): name("/XML")})
    root = writer.root_object
    root[name("/Metadata")] = writer._add_object(xmp)
    script = action(writer, "/JavaScript", JS=SCRIPT)
    root[name("/OpenAction")] = script
    root[name("/AA")] = DictionaryObject({name("/WC"): script})
    root[name("/Names")] = DictionaryObject({name("/JavaScript"): DictionaryObject({
        name("/Names"): ArrayObject([TextStringObject("init"), script])})})
    writer.add_attachment("invoice.exe", PAYLOAD)
    page = writer.pages[0]
    page[name("/AA")] = DictionaryObject({name("/O"): script})
    page[name("/Metadata")] = writer._add_object(xmp)
    goto = DictionaryObject({name("/S"): name("/GoTo"), name("/D"): ArrayObject(
        [writer.pages[1].indirect_reference, name("/Fit")])})
    page[name("/Annots")] = ArrayObject([
        annotation(writer, "/Link", A=action(writer, "/URI", URI="https://evil.example/")),
        annotation(writer, "/Link", A=action(writer, "/Launch", F="cmd.exe")),
        annotation(writer, "/Widget", A=action(writer, "/SubmitForm", F="https://x.example"),
                   AA=DictionaryObject({name("/K"): script})),
        annotation(writer, "/FileAttachment", Contents=TextStringObject("see file")),
        annotation(writer, "/Link", A=goto)])
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def test_a_hostile_pdf_is_rewritten_without_metadata_scripts_files_or_actions() -> None:
    sent = hostile_pdf()
    for marker in (b"Aziza Karimova", SCRIPT.encode(), PAYLOAD, b"/JavaScript", b"/Launch",
                   b"/URI", b"/SubmitForm", b"/EmbeddedFile", b"/OpenAction", b"/AA"):
        assert marker in sent, marker  # the test file really carries each of them
    cleaned = PypdfCleaner().clean(sent, max_pages=10)
    for marker in (b"Aziza Karimova", b"private draft", b"ownedMarker", PAYLOAD,
                   b"invoice.exe", b"/JavaScript", b"/JS", b"/Launch", b"/URI", b"/SubmitForm",
                   b"/EmbeddedFile", b"/FileAttachment", b"/OpenAction", b"/AA",
                   b"/Metadata", b"/Names", b"/Info"):
        assert marker not in cleaned, marker
    reader = PdfReader(io.BytesIO(cleaned))
    assert reader.metadata is None
    assert reader.xmp_metadata is None
    assert reader.attachments == {}
    assert len(reader.pages) == 2
    assert "Sold on 1 March" in reader.pages[0].extract_text()
    assert "Page two" in reader.pages[1].extract_text()
    # The file annotation is gone; the others stay, inert, but for the in-document jump.
    annotations = [a.get_object() for a in reader.pages[0]["/Annots"]]
    assert [(a["/Subtype"], a.get("/A", {}).get("/S")) for a in annotations] == [
        ("/Link", None), ("/Link", None), ("/Widget", None), ("/Link", "/GoTo")]


def test_a_plain_pdf_keeps_its_pages_and_text() -> None:
    cleaned = PypdfCleaner().clean(pdf_bytes("Contract of sale", "Signed"), max_pages=2)
    reader = PdfReader(io.BytesIO(cleaned))
    assert [p.extract_text().strip() for p in reader.pages] == ["Contract of sale", "Signed"]


def encrypted_pdf() -> bytes:
    writer = PdfWriter(clone_from=io.BytesIO(pdf_bytes()))
    writer.encrypt(user_password="", owner_password="owner-only")  # opens without asking
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


@pytest.mark.parametrize(("data", "why"), [
    (encrypted_pdf(), "encrypted"),
    (b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n", "does not parse"),  # no root
    (b"%PDF-1.7\n" + bytes(range(256)) * 8 + b"\n%%EOF\n", "does not parse"),
    (pdf_bytes("1", "2", "3"), "more than 2 pages"),
])
def test_unreadable_encrypted_or_long_pdfs_are_refused(data: bytes, why: str) -> None:
    with pytest.raises(UnreadablePdf, match=why):
        PypdfCleaner().clean(data, max_pages=2)


def test_the_service_stores_the_rewritten_pdf_and_refuses_an_encrypted_one() -> None:
    world = make_notice_world()
    [stored] = world.attachments.store([AttachmentUpload(name="c.pdf", data=hostile_pdf())])
    kept = world.evidence.get(stored.sha256)
    assert SCRIPT.encode() not in kept
    assert stored.size_bytes == len(kept)
    with pytest.raises(ServiceError) as refused:
        world.attachments.store([AttachmentUpload(name="c.pdf", data=encrypted_pdf())])
    assert (refused.value.code, refused.value.status) == ("attachment_unreadable", 422)
    assert refused.value.message == "File 1 is not a readable PDF (it is encrypted)."
