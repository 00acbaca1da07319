"""Account administration for admins: list, create (password shown once), change access,
reset a lost second factor, end sessions."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Path, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from platewarden.api.deps import container_of, require
from platewarden.domain.access import Permission, RegionScope, Role
from platewarden.services.accounts import Principal
from platewarden.services.errors import ServiceError
from platewarden.services.user_admin import AccessChange, UserSummary

router = APIRouter(prefix="/api/v1/users", tags=["users"])
USER_ID = Path(pattern=r"^[0-9a-f]{32}$")
RegionCode = Annotated[str, StringConstraints(min_length=1, max_length=2)]


class UserOut(BaseModel):
    """An account as admins see it (no secrets)."""

    id: str
    username: str
    roles: list[str]
    regions: list[str]
    enabled: bool
    second_factor: bool
    locked_until: datetime | None


class NewUserIn(BaseModel):
    """A new account: its name, roles and the regions it may see (``"*"``: all)."""

    model_config = ConfigDict(extra="forbid")
    username: Annotated[str, StringConstraints(pattern=r"^[a-z][a-z0-9._-]{1,63}$")]
    roles: Annotated[list[Role], Field(min_length=1)]
    regions: Annotated[list[RegionCode], Field(min_length=1)]


class CreatedUserOut(BaseModel):
    """The new account and its first password, shown once."""

    user: UserOut
    password: str


class AccessIn(BaseModel):
    """What to change; absent fields stay as they are."""

    model_config = ConfigDict(extra="forbid")
    roles: list[Role] | None = None
    regions: list[RegionCode] | None = None
    enabled: bool | None = None


def _out(user: UserSummary) -> UserOut:
    return UserOut(id=user.id, username=user.username, roles=sorted(user.roles),
                   regions=sorted(user.regions), enabled=user.enabled,
                   second_factor=user.second_factor, locked_until=user.locked_until)


def _scope(codes: list[str]) -> RegionScope:
    try:
        return RegionScope.of(codes)
    except ValueError as exc:
        raise ServiceError("invalid_field", str(exc)) from exc


@router.get("", response_model=list[UserOut])
async def list_users(request: Request,
                     principal: Principal = Depends(require(Permission.USERS_MANAGE))
                     ) -> list[UserOut]:
    """Every account, by name."""
    found = await run_in_threadpool(container_of(request).user_admin.users, principal)
    return [_out(u) for u in found]


@router.post("", response_model=CreatedUserOut, status_code=201)
async def create_user(body: NewUserIn, request: Request,
                      principal: Principal = Depends(require(Permission.USERS_MANAGE))
                      ) -> CreatedUserOut:
    """Create an account; its generated password is in this response only."""
    created = await run_in_threadpool(
        container_of(request).user_admin.create, principal, username=body.username,
        roles=frozenset(body.roles), regions=_scope(body.regions))
    return CreatedUserOut(user=_out(created.user), password=created.password)


@router.patch("/{user_id}", response_model=UserOut)
async def change_access(body: AccessIn, request: Request, user_id: str = USER_ID,
                        principal: Principal = Depends(require(Permission.USERS_MANAGE))
                        ) -> UserOut:
    """Change an account's roles, regions or whether it may log in."""
    change = AccessChange(roles=frozenset(body.roles) if body.roles is not None else None,
                          regions=_scope(body.regions) if body.regions is not None else None,
                          enabled=body.enabled)
    updated = await run_in_threadpool(container_of(request).user_admin.change, principal,
                                      user_id, change)
    return _out(updated)


class SessionsEndedOut(BaseModel):
    """How many of the account's sessions ended."""

    sessions_ended: int


@router.post("/{user_id}/second-factor/reset", response_model=UserOut)
async def reset_second_factor(request: Request, user_id: str = USER_ID,
                              principal: Principal = Depends(require(Permission.USERS_MANAGE))
                              ) -> UserOut:
    """Forget another user's authenticator (a lost phone); they enrol again at next login."""
    updated = await run_in_threadpool(container_of(request).user_admin.reset_second_factor,
                                      principal, user_id)
    return _out(updated)


@router.post("/{user_id}/sessions/revoke", response_model=SessionsEndedOut)
async def end_sessions(request: Request, user_id: str = USER_ID,
                       principal: Principal = Depends(require(Permission.USERS_MANAGE))
                       ) -> SessionsEndedOut:
    """End every session of an account at once (a lost laptop)."""
    ended = await run_in_threadpool(container_of(request).user_admin.end_sessions, principal,
                                    user_id)
    return SessionsEndedOut(sessions_ended=ended)
