"""Notices in the console: a filtered list, and one notice with its whole case."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import Response

from platewarden.api.deps import container_of, page
from platewarden.domain.access import Permission
from platewarden.domain.notices import NoticeStatus
from platewarden.services.accounts import Principal
from platewarden.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)
READ = page(Permission.VIOLATIONS_READ)
PAGE_SIZE = 50


@router.get("/notices")
def notices(request: Request,
            status: str = Query(default="", pattern="^(|" + "|".join(NoticeStatus) + ")$"),
            skip: int = Query(default=0, ge=0, le=1_000_000),
            principal: Principal = Depends(READ)) -> Response:
    """Notices of the user's regions, newest first, optionally of one status."""
    wanted = NoticeStatus(status) if status else None  # the form's "all" sends it empty
    found = container_of(request).notices.browser.page(
        scope=principal.scope, status=wanted, limit=PAGE_SIZE + 1, offset=skip)
    return render(request, "notices.html", notices=found[:PAGE_SIZE], status=wanted,
                  statuses=list(NoticeStatus), skip=skip,
                  more=len(found) > PAGE_SIZE, page_size=PAGE_SIZE)


@router.get("/notices/{number}")
def notice(request: Request,
           number: Annotated[str, Path(pattern=r"^PW-[0-9]{4}-[0-9]{10}$")],
           principal: Principal = Depends(READ)) -> Response:
    """One notice: keeper, fine and days, the violation's evidence, history and appeals."""
    detail = container_of(request).notices.browser.detail(
        number, scope=principal.scope, viewer=principal.user_id)
    return render(request, "notice_detail.html", detail=detail)
