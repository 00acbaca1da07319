"""Issuing notices: only for confirmed violations, once each, with the fine in force."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date

import pytest

from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import NoticeStatus, number_is_well_formed
from platewarden.domain.plates import canonical_key
from platewarden.domain.violations import ViolationStatus
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.notice_ports import KeeperRecord

from .notice_factories import KEEPER, make_notice_world


def test_a_confirmed_violation_gets_one_notice_with_its_fine_and_keeper() -> None:
    world = make_notice_world()
    violation = world.confirmed_violation(speed=84.0)  # 24 km/h over 60: second band
    notice = world.issuing.issue(violation.id, actor="rev-1")
    assert number_is_well_formed(notice.number)
    assert notice.status is NoticeStatus.ISSUED
    assert notice.addressee == KEEPER
    assert (notice.fine.band, notice.fine.amount_som, notice.fine.penalty_points) == (
        1, 375_000, 2)
    assert len(notice.payment_reference) == 15
    assert len(notice.verification_code) == 19
    assert world.issuing.issue(violation.id, actor="rev-2") == notice  # idempotent
    with world.uow_factory(read_only=True) as uow:
        issued = uow.audit.find([AuditAction.NOTICE_ISSUED])
    assert [r.entry.target for r in issued] == [notice.number]
    assert "01A123BC" not in str(issued[0].entry.details)


@pytest.mark.parametrize("status", [ViolationStatus.PENDING, ViolationStatus.REJECTED])
def test_only_confirmed_violations_get_a_notice_and_their_keeper_is_not_looked_up(
        status: ViolationStatus) -> None:
    world = make_notice_world()
    violation = world.confirmed_violation(status=status)
    with pytest.raises(ServiceError) as refused:
        world.issuing.issue(violation.id, actor="rev-1")
    assert refused.value.code == "conflict"
    assert world.registry.lookups == 0
    with pytest.raises(NotFound):
        world.issuing.issue("no-such-violation", actor="rev-1")


def test_issue_pending_covers_every_confirmed_violation_without_a_notice() -> None:
    world = make_notice_world()
    first = world.confirmed_violation(read_id="r1")
    world.confirmed_violation(read_id="r2", plate="01B777CC")
    world.confirmed_violation(read_id="r3", status=ViolationStatus.PENDING)
    world.issuing.issue(first.id, actor="rev-1")
    report = world.issuing.issue_pending(actor="system")
    assert len(report.issued) == 1
    assert report.not_fineable == ()
    assert world.issuing.issue_pending(actor="system").issued == ()
    unknown = world.issuing.notices_for([v for v in [first.id]])
    assert unknown[0].addressee == KEEPER


def test_an_unknown_plate_still_gets_a_notice_addressed_to_the_keeper() -> None:
    world = make_notice_world()
    violation = world.confirmed_violation(plate="95Z999ZZ")
    assert world.issuing.issue(violation.id, actor="rev-1").addressee is None


def test_the_notice_is_in_the_keepers_language_unless_one_is_asked_for() -> None:
    world = make_notice_world()  # installation default: en
    world.registry.replace_all([
        KeeperRecord(plate_key=canonical_key("01A123BC"), valid_from=date(2020, 1, 1),
                     keeper=dataclasses.replace(KEEPER, language="ru")),
        KeeperRecord(plate_key=canonical_key("01B777CC"), valid_from=date(2020, 1, 1),
                     keeper=dataclasses.replace(KEEPER, language="kk")),  # not one we print
        KeeperRecord(plate_key=canonical_key("30C555DD"), valid_from=date(2020, 1, 1),
                     keeper=KEEPER)])
    keepers_own = world.confirmed_violation(read_id="r1")
    unprintable = world.confirmed_violation(read_id="r2", plate="01B777CC")
    unknown = world.confirmed_violation(read_id="r3", plate="30C555DD")
    asked = world.confirmed_violation(read_id="r4", plate="01A123BC", speed=90.0)
    assert world.issuing.issue(keepers_own.id, actor="s").language == "ru"
    assert world.issuing.issue(unprintable.id, actor="s").language == "en"
    assert world.issuing.issue(unknown.id, actor="s").language == "en"
    notice = world.issuing.issue(asked.id, actor="s", language="uz")
    assert notice.language == "uz"
    assert notice.addressee is not None
    assert notice.addressee.language == "ru"  # kept with the notice


def test_a_second_offence_within_the_repeat_window_costs_double() -> None:
    world = make_notice_world()
    first = world.issuing.issue(world.confirmed_violation(read_id="r1").id, actor="s")
    world.clock.advance(86400)
    second = world.issuing.issue(world.confirmed_violation(read_id="r2").id, actor="s")
    assert (first.fine.repeat, second.fine.repeat) == (False, True)
    assert second.fine.amount_som == 2 * first.fine.amount_som


def test_concurrent_issuers_make_one_notice_per_violation() -> None:
    world = make_notice_world()
    violation = world.confirmed_violation()
    numbers: list[str] = []
    barrier = threading.Barrier(8)

    def issue() -> None:
        barrier.wait()
        numbers.append(world.issuing.issue(violation.id, actor="rev").number)

    threads = [threading.Thread(target=issue) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(numbers)) == 1
    assert len(numbers) == 8
    with world.uow_factory(read_only=True) as uow:
        assert len(uow.audit.find([AuditAction.NOTICE_ISSUED])) == 1
