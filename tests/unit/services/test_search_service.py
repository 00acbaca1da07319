"""Search service on the fakes: purpose, window, approvals, audit trail and misuse signals."""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import pytest

from platewarden.adapters.memory import InMemoryUnitOfWorkFactory
from platewarden.domain.access import EVERYWHERE, RegionScope, Role, permissions_of
from platewarden.domain.audit import AuditAction, AuditEntry
from platewarden.domain.search import MisusePolicy, QueryKind, SignalKind
from platewarden.services.accounts import Principal
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.search import SearchService
from platewarden.services.search_types import SearchPolicy, SearchRequest
from unit.rules.factories import make_camera, make_read
from unit.services.factories import NOW, FixedClock, make_audit

REASONS = frozenset({"stolen-vehicle", "court-order"})


@dataclass
class World:
    uow_factory: InMemoryUnitOfWorkFactory
    clock: FixedClock
    service: SearchService

    def entries(self) -> list[AuditEntry]:
        with self.uow_factory(read_only=True) as uow:
            return [r.entry for r in uow.audit.range(1, 10_000)]


def make_world(**policy: Any) -> World:
    uow_factory, clock = InMemoryUnitOfWorkFactory(), FixedClock()
    service = SearchService(uow_factory=uow_factory, audit=make_audit(uow_factory, clock),
                            clock=clock, policy=SearchPolicy(reason_codes=REASONS, **policy),
                            plate_hash_key=b"k" * 32)
    with uow_factory() as uow:
        uow.cameras.add(make_camera(id="cam-1"), created_at=NOW)
        for n, (plate, days_ago) in enumerate([("01A123BC", 1), ("01A123B0", 2),
                                               ("01A123BC", 200), ("30X999ZZ", 3),
                                               ("O1A123BC", 10)]):
            read = make_read(read_id=f"r{n}", plate=plate,
                             captured_at=NOW - timedelta(days=days_ago))
            uow.reads.add(read, payload_sha256="d" * 64, received_at=NOW, duplicate_of=None)
        uow.commit()
    return World(uow_factory=uow_factory, clock=clock, service=service)


def person(*roles: Role, user_id: str = "inv-1",
           scope: RegionScope = EVERYWHERE) -> Principal:
    names = frozenset(r.value for r in roles)
    return Principal(user_id=user_id, username=user_id, roles=names,
                     permissions=permissions_of(names), scope=scope)


INVESTIGATOR = person(Role.INVESTIGATOR)
SUPERVISOR = person(Role.SUPERVISOR, user_id="sup-1")


def request(query: str = "01A123BC", *, kind: QueryKind = QueryKind.EXACT, days: int = 30,
            **fields: Any) -> SearchRequest:
    values: dict[str, Any] = {"reason_code": "stolen-vehicle", "case_reference": "CR-2026-17",
                              "since": NOW - timedelta(days=days), "until": NOW}
    values.update(fields)
    return SearchRequest(query=query, kind=kind, **values)


def code_of(call: Any, *args: Any) -> str:
    with pytest.raises(ServiceError) as caught:
        call(*args)
    return caught.value.code


def test_search_needs_a_listed_reason_and_a_case_reference() -> None:
    world = make_world()
    search = world.service.search
    assert code_of(search, INVESTIGATOR, request(reason_code=None)) == "reason_required"
    assert code_of(search, INVESTIGATOR, request(reason_code="curiosity")) == "reason_required"
    assert code_of(search, INVESTIGATOR, request(case_reference="")) == \
        "case_reference_required"
    assert world.entries() == []


def test_every_search_is_audited_with_reason_case_count_and_no_plate_text() -> None:
    world = make_world()
    result = world.service.search(INVESTIGATOR, request())
    assert [r.plate for r in result.reads] == ["01A123BC"]
    (entry,) = world.entries()
    assert entry.sequence == result.audit_sequence
    assert (entry.action, entry.actor) == (AuditAction.SEARCH, "inv-1")
    assert entry.details["reason"] == "stolen-vehicle"
    assert entry.details["case"] == "CR-2026-17"
    assert (entry.details["results"], entry.details["kind"]) == ("1", "exact")
    serialised = json.dumps([entry.target, dict(entry.details)])
    assert "123" not in serialised


def test_confusable_search_finds_the_zero_for_the_letter_o() -> None:
    world = make_world()
    found = world.service.search(INVESTIGATOR, request("01A123BO", kind=QueryKind.CONFUSABLE))
    assert [r.plate for r in found.reads] == ["01A123B0"]


def test_wildcard_search_newest_first() -> None:
    world = make_world()
    found = world.service.search(INVESTIGATOR, request("01A123B?", kind=QueryKind.WILDCARD))
    assert [r.read_id for r in found.reads] == ["r0", "r1"]


def test_the_same_plate_hashes_alike_across_kinds_and_differently_from_others() -> None:
    world = make_world()
    world.service.search(INVESTIGATOR, request("01A123BC"))
    world.service.search(INVESTIGATOR, request("0IA123BC", kind=QueryKind.CONFUSABLE))
    world.service.search(INVESTIGATOR, request("30X999ZZ"))
    hashes = [e.details["plate_hash"] for e in world.entries()]
    assert hashes[0] == hashes[1] != hashes[2]


def test_admins_and_reviewers_cannot_search() -> None:
    world = make_world()
    for who in (person(Role.ADMIN), person(Role.REVIEWER), person(Role.AUDITOR)):
        assert code_of(world.service.search, who, request()) == "forbidden"


def test_wider_window_is_refused_without_approval() -> None:
    world = make_world()
    assert code_of(world.service.search, INVESTIGATOR, request(days=365)) == \
        "approval_required"
    assert world.entries() == []


def test_approval_flow_is_single_use_for_its_requester_plate_and_window() -> None:
    world = make_world()
    service = world.service
    approval = service.request_approval(INVESTIGATOR, request(days=365))
    wide = request(days=365, approval_id=approval.id)
    assert code_of(service.search, INVESTIGATOR, wide) == "approval_not_usable"  # pending
    assert code_of(service.approve, INVESTIGATOR, approval.id) == "forbidden"
    approved = service.approve(SUPERVISOR, approval.id)
    assert approved.approved_by == "sup-1"
    assert code_of(service.approve, person(Role.SUPERVISOR, user_id="sup-2"),
                   approval.id) == "conflict"
    other = person(Role.INVESTIGATOR, user_id="inv-2")
    assert code_of(service.search, other, wide) == "approval_not_usable"
    assert code_of(service.search, INVESTIGATOR,
                   request("30X999ZZ", days=365, approval_id=approval.id)) == \
        "approval_not_usable"
    assert code_of(service.search, INVESTIGATOR, request(days=400, approval_id=approval.id)) \
        == "approval_not_usable"
    result = service.search(INVESTIGATOR, wide)
    assert [r.read_id for r in result.reads] == ["r0", "r2"]
    assert result.approval_id == approval.id
    assert code_of(service.search, INVESTIGATOR, wide) == "approval_not_usable"  # used
    actions = [e.action for e in world.entries()]
    assert actions == [AuditAction.SEARCH_APPROVAL_REQUESTED, AuditAction.SEARCH_APPROVED,
                       AuditAction.SEARCH]


def test_supervisors_see_pending_requests_without_plate_text() -> None:
    world = make_world(approval_ttl_days=7)
    first = world.service.request_approval(INVESTIGATOR, request(days=365))
    world.clock.advance(86400)
    second = world.service.request_approval(INVESTIGATOR, request("30X999ZZ", days=200))
    world.service.approve(SUPERVISOR, first.id)
    (pending,) = world.service.pending_approvals(SUPERVISOR)
    assert (pending.id, pending.requested_by, pending.case_reference) == (
        second.id, "inv-1", "CR-2026-17")
    assert pending.since == NOW - timedelta(days=200)
    world.clock.advance(8 * 86400)
    assert world.service.pending_approvals(SUPERVISOR) == []
    assert code_of(world.service.pending_approvals, INVESTIGATOR) == "forbidden"


def test_signal_range_needs_aware_ordered_times() -> None:
    world = make_world()
    auditor = person(Role.AUDITOR, user_id="aud-1")
    with pytest.raises(ServiceError) as caught:
        world.service.misuse(auditor, since=NOW, until=NOW - timedelta(days=1))
    assert caught.value.code == "invalid_window"
    with pytest.raises(NotFound):
        world.service.approve(SUPERVISOR, "9" * 40)


def test_a_supervisor_cannot_approve_their_own_request() -> None:
    world = make_world()
    approval = world.service.request_approval(SUPERVISOR, request(days=365))
    assert code_of(world.service.approve, SUPERVISOR, approval.id) == "self_approval"


def test_approvals_expire_and_unknown_ids_are_not_found() -> None:
    world = make_world(approval_ttl_days=7)
    approval = world.service.request_approval(INVESTIGATOR, request(days=365))
    world.clock.advance(8 * 86400)
    assert code_of(world.service.approve, SUPERVISOR, approval.id) == "approval_not_usable"
    with pytest.raises(NotFound):
        world.service.approve(SUPERVISOR, "999")
    with pytest.raises(NotFound):
        world.service.approve(SUPERVISOR, "1x")


def test_requesting_approval_for_a_normal_window_is_refused() -> None:
    world = make_world()
    assert code_of(world.service.request_approval, INVESTIGATOR, request()) == \
        "invalid_window"


def test_vehicle_history_is_oldest_first_and_audited_as_history() -> None:
    world = make_world()
    found = world.service.vehicle_history(INVESTIGATOR, request("01A123BC", days=30))
    assert [r.read_id for r in found.reads] == ["r4", "r0"]
    assert world.entries()[-1].details["kind"] == "history"


def test_auditors_see_signals_with_entry_numbers_and_their_look_is_audited() -> None:
    world = make_world(misuse=MisusePolicy(repeat_threshold=3, daily_threshold=100))
    for _ in range(3):
        world.service.search(INVESTIGATOR, request())
    world.clock.now = NOW.replace(hour=18)  # 23:00 local
    world.service.search(INVESTIGATOR, request("30X999ZZ"))
    auditor = person(Role.AUDITOR, user_id="aud-1")
    signals = world.service.misuse(auditor, since=NOW - timedelta(days=1),
                                   until=NOW + timedelta(days=1))
    by_kind = {s.kind: s for s in signals}
    assert by_kind[SignalKind.REPEATED_PLATE].sequences == (1, 2, 3)
    assert by_kind[SignalKind.OUTSIDE_HOURS].sequences == (4,)
    assert SignalKind.MANY_SEARCHES not in by_kind
    assert world.entries()[-1].action is AuditAction.RECORD_VIEWED
    assert code_of(world.service.misuse, INVESTIGATOR) == "forbidden"


def test_default_signal_range_ends_now() -> None:
    world = make_world(misuse=MisusePolicy(repeat_threshold=2))
    for _ in range(2):
        world.service.search(INVESTIGATOR, request())
    signals = world.service.misuse(person(Role.AUDITOR, user_id="aud-1"))
    assert [s.kind for s in signals] == [SignalKind.REPEATED_PLATE]
    assert isinstance(world.clock(), datetime)
