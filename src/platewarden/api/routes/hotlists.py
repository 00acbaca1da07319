"""Manual hotlist entries: proposed by investigators or supervisors, decided by another
supervisor; removals by supervisors with a reason."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from platewarden.api.deps import container_of, require
from platewarden.domain.access import Permission
from platewarden.domain.hotlist_changes import HotlistProposal
from platewarden.services.accounts import Principal
from platewarden.services.hotlist_changes import ProposeEntry

router = APIRouter(prefix="/api/v1/hotlist", tags=["hotlist"])
Text = Annotated[str, StringConstraints(min_length=1, max_length=500)]
PROPOSAL_ID = Path(pattern=r"^[0-9a-f]{32}$")
ENTRY_ID = Path(pattern=r"^[0-9a-f]{32}$")


class ProposalIn(BaseModel):
    """One vehicle to list by hand."""

    model_config = ConfigDict(extra="forbid")
    plate: Annotated[str, StringConstraints(min_length=2, max_length=16)]
    list: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    reason: Text
    source: Annotated[str, StringConstraints(min_length=1, max_length=200)]
    legal_basis: Text
    expires_at: AwareDatetime
    priority: Annotated[int, Field(ge=1, le=5)] = 3


class ProposalOut(BaseModel):
    """A proposal and where it stands."""

    id: str
    entry_id: str
    plate: str
    list: str
    reason: str
    source: str
    legal_basis: str
    expires_at: datetime
    priority: int
    status: str
    proposed_by: str
    proposed_at: datetime
    decided_by: str | None


class RemovalIn(BaseModel):
    """Why an entry comes off its list."""

    model_config = ConfigDict(extra="forbid")
    reason: Annotated[str, StringConstraints(min_length=3, max_length=500)]


def _out(p: HotlistProposal) -> ProposalOut:
    e = p.entry
    return ProposalOut(id=p.id, entry_id=e.id, plate=e.plate, list=e.list_name, reason=e.reason,
                       source=e.source, legal_basis=e.legal_basis, expires_at=e.expires_at,
                       priority=e.priority, status=p.status.value, proposed_by=p.proposed_by,
                       proposed_at=p.proposed_at, decided_by=p.decided_by)


@router.post("/proposals", response_model=ProposalOut, status_code=201)
async def propose(body: ProposalIn, request: Request,
                  principal: Principal = Depends(require(Permission.HOTLIST_PROPOSE))
                  ) -> ProposalOut:
    """Propose an entry; it matches nothing until another supervisor approves it."""
    proposal = await run_in_threadpool(
        container_of(request).hotlist_changes.propose, principal, ProposeEntry(
            plate=body.plate, list_name=body.list, reason=body.reason, source=body.source,
            legal_basis=body.legal_basis, expires_at=body.expires_at, priority=body.priority))
    return _out(proposal)


@router.get("/proposals", response_model=list[ProposalOut])
async def pending(request: Request,
                  principal: Principal = Depends(require(Permission.HOTLIST_APPROVE))
                  ) -> list[ProposalOut]:
    """Proposals waiting for a decision."""
    found = await run_in_threadpool(container_of(request).hotlist_changes.pending, principal)
    return [_out(p) for p in found]


@router.post("/proposals/{proposal_id}/approve", response_model=ProposalOut)
async def approve(request: Request, proposal_id: str = PROPOSAL_ID,
                  principal: Principal = Depends(require(Permission.HOTLIST_APPROVE))
                  ) -> ProposalOut:
    """Approve another person's proposal: the entry is listed at once."""
    decided = await run_in_threadpool(container_of(request).hotlist_changes.decide, principal,
                                      proposal_id, approve=True)
    return _out(decided)


@router.post("/proposals/{proposal_id}/reject", response_model=ProposalOut)
async def reject(request: Request, proposal_id: str = PROPOSAL_ID,
                 principal: Principal = Depends(require(Permission.HOTLIST_APPROVE))
                 ) -> ProposalOut:
    """Reject another person's proposal."""
    decided = await run_in_threadpool(container_of(request).hotlist_changes.decide, principal,
                                      proposal_id, approve=False)
    return _out(decided)


@router.post("/entries/{entry_id}/remove", status_code=204)
async def remove(body: RemovalIn, request: Request, entry_id: str = ENTRY_ID,
                 principal: Principal = Depends(require(Permission.HOTLIST_APPROVE))) -> None:
    """Take an entry off its list, with a reason."""
    await run_in_threadpool(container_of(request).hotlist_changes.remove, principal, entry_id,
                            reason=body.reason)
