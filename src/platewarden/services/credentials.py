"""What logging in hands out and checks: principals, tokens, login steps, password rules."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from platewarden.domain.access import Permission, RegionScope
from platewarden.services.errors import ServiceError

WEAK_PASSWORDS = frozenset({"admin", "password", "changeme", "change-me", "secret",
                            "platewarden", "123456", "12345678", "qwerty", "letmein"})
MIN_PASSWORD_LENGTH = 12


class SessionChannel(StrEnum):
    """Where a session is used: bearer tokens for API clients, cookies for the console.

    A session opens only its own channel, so a console cookie (which CSRF tokens protect)
    never works as a bearer token, and an API token never opens a page.
    """

    API = "api"
    CONSOLE = "console"


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """The authenticated caller of an operator route."""

    user_id: str
    username: str
    roles: frozenset[str]
    permissions: frozenset[Permission]
    scope: RegionScope


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedToken:
    """A bearer token, shown to its owner once."""

    token: str
    expires_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class LoginStep:
    """What the password step asks for next: ``"enrol"`` an authenticator, or ``"mfa"``.

    ``token`` opens nothing but the matching second step. ``secret`` (base32) and
    ``otpauth_uri`` are set only for enrolment.
    """

    status: str
    token: str
    expires_at: datetime
    secret: str | None = None
    otpauth_uri: str | None = None


@dataclass(frozen=True, slots=True, kw_only=True)
class Enrolled:
    """A finished enrolment: the first session and the recovery codes, shown once."""

    session: IssuedToken
    recovery_codes: tuple[str, ...]


def check_password_strength(password: str) -> None:
    """Refuse placeholder and short passwords with a reason a person understands."""
    if password.strip().lower() in WEAK_PASSWORDS or "changeme" in password.lower():
        raise ServiceError("weak_password", "That password is a well-known placeholder.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError("weak_password",
                           f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def token_digest(token: str) -> str:
    """What is stored of a session or challenge token: its SHA-256, never the token."""
    return hashlib.sha256(token.encode()).hexdigest()


def bad_credentials() -> ServiceError:
    """The one refusal of the password step.

    An unknown user, a wrong password and a disabled or locked account look the same.
    """
    return ServiceError("invalid_credentials", "Wrong user name or password.")


def bad_code() -> ServiceError:
    """The one refusal of the second step (the challenge is spent either way)."""
    return ServiceError("invalid_credentials", "Wrong, used or expired code: log in again.")
