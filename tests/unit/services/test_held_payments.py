"""Held payments: excess ones are held too, and a person applies, refunds or rejects each."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platewarden.domain.access import NATIONWIDE, RegionScope
from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import HoldReason, Notice, NoticeStatus
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.held_payments import HeldPayments, Resolution
from platewarden.services.notice_cases import PaymentLine
from platewarden.services.notice_ports import PaymentOutcome

from .notice_factories import PLATE, NoticeWorld, make_notice_world

ALL = RegionScope.of([NATIONWIDE])


def world_with_notice() -> tuple[NoticeWorld, Notice, HeldPayments]:
    world = make_notice_world()
    notice = world.issuing.issue(world.confirmed_violation().id, actor="s")
    return world, notice, HeldPayments(uow_factory=world.uow_factory, cases=world.cases,
                                       audit=world.audit)


def pay(world: NoticeWorld, reference: str, amount: int, tx: str) -> None:
    world.cases.import_payments([PaymentLine(transaction_id=tx, reference=reference,
                                             amount_som=amount, paid_at=world.clock.now)],
                                provider="click", actor="fin")


def test_paying_the_full_amount_inside_the_discount_window_is_held_not_kept() -> None:
    world, notice, held = world_with_notice()
    pay(world, notice.payment_reference, notice.fine.amount_som, "t1")  # discount applies
    [payment] = held.held(scope=ALL)
    assert payment.hold_reason is HoldReason.EXCESS
    assert world.cases.notice(notice.number).status is NoticeStatus.ISSUED
    # A person applies it (the difference is refunded outside the system), with a reason.
    done = held.resolve("click", "t1", scope=ALL, resolution=Resolution.APPLY,
                        notice_number=notice.number, actor="sup-1",
                        reason="excess refunded by the bank, ticket 77")
    assert (done.outcome, done.notice_number) == (PaymentOutcome.APPLIED, notice.number)
    paid = world.cases.notice(notice.number)
    assert (paid.status, paid.paid_som) == (NoticeStatus.PAID, notice.fine.amount_som)
    last = world.cases.history(notice.number)[-1]
    assert (last.actor, last.new) == ("sup-1", NoticeStatus.PAID)
    assert "ticket 77" in last.reason
    with world.uow_factory(read_only=True) as uow:
        [entry] = [r.entry for r in uow.audit.find([AuditAction.PAYMENT_RESOLVED])]
    assert (entry.actor, entry.details["resolution"], entry.details["held_because"]) == (
        "sup-1", "apply", "more than the amount due")
    assert held.held(scope=ALL) == []


def test_a_mistyped_reference_is_applied_to_the_right_notice() -> None:
    world, notice, held = world_with_notice()
    pay(world, "123456789012345", notice.fine.discounted_som, "t1")
    held.resolve("click", "t1", scope=ALL, resolution=Resolution.APPLY, notice_number=notice.number,
                 actor="sup-1", reason="payer's bank swapped two digits")
    assert world.cases.notice(notice.number).status is NoticeStatus.PAID


@pytest.mark.parametrize("resolution", [Resolution.REFUND, Resolution.REJECT])
def test_refunded_or_rejected_payments_leave_the_notice_as_it_was(
        resolution: Resolution) -> None:
    world, notice, held = world_with_notice()
    pay(world, "123456789012345", 5000, "t1")
    done = held.resolve("click", "t1", scope=ALL, resolution=resolution, notice_number=None,
                        actor="sup-1", reason="not a fine payment")
    assert done.outcome.value == {"refund": "refunded", "reject": "rejected"}[resolution]
    assert world.cases.notice(notice.number).status is NoticeStatus.ISSUED
    assert held.held(scope=ALL) == []


def test_a_payment_is_resolved_once_and_only_as_the_lifecycle_allows() -> None:
    world, notice, held = world_with_notice()
    pay(world, "123456789012345", 5000, "t1")
    pay(world, "123456789012346", 5000, "t2")
    world.citizen.appeal(notice.number, PLATE, text="Not me.")

    def refused(tx: str, resolution: Resolution, number: str | None, reason: str = "r"
                ) -> str:
        with pytest.raises(ServiceError) as error:
            held.resolve("click", tx, scope=ALL, resolution=resolution, notice_number=number,
                         actor="sup-1", reason=reason)
        return error.value.code

    assert refused("t1", Resolution.APPLY, notice.number) == "conflict"  # appealed
    assert refused("t1", Resolution.APPLY, None) == "invalid_field"
    assert refused("t1", Resolution.REFUND, notice.number) == "invalid_field"
    assert refused("t1", Resolution.REFUND, None, reason=" ") == "invalid_field"
    assert refused("nope", Resolution.REFUND, None) == "not_found"
    assert refused("t1", Resolution.APPLY, "PW-2026-0000000011") == "not_found"
    assert len(held.held(scope=ALL)) == 2  # nothing changed by any refusal
    held.resolve("click", "t1", scope=ALL, resolution=Resolution.REJECT, notice_number=None,
                 actor="sup-1", reason="duplicate of a cash payment")
    assert refused("t1", Resolution.REFUND, None) == "conflict"
    with pytest.raises(NotFound):
        held.payment("click", "nope", scope=ALL)


def test_a_late_discounted_payment_is_still_short() -> None:
    world, notice, held = world_with_notice()
    world.clock.now = notice.fine.discount_until + timedelta(seconds=1)
    pay(world, notice.payment_reference, notice.fine.discounted_som, "t1")
    pay(world, notice.payment_reference, notice.fine.amount_som + 1, "t2")
    assert [p.hold_reason for p in held.held(scope=ALL)] == [HoldReason.SHORT,
                                                             HoldReason.EXCESS]


def test_another_regions_supervisor_sees_and_touches_only_payments_without_a_notice() -> None:
    world, notice, held = world_with_notice()  # the notice's camera is in region 01
    pay(world, notice.payment_reference, notice.fine.amount_som, "t1")  # held: excess
    pay(world, "123456789012345", 5000, "t2")  # held: unknown reference, no region
    samarkand = RegionScope.of(["14"])
    assert [p.transaction_id for p in held.held(scope=samarkand)] == ["t2"]
    assert [p.transaction_id for p in held.held(scope=RegionScope.of(["01"]))] == ["t1", "t2"]
    with pytest.raises(NotFound):
        held.payment("click", "t1", scope=samarkand)
    with pytest.raises(NotFound):
        held.resolve("click", "t1", scope=samarkand, resolution=Resolution.REFUND,
                     notice_number=None, actor="sup-2", reason="r")
    with pytest.raises(NotFound):  # nor can their payment be applied to this notice
        held.resolve("click", "t2", scope=samarkand, resolution=Resolution.APPLY,
                     notice_number=notice.number, actor="sup-2", reason="r")
    assert len(held.held(scope=ALL)) == 2  # nothing changed
