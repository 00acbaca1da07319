"""Authentication and authorisation dependencies for operator routes.

Every route declares what it needs with ``Depends(require(...))``; the route sweep test reads
the ``ACCESS_POLICY_ATTR`` marker to prove no route was added without a decision.
"""

from __future__ import annotations

from collections.abc import Callable

from fastapi import Request

from platewarden.bootstrap import Container
from platewarden.domain.access import Permission
from platewarden.services.accounts import Principal
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
    principal = container_of(request).accounts.resolve(token) if token else None
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


def camera_signed(request: Request) -> None:
    """Marks a route authenticated by a camera's signature inside the request."""


setattr(camera_signed, ACCESS_POLICY_ATTR, "camera-signature")
