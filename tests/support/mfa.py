"""Logging in with the TOTP second factor, as a person with an authenticator app would.

Codes come from the project's own RFC 6238 implementation. Each code is accepted once, so the
API helper remembers the newest step it used per user and waits for a fresh step when needed.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

import httpx

from platewarden.domain.totp import PERIOD_S, hotp, time_step, totp
from platewarden.services.accounts import AccountService, IssuedToken
from platewarden.services.second_factor import decode_secret

# Per user name: the secret enrolled last and the newest step used (tests run one at a time;
# a fresh installation always starts with an enrolment, which replaces both).
_secrets: dict[str, bytes] = {}
_last_step: dict[str, int] = {}


def remembered_secret(username: str) -> bytes:
    """The secret the helpers enrolled last for ``username``."""
    return _secrets[username]


def remember_secret(username: str, secret: bytes) -> None:
    """Note the secret ``username`` just enrolled (by any route), forgetting used steps."""
    _secrets[username] = secret
    _last_step.pop(username, None)


def fresh_code(username: str) -> str:
    """A code for ``username`` that the server has not seen yet (waits up to one period)."""
    while True:
        now = time_step(datetime.now(UTC))
        step = max(now, _last_step.get(username, now - 1) + 1)
        if step <= now + 1:
            _last_step[username] = step
            return hotp(_secrets[username], step)
        time.sleep(PERIOD_S - time.time() % PERIOD_S + 0.05)


def api_login(url: str, username: str, password: str, *,
              post: Callable[..., httpx.Response] = httpx.post) -> str:
    """A session token via the API: password, then enrolment or a TOTP code."""
    step = post(f"{url}/api/v1/auth/login", json={"username": username, "password": password},
                timeout=30)
    step.raise_for_status()
    body = step.json()
    if body["status"] == "enrol":
        remember_secret(username, decode_secret(body["secret"]))
        done = post(f"{url}/api/v1/auth/mfa/enrol", timeout=30, json={
            "enrolment_token": body["enrolment_token"], "code": fresh_code(username)})
    else:
        done = post(f"{url}/api/v1/auth/mfa/verify", timeout=30, json={
            "mfa_token": body["mfa_token"], "code": fresh_code(username)})
    done.raise_for_status()
    token: str = done.json()["token"]
    return token


@dataclass(frozen=True, slots=True, kw_only=True)
class Enrolment:
    """What a first login through the service gave."""

    session: IssuedToken
    secret: bytes
    recovery_codes: tuple[str, ...]


def enrol(accounts: AccountService, *, username: str, password: str,
          clock: Callable[[], datetime]) -> Enrolment:
    """First login through the service at the (injected) clock's time."""
    step = accounts.login(username=username, password=password)
    assert step.status == "enrol"
    assert step.secret is not None
    secret = decode_secret(step.secret)
    done = accounts.complete_enrolment(token=step.token, code=totp(secret, clock()))
    return Enrolment(session=done.session, secret=secret, recovery_codes=done.recovery_codes)
