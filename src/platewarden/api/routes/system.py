"""Health (public, data-free) and the API description (logged-in admins only)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Depends, Request

from platewarden.api.deps import public, require
from platewarden.domain.access import Permission
from platewarden.services.accounts import Principal

router = APIRouter(tags=["system"])


@router.get("/healthz", dependencies=[Depends(public)])
def healthz() -> dict[str, str]:
    """Liveness: says nothing but that the process answers."""
    return {"status": "ok"}


@router.get("/api/v1/openapi.json")
def openapi(request: Request,
            _: Principal = Depends(require(Permission.API_SCHEMA_READ))) -> dict[str, Any]:
    """The OpenAPI document, which is not public."""
    schema: dict[str, Any] = request.app.openapi()
    return schema
