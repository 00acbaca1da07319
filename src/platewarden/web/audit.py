"""The auditors' page: recent entries, whether the chain verifies, and misuse signals."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from platewarden.api.deps import container_of, page
from platewarden.domain.access import Permission
from platewarden.services.accounts import Principal
from platewarden.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)
AUDIT = page(Permission.AUDIT_READ)


@router.get("/audit")
async def audit_page(request: Request, limit: int = Query(default=100, ge=1, le=1000),
                     principal: Principal = Depends(AUDIT)) -> Response:
    """Entries newest first (the look is itself recorded), verification and signals."""
    container = container_of(request)
    verification = await run_in_threadpool(container.audit.verify)
    signals = await run_in_threadpool(container.search.misuse, principal)
    records = await run_in_threadpool(lambda: container.audit.recent(
        limit=limit, viewer=principal.user_id))
    actors = {r.entry.actor for r in records} | {s.actor for s in signals}
    names = container.accounts.usernames(actors)
    return render(request, "audit.html", records=records, verification=verification,
                  signals=signals, names=names, limit=limit)
