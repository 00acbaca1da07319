"""The case of a notice: transitions with who/when/why, payments once each, appeals decided."""

from __future__ import annotations

import time
from datetime import datetime, timedelta

import pytest

from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import HoldReason, Notice, NoticeStatus
from platewarden.services.errors import ServiceError
from platewarden.services.notice_cases import OverdueSweep, PaymentLine
from platewarden.services.notice_ports import AppealStatus, PaymentOutcome
from platewarden.services.retention_schedule import RetentionSchedule

from .notice_factories import PLATE, NoticeWorld, make_notice_world


def issued(world: NoticeWorld, read_id: str = "r1") -> Notice:
    return world.issuing.issue(world.confirmed_violation(read_id=read_id).id, actor="s")


def line(notice: Notice | None, amount: int, *, tx: str = "tx-1", paid_at: datetime,
         reference: str | None = None) -> PaymentLine:
    ref = reference if reference is not None else (notice.payment_reference if notice else "")
    return PaymentLine(transaction_id=tx, reference=ref, amount_som=amount, paid_at=paid_at)


def test_delivery_and_cancellation_are_recorded_with_who_when_and_why() -> None:
    world = make_notice_world()
    notice = issued(world)
    world.clock.advance(60)
    world.cases.change(notice.number, NoticeStatus.DELIVERED, actor="post-1",
                       reason="handed over, receipt 77")
    world.cases.change(notice.number, NoticeStatus.CANCELLED, actor="sup-1",
                       reason="camera calibration lapsed")
    history = world.cases.history(notice.number)
    assert [(h.old, h.new, h.actor, h.reason) for h in history] == [
        (NoticeStatus.ISSUED, NoticeStatus.DELIVERED, "post-1", "handed over, receipt 77"),
        (NoticeStatus.DELIVERED, NoticeStatus.CANCELLED, "sup-1", "camera calibration lapsed")]
    assert history[0].at == world.clock.now
    with world.uow_factory(read_only=True) as uow:
        audited = uow.audit.find([AuditAction.NOTICE_STATUS_CHANGED])
    assert [(a.entry.actor, a.entry.details["to"]) for a in audited] == [
        ("post-1", "delivered"), ("sup-1", "cancelled")]


def test_a_plate_typed_into_a_reason_stays_out_of_the_audit_trail() -> None:
    world = make_notice_world()
    notice = issued(world)
    world.cases.change(notice.number, NoticeStatus.CANCELLED, actor="sup-1",
                       reason="camera misread 01A123BC as 01A128BC")
    (change,) = world.cases.history(notice.number)
    assert change.reason == "camera misread 01A123BC as 01A128BC"  # the case keeps it
    with world.uow_factory(read_only=True) as uow:
        (audited,) = uow.audit.find([AuditAction.NOTICE_STATUS_CHANGED])
    assert audited.entry.details["reason"] == "camera misread [plate] as [plate]"


def test_forbidden_transitions_and_missing_reasons_are_refused() -> None:
    world = make_notice_world()
    notice = issued(world)
    with pytest.raises(ServiceError) as no_reason:
        world.cases.change(notice.number, NoticeStatus.DELIVERED, actor="p", reason=" ")
    assert no_reason.value.code == "invalid_field"
    with pytest.raises(ServiceError) as forbidden:
        world.cases.change(notice.number, NoticeStatus.UPHELD, actor="p", reason="why not")
    assert forbidden.value.code == "conflict"
    world.cases.change(notice.number, NoticeStatus.CANCELLED, actor="p", reason="error")
    with pytest.raises(ServiceError):
        world.cases.change(notice.number, NoticeStatus.DELIVERED, actor="p", reason="late")
    assert world.cases.notice(notice.number).status is NoticeStatus.CANCELLED


def test_the_same_payment_twice_counts_once() -> None:
    world = make_notice_world()
    notice = issued(world)
    payment = line(notice, notice.fine.discounted_som, paid_at=world.clock.now)
    first = world.cases.import_payments([payment], provider="click", actor="fin-1")
    again = world.cases.import_payments([payment, payment], provider="click", actor="fin-1")
    assert (first.applied, first.held, first.duplicates) == (1, 0, 0)
    assert (again.applied, again.held, again.duplicates) == (0, 0, 2)
    paid = world.cases.notice(notice.number)
    assert (paid.status, paid.paid_som) == (NoticeStatus.PAID, notice.fine.discounted_som)
    # The same transaction id from another provider is another payment (held: nothing due).
    other = world.cases.import_payments([payment], provider="payme", actor="fin-1")
    assert (other.applied, other.held) == (0, 1)


def test_unknown_references_and_short_payments_are_held_for_a_person() -> None:
    world = make_notice_world()
    notice = issued(world)
    late = notice.fine.discount_until + timedelta(seconds=1)
    report = world.cases.import_payments([
        line(None, 100, tx="a", paid_at=world.clock.now, reference="999999999999999"),
        line(notice, notice.fine.discounted_som, tx="b", paid_at=late),  # discount over
    ], provider="click", actor="fin-1")
    assert (report.applied, report.held) == (0, 2)
    held = {p.transaction_id: p.hold_reason for p in world.cases.held_payments()}
    assert held == {"a": HoldReason.UNKNOWN_REFERENCE, "b": HoldReason.SHORT}
    assert world.cases.notice(notice.number).status is NoticeStatus.ISSUED
    full = world.cases.import_payments([line(notice, notice.fine.amount_som, tx="c",
                                             paid_at=late)], provider="click", actor="fin-1")
    assert full.applied == 1
    with world.uow_factory(read_only=True) as uow:
        assert len(uow.notices.payments(outcome=PaymentOutcome.APPLIED)) == 1


def test_an_appeal_is_decided_by_a_reviewer_with_a_reason() -> None:
    world = make_notice_world()
    upheld, cancelled = issued(world, "r1"), issued(world, "r2")
    first = world.citizen.appeal(upheld.number, PLATE, text="I was not driving.")
    world.clock.advance(1)
    second = world.citizen.appeal(cancelled.number, PLATE, text="The sign was covered.")
    assert first is not None
    assert second is not None
    assert [a.id for a in world.cases.appeals()] == [first.id, second.id]  # oldest first
    world.cases.decide_appeal(first.id, uphold=True, reviewer="rev-2",
                              reason="keeper is liable")
    world.cases.decide_appeal(second.id, uphold=False, reviewer="rev-2",
                              reason="photo shows the sign covered")
    assert world.cases.notice(upheld.number).status is NoticeStatus.UPHELD
    assert world.cases.notice(cancelled.number).status is NoticeStatus.CANCELLED
    assert world.cases.appeals() == []
    decided = world.cases.appeals(status=AppealStatus.CANCELLED)[0]
    assert (decided.decided_by, decided.reason) == ("rev-2", "photo shows the sign covered")
    with pytest.raises(ServiceError) as again:
        world.cases.decide_appeal(first.id, uphold=False, reviewer="rev-3", reason="x")
    assert again.value.code == "conflict"
    # An upheld fine can be paid; an appeal while appealed or after a decision cannot be filed.
    with pytest.raises(ServiceError):
        world.citizen.appeal(upheld.number, PLATE, text="again")


def test_payments_for_an_appealed_notice_wait_for_the_decision() -> None:
    world = make_notice_world()
    notice = issued(world)
    world.citizen.appeal(notice.number, PLATE, text="Wrong car.")
    report = world.cases.import_payments([line(notice, notice.fine.amount_som,
                                               paid_at=world.clock.now)],
                                         provider="click", actor="fin-1")
    assert report.held == 1
    assert world.cases.held_payments()[0].hold_reason is HoldReason.NOTICE_APPEALED


def test_open_notices_past_their_due_date_become_overdue() -> None:
    world = make_notice_world()
    notice = issued(world)
    world.clock.now = notice.fine.due_at - timedelta(microseconds=1)
    assert world.cases.mark_overdue() == []
    world.clock.now = notice.fine.due_at
    assert world.cases.mark_overdue() == [notice.number]
    assert world.cases.mark_overdue() == []
    assert world.cases.history(notice.number)[-1].actor == "system"
    paid = world.cases.import_payments([line(notice, notice.fine.amount_som,
                                             paid_at=world.clock.now)],
                                       provider="click", actor="fin-1")
    assert paid.applied == 1


def test_serve_marks_notices_overdue_on_its_schedule() -> None:
    world = make_notice_world()
    notice = issued(world)
    world.clock.now = notice.fine.due_at
    schedule = RetentionSchedule(service=OverdueSweep(world.cases), interval_s=0.05,
                                 first_delay_s=0.0, name="overdue")
    try:
        schedule.start()
        deadline = time.monotonic() + 20
        while schedule.runs < 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        schedule.stop()
    assert schedule.runs >= 2
    assert world.cases.notice(notice.number).status is NoticeStatus.OVERDUE
    assert len(world.cases.history(notice.number)) == 1  # once, however many runs
