"""Browser sessions in cookies, and the CSRF tokens that go with them.

The console keeps the same session token the API hands out as a bearer token, but in an
HttpOnly, SameSite=Strict cookie (Secure under TLS), so page scripts never see it. Cookies are
sent by the browser on its own, so every state-changing console request must also carry a
CSRF token: one per session, derived from the session token by a one-way keyed hash, so it
can be written into pages without revealing the session. Before sign-in, a random login
cookie plays the session's part (a login form cannot be submitted from another site either).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets

from fastapi import Request, Response

SESSION_COOKIE = "pw_session"
LOGIN_COOKIE = "pw_login"
CHALLENGE_COOKIE = "pw_challenge"
LANG_COOKIE = "pw_lang"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "x-csrf-token"
_CSRF_CONTEXT = b"platewarden-console-csrf-v1"
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})


def csrf_token_for(secret: str) -> str:
    """The CSRF token that goes with a session (or login) cookie value."""
    digest = hmac.new(_CSRF_CONTEXT, secret.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()


def csrf_matches(secret: str | None, supplied: str | None) -> bool:
    """Whether ``supplied`` is the CSRF token of ``secret`` (constant-time)."""
    if not secret or not supplied:
        return False
    return hmac.compare_digest(csrf_token_for(secret), supplied)


async def supplied_csrf(request: Request) -> str | None:
    """The CSRF token a request carries: the header (HTMX, scripts) or the form field."""
    header = request.headers.get(CSRF_HEADER)
    if header:
        return header
    content_type = request.headers.get("content-type", "")
    if not content_type.startswith(("application/x-www-form-urlencoded",
                                    "multipart/form-data")):
        return None
    # Starlette caches the parsed form, so the route can still read its fields.
    value = (await request.form()).get(CSRF_FIELD)
    return value if isinstance(value, str) else None


def new_login_secret() -> str:
    """A fresh random value for the login cookie."""
    return secrets.token_urlsafe(32)


def set_cookie(response: Response, request: Request, *, name: str, value: str,
               max_age_s: int) -> None:
    """Set an HttpOnly, SameSite=Strict cookie; Secure when the request came over TLS."""
    response.set_cookie(name, value, max_age=max_age_s, path="/", httponly=True,
                        samesite="strict", secure=request.url.scheme == "https")


def clear_cookie(response: Response, request: Request, *, name: str) -> None:
    """Remove a cookie set by :func:`set_cookie`."""
    response.delete_cookie(name, path="/", httponly=True, samesite="strict",
                           secure=request.url.scheme == "https")
