"""Four eyes: supervisors approve wider searches and hand-typed hotlist entries."""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from platewarden.api.deps import container_of, page
from platewarden.domain.access import Permission
from platewarden.services.accounts import Principal
from platewarden.services.errors import ServiceError
from platewarden.services.hotlist_changes import ProposeEntry
from platewarden.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)
APPROVE_SEARCH = page(Permission.SEARCH_APPROVE)
PROPOSE = page(Permission.HOTLIST_PROPOSE)
DECIDE = page(Permission.HOTLIST_APPROVE)
Text = Annotated[str, Form(min_length=1, max_length=200)]


async def _approvals_page(request: Request, principal: Principal, *, status_code: int = 200,
                          **context: object) -> Response:
    container = container_of(request)
    pending = await run_in_threadpool(container.search.pending_approvals, principal)
    names = container.accounts.usernames(p.requested_by for p in pending)
    return render(request, "approvals.html", status_code=status_code, pending=pending,
                  names=names, **context)


@router.get("/approvals")
async def approvals(request: Request, principal: Principal = Depends(APPROVE_SEARCH)
                    ) -> Response:
    """Search requests reaching past the default window: who, why, which case (no plate)."""
    return await _approvals_page(request, principal)


@router.post("/approvals/{approval_id}")
async def approve(request: Request, approval_id: str = Path(pattern=r"^[0-9]{1,18}$"),
                  principal: Principal = Depends(APPROVE_SEARCH)) -> Response:
    """Approve another user's request (never one's own)."""
    try:
        await run_in_threadpool(container_of(request).search.approve, principal, approval_id)
    except ServiceError as exc:
        return await _approvals_page(request, principal, status_code=exc.status,
                                     error=exc.message)
    return RedirectResponse("/console/approvals", status_code=303)


def _hotlists_page(request: Request, principal: Principal, *, status_code: int = 200,
                   **context: object) -> Response:
    container = container_of(request)
    may_decide = Permission.HOTLIST_APPROVE in principal.permissions
    pending = container.hotlist_changes.pending(principal) if may_decide else []
    names = container.accounts.usernames(p.proposed_by for p in pending)
    return render(request, "hotlists.html", status_code=status_code, pending=pending,
                  names=names, may_decide=may_decide, **context)


@router.get("/hotlists")
def hotlists(request: Request, principal: Principal = Depends(PROPOSE)) -> Response:
    """Propose a vehicle by hand; supervisors see proposals awaiting their decision."""
    return _hotlists_page(request, principal)


@router.post("/hotlists")
def propose(request: Request, plate: Annotated[str, Form(min_length=2, max_length=20)],
            list_name: Text, reason: Text, source: Text, legal_basis: Text,
            expires: Annotated[str, Form(pattern=r"^\d{4}-\d{2}-\d{2}$")],
            priority: Annotated[int, Form(ge=1, le=5)] = 3,
            principal: Principal = Depends(PROPOSE)) -> Response:
    """Propose an entry; it matches nothing until a different supervisor approves it."""
    expires_at = datetime.combine(datetime.fromisoformat(expires).date(), time(), tzinfo=UTC)
    try:
        container_of(request).hotlist_changes.propose(principal, ProposeEntry(
            plate=plate, list_name=list_name, reason=reason, source=source,
            legal_basis=legal_basis, expires_at=expires_at, priority=priority))
    except ServiceError as exc:
        return _hotlists_page(request, principal, status_code=exc.status, error=exc.message)
    return _hotlists_page(request, principal, proposed=True)


@router.post("/hotlists/{proposal_id}")
def decide(request: Request, proposal_id: str = Path(max_length=64),
           decision: Annotated[str, Form(pattern="^(approve|reject)$")] = "reject",
           principal: Principal = Depends(DECIDE)) -> Response:
    """Approve (listed at once) or reject someone else's proposal."""
    try:
        container_of(request).hotlist_changes.decide(principal, proposal_id,
                                                     approve=decision == "approve")
    except ServiceError as exc:
        return _hotlists_page(request, principal, status_code=exc.status, error=exc.message)
    return RedirectResponse("/console/hotlists", status_code=303)
