"""The live overview: counts, camera health and a map, kept current by server-sent events."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import Response, StreamingResponse

from platewarden.api.deps import container_of, page
from platewarden.domain.access import Permission
from platewarden.domain.cameras import Camera
from platewarden.domain.violations import AlertKind, ViolationType
from platewarden.services.accounts import Principal
from platewarden.services.live import CameraActivity, LiveSnapshot
from platewarden.web.render import render, translator

router = APIRouter(prefix="/console", include_in_schema=False)
LIVE = page(Permission.CAMERAS_READ)
PUSH_EVERY_S = 2.0
# A stream ends after this long and the browser reconnects, which checks the session again
# (a revoked session stops receiving within a minute).
STREAM_FOR_S = 60.0
SILENT_AFTER = timedelta(minutes=10)
LATE_AFTER_S = 60.0
STATUSES = ("ok", "off", "silent", "late", "clock", "calibration")
BROWSER_LOCALE = {"uz": "uz-Latn", "ru": "ru", "en": "en-GB"}


def camera_status(camera: Camera, activity: CameraActivity | None, *, now: datetime) -> str:
    """``off`` (disabled), ``silent`` (nothing lately), ``late`` (backlog), ``clock`` (clock
    not synced), ``calibration`` (expired) or ``ok``."""
    if not camera.enabled:
        return "off"
    if activity is None or now - activity.received_at > SILENT_AFTER:
        return "silent"
    if activity.lag_s > LATE_AFTER_S:
        return "late"
    if activity.clock_sync not in ("synced", "unknown"):
        return "clock"
    expires = camera.calibration_expires_at
    if expires is not None and expires <= now:
        return "calibration"
    return "ok"


def state(cameras: list[Camera], snapshot: LiveSnapshot) -> dict[str, Any]:
    """What the page shows, as JSON (ids, places, times and counts; never a plate)."""
    now = datetime.now(UTC)
    activity = {a.camera_id: a for a in snapshot.cameras}
    return {
        "reads_per_minute": snapshot.reads_per_minute,
        "violations_per_minute": snapshot.violations_per_minute,
        "alerts_per_minute": snapshot.alerts_per_minute,
        "last": snapshot.last_sequence,
        "events": [{"kind": e.kind, "detail": e.detail, "camera": e.camera_id,
                    "at": e.occurred_at.isoformat()} for e in snapshot.events],
        "cameras": [_camera(c, activity.get(c.id), now=now) for c in cameras],
    }


def _camera(camera: Camera, activity: CameraActivity | None, *, now: datetime
            ) -> dict[str, Any]:
    return {"id": camera.id, "name": camera.name, "lat": camera.latitude,
            "lon": camera.longitude, "region": camera.region_code,
            "status": camera_status(camera, activity, now=now),
            "last_read": activity.captured_at.isoformat() if activity else None,
            "lag_s": round(activity.lag_s, 1) if activity else None,
            "clock_sync": activity.clock_sync if activity else None}


@router.get("/live")
def overview(request: Request, principal: Principal = Depends(LIVE)) -> Response:
    """Counters, the map of the user's cameras and their health."""
    container = container_of(request)
    cameras = container.cameras.all_cameras(scope=principal.scope)
    snapshot = container.live.snapshot(camera_ids=[c.id for c in cameras])
    return render(request, "live.html", live=state(cameras, snapshot),
                  labels=labels(request))


def labels(request: Request) -> dict[str, Any]:
    """What the page's script needs to speak the user's language and time zone."""
    t = translator(request)
    offset = t.utc_offset_hours
    return {"status": {s: t(f"status.{s}") for s in STATUSES},
            "kind": {"violation": t("live.violation"), "alert": t("live.alert")},
            "detail": {**{v.value: t(f"violation.{v.value}") for v in ViolationType},
                       **{a.value: t(f"alert.{a.value}") for a in AlertKind}},
            "connected": t("live.connected"), "reconnecting": t("live.reconnecting"),
            "locale": BROWSER_LOCALE[t.language],
            # IANA's Etc/GMT zones count the other way round: UTC+5 is Etc/GMT-5.
            "time_zone": f"Etc/GMT{-offset:+d}" if offset else "Etc/GMT"}


@router.get("/live/events")
async def events(request: Request, after: int = Query(default=0, ge=0, le=10**12),
                 principal: Principal = Depends(LIVE)) -> StreamingResponse:
    """Server-sent events: the overview's state every few seconds, events since the last."""
    container = container_of(request)

    async def stream() -> AsyncIterator[bytes]:
        yield b"retry: 3000\n\n"
        # A reconnecting browser says which events it has already seen.
        last_id = request.headers.get("last-event-id", "")
        seen = int(last_id) if last_id.isdigit() and len(last_id) < 12 else after
        loop = asyncio.get_running_loop()
        ends = loop.time() + STREAM_FOR_S
        while loop.time() < ends and not await request.is_disconnected():
            cameras = container.cameras.all_cameras(scope=principal.scope)
            snapshot = container.live.snapshot(camera_ids=[c.id for c in cameras], after=seen)
            seen = snapshot.last_sequence
            body = json.dumps(state(cameras, snapshot), separators=(",", ":"))
            yield f"id: {seen}\nevent: state\ndata: {body}\n\n".encode()
            await asyncio.sleep(PUSH_EVERY_S)

    return StreamingResponse(stream(), media_type="text/event-stream")
