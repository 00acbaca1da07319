"""The console says why a payment is held from the typed reason, in every language."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from platewarden.domain.notices import HoldReason, NoticeStatus
from platewarden.services.notice_ports import AppealStatus, Payment, PaymentOutcome
from platewarden.web.i18n import LANGUAGES, Translator
from platewarden.web.payments import why_held


def held(reason: HoldReason | None) -> Payment:
    outcome = PaymentOutcome.APPLIED if reason is None else PaymentOutcome.HELD
    return Payment(provider="click", transaction_id="t1", reference="100000000000001",
                   amount_som=5000, paid_at=datetime(2026, 3, 2, tzinfo=UTC), outcome=outcome,
                   hold_reason=reason)


@pytest.mark.parametrize(("reason", "key", "detail"), [
    (HoldReason.UNKNOWN_REFERENCE, "payments.why_unknown", ""),
    (HoldReason.SHORT, "payments.why_short", ""),
    (HoldReason.EXCESS, "payments.why_excess", ""),
    (HoldReason.NOTICE_APPEALED, "payments.why_closed", "appealed"),
    (HoldReason.NOTICE_PAID, "payments.why_closed", "paid"),
    (HoldReason.NOTICE_CANCELLED, "payments.why_closed", "cancelled"),
])
def test_each_reason_has_its_message(reason: HoldReason, key: str, detail: str) -> None:
    assert why_held(held(reason)) == (key, detail)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_reason_reads_as_a_sentence_in_every_language(language: str) -> None:
    t = Translator(language=language, utc_offset_hours=5)
    for reason in HoldReason:
        key, detail = why_held(held(reason))
        status = t(f"notice_status.{detail}") if detail else ""
        text = t(key, detail=status)
        assert text != key  # a missing message shows as its key
        assert status in text


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_status_has_a_name_in_every_language(language: str) -> None:
    t = Translator(language=language, utc_offset_hours=5)
    for key in [f"notice_status.{s}" for s in NoticeStatus] + [
            f"appeal_status.{s}" for s in AppealStatus]:
        assert key in t.keys
        # Russian and Uzbek pages named statuses by their English stored values.
        if language != "en":
            assert t(key) != Translator(language="en", utc_offset_hours=5)(key)


def test_a_payment_never_held_has_no_reason_to_show() -> None:
    with pytest.raises(ValueError, match="no hold reason"):
        why_held(held(None))
