"""Retention and transparency for admins and auditors: the policy in force, active legal
holds, and the aggregate transparency report (also as JSON)."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response
from starlette.concurrency import run_in_threadpool

from platewarden.api.deps import container_of, page
from platewarden.domain.access import Permission
from platewarden.services.accounts import Principal
from platewarden.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)
PRIVACY = page(Permission.PRIVACY_READ)
REPORT_DAYS = 30


def _report(request: Request) -> dict[str, Any]:
    until = datetime.now(UTC)
    report = container_of(request).transparency.report(
        since=until - timedelta(days=REPORT_DAYS), until=until)
    return report.document


@router.get("/privacy")
async def privacy_page(request: Request,
                       principal: Principal = Depends(PRIVACY)) -> Response:
    """The retention policy, the active legal holds and the transparency report."""
    container = container_of(request)
    holds = await run_in_threadpool(container.retention.holds)
    report = await run_in_threadpool(_report, request)
    names = container.accounts.usernames({h.placed_by for h in holds})
    return render(request, "privacy.html", policy=container.retention.policy.describe(),
                  holds=holds, names=names, report=report, days=REPORT_DAYS)


@router.get("/privacy/transparency.json")
async def transparency_json(request: Request,
                            principal: Principal = Depends(PRIVACY)) -> Response:
    """The same report as a JSON document, to publish."""
    document = await run_in_threadpool(_report, request)
    return Response(json.dumps(document, indent=1), media_type="application/json",
                    headers={"content-disposition": "attachment; filename=transparency.json"})
