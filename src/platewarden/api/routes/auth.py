"""Log in (password, then TOTP), log out, change the password, end every session."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Request, Response
from pydantic import BaseModel, ConfigDict, StringConstraints
from starlette.concurrency import run_in_threadpool

from platewarden.api.deps import bearer_token, container_of, logged_in, login_challenge, public
from platewarden.api.ratelimit import rate_limit
from platewarden.api.schemas import LoginIn, MeOut, TokenOut
from platewarden.services.accounts import Principal
from platewarden.services.credentials import SessionChannel

router = APIRouter(prefix="/api/v1/auth", tags=["auth"])
LOGIN_LIMIT = rate_limit("login", "sign-in attempts")

ChallengeToken = Annotated[str, StringConstraints(min_length=16, max_length=128)]
Code = Annotated[str, StringConstraints(min_length=6, max_length=32)]
Password = Annotated[str, StringConstraints(min_length=1, max_length=256)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid")


class LoginStepOut(BaseModel):
    """The second step a login needs: enrol an authenticator, or give its code."""

    status: Literal["enrol", "mfa"]
    enrolment_token: str | None = None
    mfa_token: str | None = None
    secret: str | None = None
    otpauth_uri: str | None = None
    expires_at: datetime


class EnrolIn(_Strict):
    """The enrolment token from login and the authenticator's current code."""

    enrolment_token: ChallengeToken
    code: Code


class MfaIn(_Strict):
    """The MFA token from login and a TOTP code or a recovery code."""

    mfa_token: ChallengeToken
    code: Code


class EnrolledOut(TokenOut):
    """The first session and the recovery codes (shown once: keep them offline)."""

    recovery_codes: list[str]


class PasswordIn(_Strict):
    """The current password and the new one."""

    old_password: Password
    new_password: Password


class SessionsEndedOut(BaseModel):
    """How many sessions a change ended."""

    sessions_ended: int


@router.post("/login", response_model=LoginStepOut, response_model_exclude_none=True,
             dependencies=[Depends(public), Depends(LOGIN_LIMIT)])
async def login(body: LoginIn, request: Request) -> LoginStepOut:
    """Check a user name and password; the answer says which second step is due."""
    step = await run_in_threadpool(container_of(request).accounts.login,
                                   username=body.username, password=body.password)
    if step.status == "enrol":
        return LoginStepOut(status="enrol", enrolment_token=step.token, secret=step.secret,
                            otpauth_uri=step.otpauth_uri, expires_at=step.expires_at)
    return LoginStepOut(status="mfa", mfa_token=step.token, expires_at=step.expires_at)


@router.post("/mfa/enrol", response_model=EnrolledOut,
             dependencies=[Depends(login_challenge), Depends(LOGIN_LIMIT)])
async def enrol(body: EnrolIn, request: Request) -> EnrolledOut:
    """Confirm a new authenticator with its code; returns a session and recovery codes."""
    done = await run_in_threadpool(container_of(request).accounts.complete_enrolment,
                                   token=body.enrolment_token, code=body.code,
                                   channel=SessionChannel.API)
    return EnrolledOut(token=done.session.token, expires_at=done.session.expires_at,
                       recovery_codes=list(done.recovery_codes))


@router.post("/mfa/verify", response_model=TokenOut,
             dependencies=[Depends(login_challenge), Depends(LOGIN_LIMIT)])
async def verify(body: MfaIn, request: Request) -> TokenOut:
    """Exchange the MFA token and a TOTP or recovery code for a session."""
    issued = await run_in_threadpool(container_of(request).accounts.verify_mfa,
                                     token=body.mfa_token, code=body.code,
                                     channel=SessionChannel.API)
    return TokenOut(token=issued.token, expires_at=issued.expires_at)


@router.post("/password", response_model=SessionsEndedOut)
async def change_password(body: PasswordIn, request: Request,
                          _: Principal = Depends(logged_in)) -> SessionsEndedOut:
    """Change your password; every other session of yours ends."""
    ended = await run_in_threadpool(container_of(request).accounts.change_password,
                                    token=bearer_token(request) or "",
                                    old_password=body.old_password,
                                    new_password=body.new_password)
    return SessionsEndedOut(sessions_ended=ended)


@router.post("/sessions/revoke-all", response_model=SessionsEndedOut)
def revoke_all(request: Request, principal: Principal = Depends(logged_in)
               ) -> SessionsEndedOut:
    """End every session of yours, this one included."""
    ended = container_of(request).accounts.revoke_all_sessions(user_id=principal.user_id,
                                                               actor=principal.user_id)
    return SessionsEndedOut(sessions_ended=ended)


@router.post("/logout", status_code=204)
def logout(request: Request, _: Principal = Depends(logged_in)) -> Response:
    """End the current session."""
    token = bearer_token(request)
    if token:
        container_of(request).accounts.logout(token)
    return Response(status_code=204)


@router.get("/me", response_model=MeOut)
def me(principal: Principal = Depends(logged_in)) -> MeOut:
    """Who is logged in, with which roles."""
    return MeOut(username=principal.username, roles=sorted(principal.roles),
                 permissions=sorted(p.value for p in principal.permissions))
