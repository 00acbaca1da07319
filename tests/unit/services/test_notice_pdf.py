"""Notice PDFs: the text extracted from each language's PDF carries every required field."""

# ruff: noqa: RUF001

from __future__ import annotations

import hashlib
import io

import pytest
from pypdf import PdfReader

from platewarden.domain.audit import AuditAction

from .notice_factories import make_notice_world

EXPECTED = {
    "en": ["Notice of an administrative offence", "Speeding", "Legal basis", "How to appeal",
           "Payment reference", "Verification code", "375 000 som", "262 500 som",
           "Penalty points", "Tolerance applied"],
    "ru": ["Постановление об административном правонарушении", "Превышение скорости",
           "Правовое основание", "Порядок обжалования", "375 000 сум", "262 500 сум",
           "Код проверки", "Номер платежа"],
    "uz": ["Maʼmuriy huquqbuzarlik toʻgʻrisida bildirishnoma", "Tezlikni oshirish",
           "Huquqiy asos", "Shikoyat qilish tartibi", "375 000 soʻm", "262 500 soʻm",
           "Tekshirish kodi", "Toʻlov raqami"],
}


def text_of(pdf: bytes) -> str:
    reader = PdfReader(io.BytesIO(pdf))
    return " ".join(" ".join((page.extract_text() or "").split()) for page in reader.pages)


@pytest.mark.parametrize("language", ["uz", "ru", "en"])
def test_the_pdf_states_every_field_in_its_language(language: str) -> None:
    world = make_notice_world()
    violation = world.confirmed_violation(speed=84.0)
    notice = world.issuing.issue(violation.id, actor="rev-1", language=language)
    text = text_of(world.documents.pdf(notice.number, actor="clerk-1"))
    for phrase in EXPECTED[language]:
        assert phrase in text, phrase
    for fact in (notice.number, notice.payment_reference, notice.verification_code,
                 "01A123BC", "Aziza Karimova", "Amir Temur / Qodiriy", "84 km/h", "60 km/h",
                 "limit + max(3 km/h, 3% of limit)", "2026-03-01 17:00:00 +0500",
                 "2026-03-16", "2026-03-31", "https://fines.example.uz/notice",
                 notice.fine.legal_basis):
        assert fact in text, fact


def test_the_pdf_embeds_the_evidence_images_and_rendering_is_audited() -> None:
    world = make_notice_world()
    notice = world.issuing.issue(world.confirmed_violation().id, actor="rev-1")
    pdf = world.documents.pdf(notice.number, actor="clerk-1")
    reader = PdfReader(io.BytesIO(pdf))
    assert sum(len(page.images) for page in reader.pages) == 2
    with world.uow_factory(read_only=True) as uow:
        exports = uow.audit.find([AuditAction.EXPORT])
    assert [(e.entry.actor, e.entry.target) for e in exports] == [("clerk-1", notice.number)]


def test_a_missing_image_leaves_it_out_and_the_notice_still_prints() -> None:
    world = make_notice_world()
    notice = world.issuing.issue(world.confirmed_violation().id, actor="rev-1")
    document = world.documents.document(notice.number)
    assert len(document.images) == 2
    for image in document.images:  # what retention or a lost disk would leave
        world.evidence.delete(hashlib.sha256(image.data).hexdigest())
    assert world.documents.document(notice.number).images == ()
    assert "Verification code" in text_of(world.documents.pdf(notice.number, actor="c"))
