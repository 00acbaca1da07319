"""Signing in (password, then TOTP entry or enrolment), signing out, the start page."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response
from starlette.concurrency import run_in_threadpool

from platewarden.api.cookies import (
    CHALLENGE_COOKIE,
    LOGIN_COOKIE,
    SESSION_COOKIE,
    clear_cookie,
    new_login_secret,
    set_cookie,
)
from platewarden.api.deps import (
    container_of,
    login_challenge_form,
    login_form,
    page_signed_in,
)
from platewarden.api.routes.auth import LOGIN_LIMIT
from platewarden.services.accounts import Principal
from platewarden.services.credentials import IssuedToken, SessionChannel
from platewarden.services.errors import ServiceError
from platewarden.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)
CHALLENGE_TTL_S = 300
LOGIN_COOKIE_TTL_S = 3600
Text = Annotated[str, Form(max_length=256)]
Code = Annotated[str, Form(max_length=32)]


def _home() -> RedirectResponse:
    return RedirectResponse("/console/", status_code=303)


def _login_page(request: Request, *, error: str | None = None,
                status_code: int = 200) -> Response:
    secret = request.cookies.get(LOGIN_COOKIE)
    if not secret:
        secret = new_login_secret()
        request.state.login_secret = secret
    response = render(request, "login.html", status_code=status_code, error=error)
    set_cookie(response, request, name=LOGIN_COOKIE, value=secret,
               max_age_s=LOGIN_COOKIE_TTL_S)
    return response


def _signed_in(request: Request, response: Response, issued: IssuedToken) -> Response:
    ttl = container_of(request).settings.session_ttl_s
    set_cookie(response, request, name=SESSION_COOKIE, value=issued.token, max_age_s=ttl)
    for name in (CHALLENGE_COOKIE, LOGIN_COOKIE):
        clear_cookie(response, request, name=name)
    return response


@router.get("/login", dependencies=[Depends(login_form)])
def login_page(request: Request) -> Response:
    """The sign-in form (or the start page, for someone already signed in)."""
    token = request.cookies.get(SESSION_COOKIE)
    if token and container_of(request).accounts.resolve(
            token, channel=SessionChannel.CONSOLE) is not None:
        return _home()
    return _login_page(request)


@router.post("/login", dependencies=[Depends(login_form), Depends(LOGIN_LIMIT)])
async def login(request: Request, username: Text, password: Text) -> Response:
    """Check the password; then ask for the code, or enrol an authenticator."""
    try:
        step = await run_in_threadpool(container_of(request).accounts.login,
                                       username=username, password=password)
    except ServiceError:
        return _login_page(request, error="signin.failed", status_code=401)
    response: Response
    if step.status == "enrol":
        response = render(request, "enrol.html", secret=step.secret,
                          otpauth_uri=step.otpauth_uri)
    else:
        response = RedirectResponse("/console/login/mfa", status_code=303)
    set_cookie(response, request, name=CHALLENGE_COOKIE, value=step.token,
               max_age_s=CHALLENGE_TTL_S)
    return response


@router.get("/login/mfa", dependencies=[Depends(login_challenge_form)])
def mfa_page(request: Request) -> Response:
    """The second step: a code from the authenticator app, or a recovery code."""
    if not request.cookies.get(CHALLENGE_COOKIE):
        return RedirectResponse("/console/login", status_code=303)
    return render(request, "mfa.html")


@router.post("/login/mfa", dependencies=[Depends(login_challenge_form), Depends(LOGIN_LIMIT)])
async def verify(request: Request, code: Code) -> Response:
    """Exchange the challenge and a code for a session cookie."""
    try:
        issued = await run_in_threadpool(container_of(request).accounts.verify_mfa,
                                         token=request.cookies.get(CHALLENGE_COOKIE, ""),
                                         code=code.strip(), channel=SessionChannel.CONSOLE)
    except ServiceError:
        return _login_page(request, error="signin.code_failed", status_code=401)
    return _signed_in(request, _home(), issued)


@router.post("/login/enrol", dependencies=[Depends(login_challenge_form),
                                           Depends(LOGIN_LIMIT)])
async def enrol(request: Request, code: Code) -> Response:
    """Confirm the new authenticator; show the recovery codes once."""
    try:
        done = await run_in_threadpool(container_of(request).accounts.complete_enrolment,
                                       token=request.cookies.get(CHALLENGE_COOKIE, ""),
                                       code=code.strip(), channel=SessionChannel.CONSOLE)
    except ServiceError:
        return _login_page(request, error="signin.code_failed", status_code=401)
    page = render(request, "recovery.html", recovery_codes=done.recovery_codes)
    return _signed_in(request, page, done.session)


@router.post("/logout")
def logout(request: Request, _: Principal = Depends(page_signed_in)) -> Response:
    """End this session and forget its cookie."""
    container_of(request).accounts.logout(request.cookies.get(SESSION_COOKIE, ""))
    response = RedirectResponse("/console/login", status_code=303)
    clear_cookie(response, request, name=SESSION_COOKIE)
    return response


@router.get("/")
def start(request: Request, _: Principal = Depends(page_signed_in)) -> Response:
    """The start page: the pages this user may open."""
    return render(request, "start.html")
