"""The review queue: one pending violation at a time, its evidence side by side."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from platewarden.api.deps import container_of, page
from platewarden.api.evidence_response import evidence_response
from platewarden.domain.access import Permission
from platewarden.domain.violations import ViolationStatus
from platewarden.services.accounts import Principal
from platewarden.services.errors import ServiceError
from platewarden.services.unit_of_work import ViolationFilter
from platewarden.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)
REVIEW = page(Permission.VIOLATIONS_REVIEW)
EVIDENCE = page(Permission.EVIDENCE_READ)
REJECT_REASONS = ("misread", "unreadable", "exempt-vehicle", "measurement-doubt",
                  "duplicate", "other")
ViolationId = Annotated[str, Path(max_length=64)]


@router.get("/review")
def queue(request: Request, skip: int = Query(default=0, ge=0, le=10_000),
          done: str | None = Query(default=None, max_length=16),
          principal: Principal = Depends(REVIEW)) -> Response:
    """The next pending violation (``skip`` passes over some), with its reads and camera."""
    pending = container_of(request).queries.violations(
        ViolationFilter(status=ViolationStatus.PENDING, limit=1, offset=skip),
        scope=principal.scope)
    violation_id = pending[0].id if pending else None
    return _page(request, principal, violation_id, skip=skip, done=done)


@router.post("/review/{violation_id}")
def decide(request: Request, violation_id: ViolationId,
           decision: Annotated[str, Form(pattern="^(confirmed|rejected)$")],
           reason: Annotated[str, Form(max_length=32)] = "",
           note: Annotated[str, Form(max_length=500)] = "",
           corrected_plate: Annotated[str, Form(max_length=20)] = "",
           principal: Principal = Depends(REVIEW)) -> Response:
    """Confirm (optionally correcting the plate) or reject with a reason."""
    rejecting = decision == ViolationStatus.REJECTED.value
    if rejecting and reason not in REJECT_REASONS:
        return _page(request, principal, violation_id, error="review.reason_required")
    text = f"{reason}: {note}".strip(": ") if rejecting else note.strip()
    correction = None if rejecting else corrected_plate.strip() or None
    try:
        container_of(request).queries.review(
            violation_id, decision=ViolationStatus(decision), reviewer=principal.user_id,
            note=text or None, scope=principal.scope, corrected_plate=correction)
    except ServiceError as exc:
        return _page(request, principal, violation_id, error=exc.message)
    return RedirectResponse(f"/console/review?done={decision}", status_code=303)


def _page(request: Request, principal: Principal, violation_id: str | None, *, skip: int = 0,
          done: str | None = None, error: str | None = None) -> Response:
    container = container_of(request)
    view = (container.queries.violation(violation_id, scope=principal.scope,
                                        viewer=principal.user_id) if violation_id else None)
    camera = None
    if view is not None:
        camera = next((c for c in container.cameras.all_cameras(scope=principal.scope)
                       if c.id == view.violation.camera_id), None)
    return render(request, "review.html", status_code=422 if error else 200, view=view,
                  camera=camera, skip=skip, done=done, error=error, reasons=REJECT_REASONS)


@router.get("/evidence/{sha256}")
def evidence(request: Request, sha256: str = Path(pattern=r"^[0-9a-f]{64}$"),
             principal: Principal = Depends(EVIDENCE)) -> StreamingResponse:
    """An evidence image for the page (audited like the API's)."""
    return evidence_response(request, sha256, principal)
