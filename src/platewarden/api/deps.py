"""Authentication and authorisation dependencies for operator routes.

Every route declares what it needs with ``Depends(require(...))``; the route sweep test reads
the ``ACCESS_POLICY_ATTR`` marker to prove no route was added without a decision.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable

from fastapi import Request

from platewarden.api.cookies import (
    LOGIN_COOKIE,
    SAFE_METHODS,
    SESSION_COOKIE,
    csrf_matches,
    supplied_csrf,
)
from platewarden.bootstrap import Container
from platewarden.domain.access import Permission
from platewarden.services.accounts import Principal
from platewarden.services.credentials import SessionChannel
from platewarden.services.errors import ServiceError

ACCESS_POLICY_ATTR = "platewarden_access"


def container_of(request: Request) -> Container:
    """The application's service container."""
    container: Container = request.app.state.container
    return container


def bearer_token(request: Request) -> str | None:
    """The bearer token of the request, if any."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def _principal(request: Request) -> Principal:
    token = bearer_token(request)
    principal = (container_of(request).accounts.resolve(token, channel=SessionChannel.API)
                 if token else None)
    if principal is None:
        raise ServiceError("unauthenticated", "Log in first: this route needs a valid "
                           "bearer token.")
    return principal


def require(permission: Permission) -> Callable[[Request], Principal]:
    """A dependency that admits only logged-in users holding ``permission``."""

    def dependency(request: Request) -> Principal:
        principal = _principal(request)
        if permission not in principal.permissions:
            raise ServiceError("forbidden", "Your role does not allow this.")
        request.state.principal = principal
        return principal

    setattr(dependency, ACCESS_POLICY_ATTR, f"permission:{permission.value}")
    return dependency


def logged_in(request: Request) -> Principal:
    """Any logged-in user (for ``/me`` and logout)."""
    return _principal(request)


setattr(logged_in, ACCESS_POLICY_ATTR, "logged-in")


def public(request: Request) -> None:
    """Marks a route as deliberately public (health and login only)."""


setattr(public, ACCESS_POLICY_ATTR, "public")


def login_challenge(request: Request) -> None:
    """Marks a login's second step: authenticated by the challenge token in its body.

    That token opens only these routes: it is no session, so ``_principal`` never accepts it.
    """


setattr(login_challenge, ACCESS_POLICY_ATTR, "login-challenge")


class PageRefused(Exception):
    """A console page refused: ``unauthenticated`` (sign in), ``csrf`` or ``forbidden``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


async def _page_principal(request: Request) -> Principal:
    # Pages take the session from the cookie only (never a bearer header), and the API takes
    # bearer tokens only, so a cookie never opens an API route that has no CSRF check.
    token = request.cookies.get(SESSION_COOKIE)
    principal = (container_of(request).accounts.resolve(token, channel=SessionChannel.CONSOLE)
                 if token else None)
    if principal is None:
        raise PageRefused("unauthenticated")
    if request.method not in SAFE_METHODS and not csrf_matches(
            token, await supplied_csrf(request)):
        raise PageRefused("csrf")
    request.state.principal = principal
    return principal


def page(permission: Permission) -> Callable[[Request], Awaitable[Principal]]:
    """A console page for signed-in users holding ``permission`` (CSRF-checked if unsafe)."""

    async def dependency(request: Request) -> Principal:
        principal = await _page_principal(request)
        if permission not in principal.permissions:
            raise PageRefused("forbidden")
        return principal

    setattr(dependency, ACCESS_POLICY_ATTR, f"page:{permission.value}")
    return dependency


async def page_signed_in(request: Request) -> Principal:
    """A console page for any signed-in user (the start page, sign-out)."""
    return await _page_principal(request)


setattr(page_signed_in, ACCESS_POLICY_ATTR, "page-signed-in")


async def login_form(request: Request) -> None:
    """Marks the console's public sign-in posts: CSRF-checked against the login cookie."""
    if request.method not in SAFE_METHODS and not csrf_matches(
            request.cookies.get(LOGIN_COOKIE), await supplied_csrf(request)):
        raise PageRefused("csrf")


setattr(login_form, ACCESS_POLICY_ATTR, "public")


async def login_challenge_form(request: Request) -> None:
    """Marks the console's second sign-in step: the challenge cookie, CSRF-checked."""
    await login_form(request)


setattr(login_challenge_form, ACCESS_POLICY_ATTR, "login-challenge")


def camera_signed(request: Request) -> None:
    """Marks a route authenticated by a camera's signature inside the request."""


setattr(camera_signed, ACCESS_POLICY_ATTR, "camera-signature")


def payment_signed(request: Request) -> None:
    """Marks a route authenticated by the payment provider's HMAC signature in its headers."""


setattr(payment_signed, ACCESS_POLICY_ATTR, "payment-signature")
