"""Operator routes: cameras, violations, alerts and their evidence."""

from __future__ import annotations

import base64

from fastapi import APIRouter, Depends, Path, Query, Request
from fastapi.responses import StreamingResponse

from platewarden.api.deps import container_of, require
from platewarden.api.evidence_response import evidence_response
from platewarden.api.schemas import (
    AlertDetailOut,
    AlertOut,
    CameraIn,
    CameraOut,
    ImageOut,
    ReadOut,
    RegisteredCameraOut,
    ReviewIn,
    ViolationDetailOut,
    ViolationOut,
)
from platewarden.domain.access import Permission
from platewarden.domain.cameras import Camera
from platewarden.domain.messages import DisableCamera, RegisterCamera
from platewarden.domain.reads import PlateRead
from platewarden.domain.violations import Alert, Violation, ViolationStatus
from platewarden.services.accounts import Principal
from platewarden.services.unit_of_work import ViolationFilter

router = APIRouter(prefix="/api/v1", tags=["operator"])
SHA = Path(pattern=r"^[0-9a-f]{64}$")


def camera_out(c: Camera) -> CameraOut:
    """API view of a camera (never the key)."""
    return CameraOut(id=c.id, name=c.name, latitude=c.latitude, longitude=c.longitude,
                     road=c.road, direction=c.direction, lanes=c.lanes, kind=c.kind.value,
                     speed_limit_kmh=c.speed_limit_kmh,
                     calibration_certificate=c.calibration_certificate,
                     calibration_expires_at=c.calibration_expires_at, enabled=c.enabled,
                     region_code=c.region_code)


def read_out(r: PlateRead) -> ReadOut:
    """API view of a read that evidences something."""
    return ReadOut(
        id=r.id, camera_id=r.camera_id, captured_at=r.captured_at,
        clock_sync=r.clock_sync.value, plate=r.plate, plate_raw=r.plate_raw,
        country=r.country, region=r.region, plate_format=r.plate_format,
        confidence=r.confidence, vehicle_class=r.vehicle_class, lane=r.lane,
        speed_kmh=r.speed_kmh, speed_method=r.speed_method.value if r.speed_method else None,
        signal_phase=r.signal_phase.value if r.signal_phase else None,
        time_into_red_s=r.time_into_red_s,
        images=[ImageOut(role=i.role, sha256=i.sha256, content_type=i.content_type,
                         size_bytes=i.size_bytes, url=f"/api/v1/evidence/{i.sha256}")
                for i in r.images])


def violation_out(v: Violation) -> ViolationOut:
    """API view of a violation."""
    return ViolationOut(id=v.id, type=v.type.value, plate=v.plate, camera_id=v.camera_id,
                        occurred_at=v.occurred_at, read_ids=list(v.read_ids),
                        measured=v.measured, limit=v.limit, tolerance=v.tolerance,
                        clock_sync=v.clock_sync, status=v.status.value,
                        details=dict(v.details))


def alert_out(a: Alert) -> AlertOut:
    """API view of an alert."""
    return AlertOut(id=a.id, kind=a.kind.value, plate=a.plate, listed_plate=a.listed_plate,
                    camera_id=a.camera_id, occurred_at=a.occurred_at, priority=a.priority,
                    status=a.status)


@router.get("/cameras", response_model=list[CameraOut])
def list_cameras(request: Request,
                 principal: Principal = Depends(require(Permission.CAMERAS_READ))
                 ) -> list[CameraOut]:
    """Every registered camera in the caller's regions."""
    return [camera_out(c) for c in
            container_of(request).cameras.all_cameras(scope=principal.scope)]


@router.post("/cameras", response_model=RegisteredCameraOut, status_code=201)
def register_camera(body: CameraIn, request: Request,
                    principal: Principal = Depends(require(Permission.CAMERAS_WRITE))
                    ) -> RegisteredCameraOut:
    """Register a camera; the response holds its private key, which is not kept."""
    registered = container_of(request).cameras.register(RegisterCamera(
        camera_id=body.camera_id, name=body.name, latitude=body.latitude,
        longitude=body.longitude, road=body.road, direction=body.direction, lanes=body.lanes,
        kind=body.kind, speed_limit_kmh=body.speed_limit_kmh,
        calibration_certificate=body.calibration_certificate,
        calibration_expires_at=body.calibration_expires_at, region_code=body.region_code),
        actor=principal.user_id)
    return RegisteredCameraOut(camera=camera_out(registered.camera),
                               private_key_b64=base64.b64encode(registered.private_key).decode())


@router.post("/cameras/{camera_id}/rotate-key", response_model=RegisteredCameraOut)
def rotate_camera_key(camera_id: str, request: Request,
                      principal: Principal = Depends(require(Permission.CAMERAS_WRITE))
                      ) -> RegisteredCameraOut:
    """A new key pair for the camera; the response holds the private key, not kept."""
    rotated = container_of(request).cameras.rotate_key(camera_id, actor=principal.user_id,
                                                       scope=principal.scope)
    return RegisteredCameraOut(camera=camera_out(rotated.camera),
                               private_key_b64=base64.b64encode(rotated.private_key).decode())


@router.post("/cameras/{camera_id}/disable", status_code=204)
def disable_camera(camera_id: str, request: Request,
                   principal: Principal = Depends(require(Permission.CAMERAS_WRITE))) -> None:
    """Refuse further reads from a camera."""
    container_of(request).cameras.disable(DisableCamera(camera_id=camera_id),
                                          actor=principal.user_id)


@router.get("/violations", response_model=list[ViolationOut])
def list_violations(
    request: Request,
    status: ViolationStatus | None = None,
    type: str | None = Query(default=None, max_length=32),
    limit: int = Query(default=50, ge=1, le=500),
    offset: int = Query(default=0, ge=0),
    principal: Principal = Depends(require(Permission.VIOLATIONS_READ)),
) -> list[ViolationOut]:
    """Violations in the caller's regions, newest first."""
    found = container_of(request).queries.violations(
        ViolationFilter(status=status, type=type, limit=limit, offset=offset),
        scope=principal.scope)
    return [violation_out(v) for v in found]


@router.get("/violations/{violation_id}", response_model=ViolationDetailOut)
def get_violation(violation_id: str, request: Request,
                  principal: Principal = Depends(require(Permission.VIOLATIONS_READ))
                  ) -> ViolationDetailOut:
    """One violation with the reads and images behind it."""
    view = container_of(request).queries.violation(violation_id, scope=principal.scope,
                                                   viewer=principal.user_id)
    return ViolationDetailOut(**violation_out(view.violation).model_dump(),
                              reads=[read_out(r) for r in view.reads])


@router.post("/violations/{violation_id}/review", response_model=ViolationOut)
def review_violation(violation_id: str, body: ReviewIn, request: Request,
                     principal: Principal = Depends(require(Permission.VIOLATIONS_REVIEW))
                     ) -> ViolationOut:
    """Confirm or reject a pending violation."""
    updated = container_of(request).queries.review(
        violation_id, decision=ViolationStatus(body.decision), reviewer=principal.user_id,
        note=body.note, scope=principal.scope)
    return violation_out(updated)


@router.get("/alerts", response_model=list[AlertOut])
def list_alerts(request: Request, limit: int = Query(default=50, ge=1, le=500),
                offset: int = Query(default=0, ge=0),
                principal: Principal = Depends(require(Permission.ALERTS_READ))
                ) -> list[AlertOut]:
    """Hotlist alerts in the caller's regions, newest first."""
    found = container_of(request).queries.alerts(limit=limit, offset=offset,
                                                 scope=principal.scope)
    return [alert_out(a) for a in found]


@router.get("/alerts/{alert_id}", response_model=AlertDetailOut)
def get_alert(alert_id: str, request: Request,
              principal: Principal = Depends(require(Permission.ALERTS_READ))
              ) -> AlertDetailOut:
    """One alert with its read."""
    view = container_of(request).queries.alert(alert_id, scope=principal.scope,
                                               viewer=principal.user_id)
    return AlertDetailOut(**alert_out(view.alert).model_dump(),
                          read=read_out(view.read) if view.read else None)


@router.get("/evidence/{sha256}")
def get_evidence(request: Request, sha256: str = SHA,
                 principal: Principal = Depends(require(Permission.EVIDENCE_READ))
                 ) -> StreamingResponse:
    """Decrypted evidence bytes of a violation or alert."""
    return evidence_response(request, sha256, principal)
