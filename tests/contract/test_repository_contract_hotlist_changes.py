"""Contract of hotlist proposals and removals: the fake behaves as the SQL adapter does."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

from platewarden.domain.hotlist_changes import HotlistProposal, ProposalStatus, decide
from platewarden.domain.plates import canonical_key
from platewarden.domain.violations import HotlistEntry
from platewarden.services.unit_of_work import UnitOfWorkFactory

from .helpers import T0


def proposal(n: int, *, by: str = "inv-1") -> HotlistProposal:
    plate = f"01A{n:03d}BC"
    entry = HotlistEntry(id=f"{n:032x}", plate=plate, plate_key=canonical_key(plate),
                         list_name="stolen", reason="theft", source="police", legal_basis="law",
                         expires_at=T0 + timedelta(days=9), priority=2)
    return HotlistProposal(id=f"{n + 100:032x}", entry=entry, proposed_by=by,
                           proposed_at=T0 + timedelta(minutes=n))


def test_proposals_round_trip_and_filter_by_status(uow_factory: UnitOfWorkFactory) -> None:
    first, second = proposal(1), proposal(2)
    with uow_factory() as uow:
        uow.hotlist_changes.add_proposal(second)
        uow.hotlist_changes.add_proposal(first)
        uow.commit()
    decided = decide(first, by="sup-1", approve=False, at=T0 + timedelta(hours=1))
    with uow_factory() as uow:
        uow.hotlist_changes.save_decision(decided)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        changes = uow.hotlist_changes
        assert changes.proposal(first.id) == decided
        assert changes.proposal("f" * 32) is None
        assert changes.proposals(status=None) == [decided, second]
        assert changes.proposals(status=ProposalStatus.PENDING) == [second]
        assert changes.proposals(status=ProposalStatus.REJECTED) == [decided]


def test_removing_an_entry_returns_it_and_changes_the_version(
        uow_factory: UnitOfWorkFactory) -> None:
    entry = proposal(3).entry
    with uow_factory() as uow:
        uow.hotlist.upsert([entry, dataclasses.replace(proposal(4).entry)], at=T0)
        uow.commit()
    with uow_factory() as uow:
        before = uow.hotlist.version()
        assert uow.hotlist_changes.remove_entry(entry.id) == entry
        assert uow.hotlist_changes.remove_entry(entry.id) is None
        assert uow.hotlist.version() != before
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert [e.id for e in uow.hotlist.active(at=T0)] == [proposal(4).entry.id]


def test_listed_at_is_when_each_entry_was_last_written(uow_factory: UnitOfWorkFactory) -> None:
    first, second = proposal(5).entry, proposal(6).entry
    with uow_factory() as uow:
        uow.hotlist.upsert([first], at=T0)
        uow.hotlist.upsert([second], at=T0 + timedelta(days=2))
        uow.commit()
    with uow_factory(read_only=True) as uow:
        listed = uow.hotlist.listed_at([first.id, second.id, "f" * 32])
        assert uow.hotlist.listed_at([]) == {}
    assert listed == {first.id: T0, second.id: T0 + timedelta(days=2)}
