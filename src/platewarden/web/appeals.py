"""The appeal queue in the console: the case with its evidence and files, and the decision.

The same region-scoped service as ``/api/v1/appeals``: a reviewer sees only appeals against
violations of their regions, and anything else is the same 404 as an absent appeal.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Query, Request
from fastapi.responses import RedirectResponse, Response, StreamingResponse

from platewarden.api.deps import container_of, page
from platewarden.api.routes.appeals import attachment_response
from platewarden.domain.access import Permission
from platewarden.services.accounts import Principal
from platewarden.services.errors import ServiceError
from platewarden.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)
REVIEW = page(Permission.VIOLATIONS_REVIEW)
AppealId = Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")]


@router.get("/appeals")
def queue(request: Request, done: str | None = Query(default=None, pattern="^(upheld|cancelled)$"),
          principal: Principal = Depends(REVIEW)) -> Response:
    """Open appeals in the reviewer's regions, oldest first."""
    cases = container_of(request).notices.appeal_queue.open_cases(scope=principal.scope)
    return render(request, "appeals.html", cases=cases, done=done)


@router.get("/appeals/{appeal_id}")
def case(request: Request, appeal_id: AppealId,
         principal: Principal = Depends(REVIEW)) -> Response:
    """One appeal: the appellant's text and files, the notice, the violation's evidence."""
    return _case_page(request, principal, appeal_id)


@router.post("/appeals/{appeal_id}")
def decide(request: Request, appeal_id: AppealId,
           decision: Annotated[str, Form(pattern="^(uphold|cancel)$")],
           reason: Annotated[str, Form(max_length=500)] = "",
           principal: Principal = Depends(REVIEW)) -> Response:
    """Uphold the fine or cancel the notice, with a reason (required)."""
    try:
        decided = container_of(request).notices.appeal_queue.decide(
            appeal_id, scope=principal.scope, uphold=decision == "uphold",
            reviewer=principal.user_id, reason=reason)
    except ServiceError as exc:
        if exc.code == "not_found":
            raise
        return _case_page(request, principal, appeal_id, status_code=exc.status,
                          error=exc.message)
    return RedirectResponse(f"/console/appeals?done={decided.status.value}", status_code=303)


@router.get("/appeals/{appeal_id}/attachments/{attachment_id}")
def attachment(request: Request, appeal_id: AppealId,
               attachment_id: Annotated[str, Path(pattern=r"^[0-9a-f]{16}$")],
               principal: Principal = Depends(REVIEW)) -> StreamingResponse:
    """One of the appellant's files, as a download (audited like evidence)."""
    found, chunks = container_of(request).notices.appeal_queue.attachment(
        appeal_id, attachment_id, scope=principal.scope, actor=principal.user_id)
    return attachment_response(found, chunks)


def _case_page(request: Request, principal: Principal, appeal_id: str, *,
               status_code: int = 200, error: str | None = None) -> Response:
    found = container_of(request).notices.appeal_queue.case(
        appeal_id, scope=principal.scope, viewer=principal.user_id)
    return render(request, "appeal.html", status_code=status_code, case=found, error=error)
