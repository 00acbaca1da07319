"""Purpose-bound search: the reason and case reference first, then the plate."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, timedelta
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from platewarden.api.deps import container_of, page
from platewarden.domain.access import Permission
from platewarden.domain.cameras import Camera
from platewarden.domain.reads import PlateRead
from platewarden.domain.search import QueryKind
from platewarden.services.accounts import Principal
from platewarden.services.errors import ServiceError
from platewarden.services.search_types import SearchRequest
from platewarden.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)
SEARCH = page(Permission.READS_SEARCH)
Short = Annotated[str, Form(max_length=64)]
# The window ends a little ahead of now, so that "90 days back" is still within the default
# window when the service checks it a moment later.
AHEAD = timedelta(minutes=5)


def _form(request: Request, *, reason: str, case: str, status_code: int = 200,
          **context: object) -> Response:
    reasons = container_of(request).settings.search_reason_codes
    purpose_given = reason in reasons and bool(case.strip())
    return render(request, "search.html", status_code=status_code, reasons=reasons,
                  reason=reason, case=case, purpose_given=purpose_given,
                  kinds=[k.value for k in QueryKind], **context)


@router.get("/search")
def search_page(request: Request, reason: str = Query(default="", max_length=64),
                case: str = Query(default="", max_length=64),
                _: Principal = Depends(SEARCH)) -> Response:
    """First the purpose (reason and case); only then the plate field."""
    return _form(request, reason=reason, case=case)


@router.post("/search")
async def run_search(request: Request, query: Annotated[str, Form(max_length=32)] = "",
                     kind: Annotated[str, Form(pattern="^(exact|wildcard|confusable)$")] =
                     "exact", reason: Short = "", case: Short = "",
                     days: Annotated[int, Form(ge=1, le=3650)] = 90,
                     approval_id: Annotated[str, Form(pattern=r"^[0-9]{0,18}$")] = "",
                     principal: Principal = Depends(SEARCH)) -> Response:
    """Run the search (audited with its reason and case) and show the reads found."""
    until = datetime.now(UTC) + AHEAD
    since = until - timedelta(days=days)
    search = container_of(request).search
    try:
        if approval_id:  # search exactly the window that was approved
            since, until = await run_in_threadpool(search.approved_window, principal,
                                                   approval_id)
        wanted = SearchRequest(query=query, kind=QueryKind(kind), reason_code=reason or None,
                               case_reference=case or None, since=since, until=until,
                               approval_id=approval_id or None)
        result = await run_in_threadpool(search.search, principal, wanted)
    except ServiceError as exc:
        return _form(request, reason=reason, case=case, status_code=exc.status, error=exc,
                     query=query, kind=kind, days=days)
    cameras = {c.id: c for c in container_of(request).cameras.all_cameras(
        scope=principal.scope)}
    return _form(request, reason=reason, case=case, result=result, cameras=cameras,
                 query=query, kind=kind, days=days, places=places(result.reads, cameras))


def places(reads: tuple[PlateRead, ...], cameras: dict[str, Camera]) -> list[dict[str, Any]]:
    """Where the reads were taken, per camera, for the results map (no plate text)."""
    counts = Counter(r.camera_id for r in reads)
    return [{"id": cid, "name": cameras[cid].name, "lat": cameras[cid].latitude,
             "lon": cameras[cid].longitude, "reads": n}
            for cid, n in sorted(counts.items()) if cid in cameras]


@router.post("/search/approval")
async def request_approval(request: Request, query: Annotated[str, Form(max_length=32)],
                           kind: Annotated[str, Form(pattern="^(exact|wildcard|confusable)$")],
                           reason: Short, case: Short,
                           days: Annotated[int, Form(ge=1, le=3650)],
                           principal: Principal = Depends(SEARCH)) -> Response:
    """Ask a supervisor to approve a search reaching further back than the default."""
    until = datetime.now(UTC) + AHEAD
    wanted = SearchRequest(query=query, kind=QueryKind(kind), reason_code=reason,
                           case_reference=case, since=until - timedelta(days=days), until=until)
    try:
        approval = await run_in_threadpool(container_of(request).search.request_approval,
                                           principal, wanted)
    except ServiceError as exc:
        return _form(request, reason=reason, case=case, status_code=exc.status, error=exc,
                     query=query, kind=kind, days=days)
    return _form(request, reason=reason, case=case, approval=approval, query=query, kind=kind,
                 days=days)
