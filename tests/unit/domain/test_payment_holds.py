"""Why a payment is held: one reason per case, stored under the texts it always had."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from platewarden.domain.fines import Fine
from platewarden.domain.notices import OPEN, HoldReason, Notice, NoticeStatus, payment_hold

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def make_notice(*, status: NoticeStatus = NoticeStatus.ISSUED) -> Notice:
    fine = Fine(schedule_id="default", band=1, legal_basis="Art. 1", amount_som=375_000,
                discounted_som=262_500, discount_until=T0 + timedelta(days=16),
                due_at=T0 + timedelta(days=31), penalty_points=2, repeat=False)
    return Notice(number="PW-2026-0000000011", violation_id="v1", plate_key="01A123BC",
                  verification_code="AAAA-BBBB-CCCC-DDDD", payment_reference="100000000000001",
                  language="uz", issued_at=T0, fine=fine, addressee=None, status=status)


def test_the_stored_values_are_the_texts_rows_and_api_clients_already_have() -> None:
    # Changing one would orphan stored rows and change the API's answer: a migration.
    assert [r.value for r in HoldReason] == [
        "unknown reference", "less than the amount due", "more than the amount due",
        "notice is appealed", "notice is paid", "notice is cancelled"]


@pytest.mark.parametrize("status", sorted(set(NoticeStatus) - OPEN))
def test_every_status_with_nothing_due_has_its_reason(status: NoticeStatus) -> None:
    reason = HoldReason.nothing_due(status)
    assert reason.notice_status is status
    assert reason.value == f"notice is {status.value}"


@pytest.mark.parametrize("status", sorted(OPEN))
def test_an_open_notice_has_no_nothing_due_reason(status: NoticeStatus) -> None:
    with pytest.raises(ValueError, match="has a payment due"):
        HoldReason.nothing_due(status)


def test_only_nothing_due_reasons_name_a_status() -> None:
    named = {r for r in HoldReason if r.notice_status is not None}
    assert set(HoldReason) - named == {HoldReason.UNKNOWN_REFERENCE, HoldReason.SHORT,
                                      HoldReason.EXCESS}


def test_the_amount_due_decides_between_applied_short_and_excess() -> None:
    notice = make_notice()
    early, late = T0, notice.fine.discount_until
    assert payment_hold(notice, amount_som=262_500, paid_at=early) is None
    assert payment_hold(notice, amount_som=262_499, paid_at=early) is HoldReason.SHORT
    assert payment_hold(notice, amount_som=375_000, paid_at=early) is HoldReason.EXCESS
    assert payment_hold(notice, amount_som=262_500, paid_at=late) is HoldReason.SHORT
    assert payment_hold(notice, amount_som=375_000, paid_at=late) is None


def test_no_notice_or_nothing_due_comes_before_the_amount() -> None:
    assert payment_hold(None, amount_som=262_500, paid_at=T0) is \
        HoldReason.UNKNOWN_REFERENCE
    cancelled = make_notice(status=NoticeStatus.CANCELLED)
    assert payment_hold(cancelled, amount_som=262_500, paid_at=T0) is \
        HoldReason.NOTICE_CANCELLED
