"""Manual hotlist proposals and entry removals in SQL."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from platewarden.adapters.db import tables as t
from platewarden.adapters.db.mapping import hotlist_from
from platewarden.domain.clock import from_us, to_us
from platewarden.domain.hotlist_changes import HotlistProposal, ProposalStatus
from platewarden.domain.plates import canonical_key
from platewarden.domain.violations import HotlistEntry

_p = t.hotlist_proposals


def _proposal(row: Any) -> HotlistProposal:
    entry = HotlistEntry(id=row.entry_id, plate=row.plate, plate_key=canonical_key(row.plate),
                         list_name=row.list_name, reason=row.reason, source=row.source,
                         legal_basis=row.legal_basis, expires_at=from_us(row.expires_us),
                         priority=row.priority)
    return HotlistProposal(
        id=row.id, entry=entry, proposed_by=row.proposed_by,
        proposed_at=from_us(row.proposed_us), status=ProposalStatus(row.status),
        decided_by=row.decided_by,
        decided_at=from_us(row.decided_us) if row.decided_us is not None else None)


class SqlHotlistChanges:
    """Proposals, decisions and removals."""

    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def add_proposal(self, proposal: HotlistProposal) -> None:
        e = proposal.entry
        self._c.execute(insert(_p).values(
            id=proposal.id, entry_id=e.id, plate=e.plate, list_name=e.list_name,
            reason=e.reason, source=e.source, legal_basis=e.legal_basis,
            expires_us=to_us(e.expires_at), priority=e.priority,
            proposed_by=proposal.proposed_by, proposed_us=to_us(proposal.proposed_at),
            status=proposal.status.value))

    def proposal(self, proposal_id: str) -> HotlistProposal | None:
        row = self._c.execute(select(_p).where(_p.c.id == proposal_id)).first()
        return _proposal(row) if row is not None else None

    def proposals(self, *, status: ProposalStatus | None) -> list[HotlistProposal]:
        stmt = select(_p).order_by(_p.c.proposed_us, _p.c.id)
        if status is not None:
            stmt = stmt.where(_p.c.status == status.value)
        return [_proposal(row) for row in self._c.execute(stmt)]

    def save_decision(self, proposal: HotlistProposal) -> None:
        decided = to_us(proposal.decided_at) if proposal.decided_at is not None else None
        self._c.execute(update(_p).where(_p.c.id == proposal.id).values(
            status=proposal.status.value, decided_by=proposal.decided_by, decided_us=decided))

    def remove_entry(self, entry_id: str) -> HotlistEntry | None:
        h = t.hotlist_entries
        row = self._c.execute(select(h).where(h.c.id == entry_id)).first()
        if row is None:
            return None
        self._c.execute(delete(h).where(h.c.id == entry_id))
        state = t.system_state
        self._c.execute(delete(state).where(state.c.key == "hotlist_version"))
        self._c.execute(insert(state).values(key="hotlist_version", value=uuid.uuid4().hex))
        return hotlist_from(row)
