"""Manual hotlist proposals and entry removals, in memory."""

from __future__ import annotations

import dataclasses

from platewarden.adapters.memory.state import IntegrityViolation, Transaction, stored_time
from platewarden.domain.hotlist_changes import HotlistProposal, ProposalStatus
from platewarden.domain.violations import HotlistEntry


class MemoryHotlistChanges:
    """Proposals, decisions and removals."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def add_proposal(self, proposal: HotlistProposal) -> None:
        state = self._tx.write()
        if proposal.id in state.hotlist_proposals:
            raise IntegrityViolation(f"proposal {proposal.id} exists")
        entry = dataclasses.replace(proposal.entry,
                                    expires_at=stored_time(proposal.entry.expires_at))
        state.hotlist_proposals[proposal.id] = dataclasses.replace(
            proposal, entry=entry, proposed_at=stored_time(proposal.proposed_at))

    def proposal(self, proposal_id: str) -> HotlistProposal | None:
        return self._tx.read().hotlist_proposals.get(proposal_id)

    def proposals(self, *, status: ProposalStatus | None) -> list[HotlistProposal]:
        found = [p for p in self._tx.read().hotlist_proposals.values()
                 if status is None or p.status is status]
        return sorted(found, key=lambda p: (p.proposed_at, p.id))

    def save_decision(self, proposal: HotlistProposal) -> None:
        state = self._tx.write()
        if proposal.id in state.hotlist_proposals:
            decided = stored_time(proposal.decided_at) if proposal.decided_at else None
            state.hotlist_proposals[proposal.id] = dataclasses.replace(
                state.hotlist_proposals[proposal.id], status=proposal.status,
                decided_by=proposal.decided_by, decided_at=decided)

    def remove_entry(self, entry_id: str) -> HotlistEntry | None:
        if entry_id not in self._tx.read().hotlist:
            return None
        state = self._tx.write()
        state.hotlist_version += 1
        return state.hotlist.pop(entry_id)
