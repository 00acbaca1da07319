"""Purpose-bound search (investigators), approvals (supervisors), misuse signals (auditors)."""

from __future__ import annotations

from datetime import date, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Path, Query, Request
from pydantic import AwareDatetime, BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from platewarden.api.deps import container_of, require
from platewarden.api.routes.operator import read_out
from platewarden.api.schemas import ReadOut
from platewarden.domain.access import Permission
from platewarden.domain.search import MisuseSignal, QueryKind
from platewarden.services.accounts import Principal
from platewarden.services.search_types import (
    Approval,
    PendingApproval,
    SearchRequest,
    SearchResult,
)

router = APIRouter(prefix="/api/v1", tags=["search"])
Short = Annotated[str, StringConstraints(max_length=64)]


class SearchIn(BaseModel):
    """A search: what, why, for which case, over which window.

    The reason and case reference are optional in the schema so that their absence is
    answered with its own code (``reason_required``, ``case_reference_required``).
    """

    model_config = ConfigDict(extra="forbid")
    query: Annotated[str, StringConstraints(min_length=1, max_length=32)]
    kind: Literal["exact", "wildcard", "confusable"] = "exact"
    reason_code: Short | None = None
    case_reference: Short | None = None
    since: AwareDatetime
    until: AwareDatetime
    approval_id: Annotated[str, StringConstraints(pattern=r"^[0-9]{1,18}$")] | None = None
    limit: Annotated[int, Field(ge=1, le=5000)] = 100

    def to_request(self) -> SearchRequest:
        """The service's request."""
        return SearchRequest(query=self.query, kind=QueryKind(self.kind),
                             reason_code=self.reason_code, case_reference=self.case_reference,
                             since=self.since, until=self.until, approval_id=self.approval_id,
                             limit=self.limit)


class SearchOut(BaseModel):
    """The reads found and the audit entry that recorded the search."""

    reads: list[ReadOut]
    count: int
    audit_sequence: int
    approval_id: str | None


class ApprovalOut(BaseModel):
    """An approval request and who approved it."""

    id: str
    requested_by: str
    approved_by: str | None
    audit_sequence: int


class PendingApprovalOut(BaseModel):
    """A request awaiting a supervisor: who, why, which case and window (never the plate)."""

    id: str
    requested_by: str
    requested_at: datetime
    reason_code: str
    case_reference: str
    kind: str
    since: datetime
    until: datetime


class SignalOut(BaseModel):
    """A misuse signal: the rule, the user, the day, the audit entries behind it."""

    kind: str
    actor: str
    day: date | None
    plate_hash: str | None
    sequences: list[int]


def _search_out(result: SearchResult) -> SearchOut:
    return SearchOut(reads=[read_out(r) for r in result.reads], count=len(result.reads),
                     audit_sequence=result.audit_sequence, approval_id=result.approval_id)


def _approval_out(approval: Approval) -> ApprovalOut:
    return ApprovalOut(id=approval.id, requested_by=approval.requested_by,
                       approved_by=approval.approved_by, audit_sequence=approval.audit_sequence)


def _signal_out(signal: MisuseSignal) -> SignalOut:
    return SignalOut(kind=signal.kind.value, actor=signal.actor, day=signal.day,
                     plate_hash=signal.plate_hash, sequences=list(signal.sequences))


@router.post("/search/reads", response_model=SearchOut)
async def search_reads(body: SearchIn, request: Request,
                       principal: Principal = Depends(require(Permission.READS_SEARCH))
                       ) -> SearchOut:
    """Search reads by plate, with a reason and a case reference; audited."""
    result = await run_in_threadpool(container_of(request).search.search, principal,
                                     body.to_request())
    return _search_out(result)


@router.post("/search/history", response_model=SearchOut)
async def vehicle_history(body: SearchIn, request: Request,
                          principal: Principal = Depends(require(Permission.READS_SEARCH))
                          ) -> SearchOut:
    """One vehicle's reads (confusable-aware), oldest first; audited like a search."""
    result = await run_in_threadpool(container_of(request).search.vehicle_history, principal,
                                     body.to_request())
    return _search_out(result)


@router.post("/search/approvals", response_model=ApprovalOut, status_code=201)
async def request_approval(body: SearchIn, request: Request,
                           principal: Principal = Depends(require(Permission.READS_SEARCH))
                           ) -> ApprovalOut:
    """Ask a supervisor to approve a search reaching before the default window."""
    approval = await run_in_threadpool(container_of(request).search.request_approval,
                                       principal, body.to_request())
    return _approval_out(approval)


@router.get("/search/approvals", response_model=list[PendingApprovalOut])
async def pending_approvals(request: Request,
                            principal: Principal = Depends(require(Permission.SEARCH_APPROVE))
                            ) -> list[PendingApprovalOut]:
    """Requests awaiting approval, oldest first."""
    pending: list[PendingApproval] = await run_in_threadpool(
        container_of(request).search.pending_approvals, principal)
    return [PendingApprovalOut(id=p.id, requested_by=p.requested_by,
                               requested_at=p.requested_at, reason_code=p.reason_code,
                               case_reference=p.case_reference, kind=p.kind, since=p.since,
                               until=p.until) for p in pending]


@router.post("/search/approvals/{approval_id}/approve", response_model=ApprovalOut)
async def approve(request: Request, approval_id: str = Path(max_length=18),
                  principal: Principal = Depends(require(Permission.SEARCH_APPROVE))
                  ) -> ApprovalOut:
    """Approve another user's request."""
    approval = await run_in_threadpool(container_of(request).search.approve, principal,
                                       approval_id)
    return _approval_out(approval)


@router.get("/audit/misuse-signals", response_model=list[SignalOut])
async def misuse_signals(request: Request, since: AwareDatetime | None = Query(None),
                         until: AwareDatetime | None = Query(None),
                         principal: Principal = Depends(require(Permission.AUDIT_READ))
                         ) -> list[SignalOut]:
    """Possible misuse of search in the range (default: the search window up to now).

    Each signal lists its audit entries; none holds plate text.
    """
    signals = await run_in_threadpool(container_of(request).search.misuse, principal,
                                      since=since, until=until)
    return [_signal_out(s) for s in signals]
