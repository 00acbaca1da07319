"""Manual hotlist entries need two people; removals need a supervisor and a reason."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from platewarden.adapters.memory import InMemoryUnitOfWorkFactory
from platewarden.domain.access import EVERYWHERE, Role, permissions_of
from platewarden.domain.audit import AuditAction
from platewarden.domain.hotlist_changes import ProposalStatus
from platewarden.services.credentials import Principal
from platewarden.services.errors import ServiceError
from platewarden.services.hotlist_changes import HotlistChanges, ProposeEntry

from .factories import NOW, FixedClock, make_audit

PLATE = "01A123BC"


def person(role: Role, user_id: str) -> Principal:
    roles = frozenset({role.value})
    return Principal(user_id=user_id, username=user_id, roles=roles,
                     permissions=permissions_of(roles), scope=EVERYWHERE)


INVESTIGATOR = person(Role.INVESTIGATOR, "inv-1")
SUPERVISOR, OTHER_SUPERVISOR = person(Role.SUPERVISOR, "sup-1"), person(Role.SUPERVISOR, "sup-2")


def request(**fields: object) -> ProposeEntry:
    values: dict[str, object] = {
        "plate": PLATE, "list_name": "stolen", "reason": "reported stolen 25 Nov",
        "source": "Tashkent GUVD", "legal_basis": "Art. 169 CC",
        "expires_at": NOW + timedelta(days=30)}
    values.update(fields)
    return ProposeEntry(**values)  # type: ignore[arg-type]


def world() -> tuple[HotlistChanges, InMemoryUnitOfWorkFactory]:
    factory, clock = InMemoryUnitOfWorkFactory(), FixedClock(NOW)
    return HotlistChanges(uow_factory=factory, audit=make_audit(factory, clock),
                          clock=clock), factory


def listed(factory: InMemoryUnitOfWorkFactory) -> list[str]:
    with factory(read_only=True) as uow:
        return [e.plate for e in uow.hotlist.active(at=NOW)]


def code_of(caught: pytest.ExceptionInfo[ServiceError]) -> str:
    return caught.value.code


def test_a_proposal_matches_nothing_until_another_supervisor_approves() -> None:
    changes, factory = world()
    proposal = changes.propose(INVESTIGATOR, request(plate="01 a 123 bc"))
    assert (proposal.status, proposal.entry.plate) == (ProposalStatus.PENDING, PLATE)
    assert listed(factory) == []
    assert [p.id for p in changes.pending(SUPERVISOR)] == [proposal.id]
    approved = changes.decide(SUPERVISOR, proposal.id, approve=True)
    assert (approved.status, approved.decided_by) == (ProposalStatus.APPROVED, "sup-1")
    assert listed(factory) == [PLATE]
    assert changes.pending(SUPERVISOR) == []


def test_no_one_decides_alone_or_twice() -> None:
    changes, _ = world()
    own = changes.propose(SUPERVISOR, request())
    with pytest.raises(ServiceError) as caught:
        changes.decide(SUPERVISOR, own.id, approve=True)
    assert code_of(caught) == "own_proposal"
    with pytest.raises(ServiceError) as caught:
        changes.decide(INVESTIGATOR, own.id, approve=True)
    assert code_of(caught) == "forbidden"
    changes.decide(OTHER_SUPERVISOR, own.id, approve=False)
    with pytest.raises(ServiceError) as caught:
        changes.decide(OTHER_SUPERVISOR, own.id, approve=True)
    assert code_of(caught) == "conflict"
    with pytest.raises(ServiceError) as caught:
        changes.decide(OTHER_SUPERVISOR, "0" * 32, approve=True)
    assert code_of(caught) == "not_found"


@pytest.mark.parametrize("role", [Role.ADMIN, Role.REVIEWER, Role.AUDITOR])
def test_other_roles_may_not_propose(role: Role) -> None:
    changes, _ = world()
    with pytest.raises(ServiceError) as caught:
        changes.propose(person(role, "x"), request())
    assert code_of(caught) == "forbidden"


@pytest.mark.parametrize("fields", [{"plate": "!!"}, {"expires_at": NOW},
                                    {"priority": 9}, {"legal_basis": "  "}])
def test_bad_proposals_are_refused_with_a_reason(fields: dict[str, object]) -> None:
    changes, _ = world()
    with pytest.raises(ServiceError) as caught:
        changes.propose(INVESTIGATOR, request(**fields))
    assert code_of(caught) == "invalid_field"


def test_removal_needs_a_supervisor_and_a_reason_and_is_audited_without_plates() -> None:
    changes, factory = world()
    proposal = changes.propose(INVESTIGATOR, request())
    changes.decide(SUPERVISOR, proposal.id, approve=True)
    with factory(read_only=True) as uow:
        version = uow.hotlist.version()
    with pytest.raises(ServiceError):
        changes.remove(INVESTIGATOR, proposal.entry.id, reason="recovered by owner")
    with pytest.raises(ServiceError) as caught:
        changes.remove(SUPERVISOR, proposal.entry.id, reason="")
    assert code_of(caught) == "invalid_field"
    removed = changes.remove(SUPERVISOR, proposal.entry.id, reason="recovered by owner")
    assert removed.plate == PLATE
    assert listed(factory) == []
    with factory(read_only=True) as uow:
        assert uow.hotlist.version() != version  # matchers reload
        log = uow.audit.find([AuditAction.HOTLIST_CHANGED])
    assert [r.entry.details["change"] for r in log] == ["proposed", "approved", "removed"]
    assert PLATE not in json.dumps([dict(r.entry.details) for r in log] +
                                   [r.entry.target for r in log])
