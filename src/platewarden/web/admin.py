"""Alerts, cameras and the other lists of the console."""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from platewarden.api.deps import container_of, page
from platewarden.domain.access import Permission
from platewarden.services.accounts import Principal
from platewarden.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)


@router.get("/cameras")
def cameras(request: Request,
            principal: Principal = Depends(page(Permission.CAMERAS_READ))) -> Response:
    """The cameras of the user's regions: place, kind and calibration expiry."""
    return render(request, "cameras.html", cameras=container_of(request).cameras.all_cameras(
        scope=principal.scope))


@router.get("/alerts")
def alerts(request: Request,
           principal: Principal = Depends(page(Permission.ALERTS_READ))) -> Response:
    """Hotlist hits and possible hits in the user's regions, to be confirmed by a person."""
    return render(request, "alerts.html", alerts=container_of(request).queries.alerts(
        limit=100, offset=0, scope=principal.scope))
