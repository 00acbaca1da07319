"""Alerts, cameras (register with the key shown once, disable) and user accounts."""

from __future__ import annotations

import base64
from datetime import UTC, datetime, time, timedelta
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Path, Request
from fastapi.responses import RedirectResponse, Response

from platewarden.api.deps import container_of, page
from platewarden.domain.access import Permission, RegionScope, Role
from platewarden.domain.cameras import CameraKind
from platewarden.domain.messages import DisableCamera, RegisterCamera
from platewarden.services.accounts import Principal
from platewarden.services.errors import ServiceError
from platewarden.services.user_admin import AccessChange
from platewarden.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)
CAMERAS_WRITE = page(Permission.CAMERAS_WRITE)
USERS = page(Permission.USERS_MANAGE)
Text = Annotated[str, Form(min_length=1, max_length=200)]
Optional = Annotated[str, Form(max_length=100)]
Identifier = Annotated[str, Form(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$")]
EXPIRING = timedelta(days=30)
ALERTS_SHOWN = 50


def _cameras_page(request: Request, principal: Principal, *, status_code: int = 200,
                  **context: object) -> Response:
    cameras = container_of(request).cameras.all_cameras(scope=principal.scope)
    return render(request, "cameras.html", status_code=status_code, cameras=cameras,
                  kinds=[k.value for k in CameraKind], now=datetime.now(UTC),
                  expiring=EXPIRING,
                  may_write=Permission.CAMERAS_WRITE in principal.permissions, **context)


@router.get("/cameras")
def cameras(request: Request,
            principal: Principal = Depends(page(Permission.CAMERAS_READ))) -> Response:
    """The cameras of the user's regions: place, kind and calibration expiry."""
    return _cameras_page(request, principal)


@router.post("/cameras")
def register_camera(
        request: Request, camera_id: Identifier, name: Text, road: Text, direction: Text,
        latitude: Annotated[float, Form(ge=-90, le=90)],
        longitude: Annotated[float, Form(ge=-180, le=180)],
        lanes: Annotated[int, Form(ge=1, le=12)],
        kind: Annotated[str, Form(pattern="^(spot-speed|section-point|red-light|lane|anpr)$")],
        region_code: Annotated[str, Form(pattern=r"^\d{2}$")],
        speed_limit_kmh: Annotated[str, Form(pattern=r"^(\d{1,3})?$")] = "",
        calibration_certificate: Optional = "",
        calibration_expires: Annotated[str, Form(pattern=r"^(\d{4}-\d{2}-\d{2})?$")] = "",
        principal: Principal = Depends(CAMERAS_WRITE)) -> Response:
    """Register a camera; its private key is shown on the answer once and never kept."""
    expires = (datetime.combine(datetime.fromisoformat(calibration_expires).date(), time(),
                                tzinfo=UTC) if calibration_expires else None)
    try:
        registered = container_of(request).cameras.register(RegisterCamera(
            camera_id=camera_id, name=name, latitude=latitude, longitude=longitude, road=road,
            direction=direction, lanes=lanes, kind=kind, region_code=region_code,
            speed_limit_kmh=int(speed_limit_kmh) if speed_limit_kmh else None,
            calibration_certificate=calibration_certificate or None,
            calibration_expires_at=expires), actor=principal.user_id)
    except ServiceError as exc:
        return _cameras_page(request, principal, status_code=exc.status, error=exc.message)
    key = base64.b64encode(registered.private_key).decode()
    return _cameras_page(request, principal, registered=registered.camera, private_key=key)


@router.post("/cameras/{camera_id}/rotate-key")
def rotate_camera_key(request: Request, camera_id: str = Path(max_length=64),
                      principal: Principal = Depends(CAMERAS_WRITE)) -> Response:
    """A new key pair for the camera, shown once; the old key is refused from now on."""
    rotated = container_of(request).cameras.rotate_key(camera_id, actor=principal.user_id,
                                                       scope=principal.scope)
    key = base64.b64encode(rotated.private_key).decode()
    return _cameras_page(request, principal, registered=rotated.camera, private_key=key,
                         rotated=True)


@router.post("/cameras/{camera_id}/disable")
def disable_camera(request: Request, camera_id: str = Path(max_length=64),
                   principal: Principal = Depends(CAMERAS_WRITE)) -> Response:
    """Refuse further reads from a camera."""
    visible = {c.id for c in container_of(request).cameras.all_cameras(scope=principal.scope)}
    if camera_id not in visible:
        raise ServiceError("not_found", "No such camera.")
    container_of(request).cameras.disable(DisableCamera(camera_id=camera_id),
                                          actor=principal.user_id)
    return RedirectResponse("/console/cameras", status_code=303)


def _alerts_page(request: Request, principal: Principal, *, status_code: int = 200,
                 **context: object) -> Response:
    queries = container_of(request).queries
    found = queries.alerts(limit=ALERTS_SHOWN, offset=0, scope=principal.scope)
    # The images themselves are audited as they are fetched (evidence-viewed).
    views = [queries.alert(a.id, scope=principal.scope) for a in found]
    listed = container_of(request).hotlists.listed_at({a.hotlist_entry_id for a in found})
    return render(request, "alerts.html", status_code=status_code, views=views, listed=listed,
                  may_decide=Permission.ALERTS_CONFIRM in principal.permissions,
                  may_remove=Permission.HOTLIST_APPROVE in principal.permissions, **context)


@router.get("/alerts")
def alerts(request: Request,
           principal: Principal = Depends(page(Permission.ALERTS_READ))) -> Response:
    """Hotlist hits and possible hits in the user's regions, with the read's image and
    confidence, for a person to compare before anyone acts."""
    return _alerts_page(request, principal)


@router.post("/hotlist-entries/{entry_id}/remove")
def remove_hotlist_entry(request: Request, reason: Annotated[str, Form(max_length=500)],
                         entry_id: str = Path(max_length=64),
                         principal: Principal = Depends(page(Permission.HOTLIST_APPROVE))
                         ) -> Response:
    """Take the entry behind an alert off its list (the vehicle was found), with a reason."""
    try:
        container_of(request).hotlist_changes.remove(principal, entry_id, reason=reason)
    except ServiceError as exc:
        return _alerts_page(request, principal, status_code=exc.status, error=exc.message)
    return _alerts_page(request, principal, removed=True)


@router.post("/alerts/{alert_id}")
def decide_alert(request: Request, alert_id: str = Path(max_length=64),
                 decision: Annotated[str, Form(pattern="^(confirm|dismiss)$")] = "dismiss",
                 principal: Principal = Depends(page(Permission.ALERTS_CONFIRM))) -> Response:
    """A person compared the image with the listed plate: confirm or dismiss the match."""
    container_of(request).queries.decide_alert(alert_id, confirm=decision == "confirm",
                                               reviewer=principal.user_id,
                                               scope=principal.scope)
    return RedirectResponse("/console/alerts", status_code=303)


def _users_page(request: Request, principal: Principal, *, status_code: int = 200,
                **context: object) -> Response:
    users = container_of(request).user_admin.users(principal)
    return render(request, "users.html", status_code=status_code, users=users,
                  roles=[r.value for r in Role], **context)


@router.get("/users")
def users(request: Request, principal: Principal = Depends(USERS)) -> Response:
    """Every account: roles, regions, second factor, lock; forms to add and change."""
    return _users_page(request, principal)


def _roles(request_form: list[str]) -> frozenset[Role]:
    return frozenset(Role(r) for r in request_form if r in {x.value for x in Role})


def _scope(regions: str) -> RegionScope:
    try:
        return RegionScope.of(c for c in regions.replace(" ", "").split(",") if c)
    except ValueError as exc:
        raise ServiceError("invalid_field", str(exc)) from exc


@router.post("/users")
async def create_user(request: Request,
                      username: Annotated[str, Form(pattern=r"^[a-z0-9][a-z0-9_.-]{1,63}$")],
                      regions: Annotated[str, Form(max_length=200)] = "",
                      principal: Principal = Depends(USERS)) -> Response:
    """Add an account; its first password is shown once (TOTP is enrolled at first login)."""
    roles = _roles([str(v) for v in (await request.form()).getlist("roles")])
    try:
        created = container_of(request).user_admin.create(
            principal, username=username, roles=roles, regions=_scope(regions))
    except ServiceError as exc:
        return _users_page(request, principal, status_code=exc.status, error=exc.message)
    return _users_page(request, principal, created=created)


@router.post("/users/{user_id}")
async def change_user(request: Request, user_id: str = Path(max_length=64),
                      regions: Annotated[str, Form(max_length=200)] = "",
                      enabled: Annotated[str, Form(max_length=8)] = "",
                      principal: Principal = Depends(USERS)) -> Response:
    """Change an account's roles, regions and whether it may sign in."""
    roles = _roles([str(v) for v in (await request.form()).getlist("roles")])
    try:
        container_of(request).user_admin.change(principal, user_id, AccessChange(
            roles=roles, regions=_scope(regions), enabled=enabled == "on"))
    except ServiceError as exc:
        return _users_page(request, principal, status_code=exc.status, error=exc.message)
    return RedirectResponse("/console/users", status_code=303)


@router.post("/users/{user_id}/reset-mfa")
def reset_second_factor(request: Request, user_id: str = Path(max_length=64),
                        principal: Principal = Depends(USERS)) -> Response:
    """Forget another user's authenticator (a lost phone); they enrol again at next login."""
    try:
        user = container_of(request).user_admin.reset_second_factor(principal, user_id)
    except ServiceError as exc:
        return _users_page(request, principal, status_code=exc.status, error=exc.message)
    return _users_page(request, principal, done=("users.mfa_reset_done",
                                                   {"name": user.username}))


@router.post("/users/{user_id}/end-sessions")
def end_sessions(request: Request, user_id: str = Path(max_length=64),
                 principal: Principal = Depends(USERS)) -> Response:
    """End every session of an account at once (a lost laptop)."""
    admin = container_of(request).user_admin
    try:
        ended = admin.end_sessions(principal, user_id)
    except ServiceError as exc:
        return _users_page(request, principal, status_code=exc.status, error=exc.message)
    name = next((u.username for u in admin.users(principal) if u.id == user_id), "")
    return _users_page(request, principal, done=("users.sessions_ended",
                                                   {"name": name, "count": ended}))
