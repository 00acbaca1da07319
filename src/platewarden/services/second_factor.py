"""TOTP enrolment material, recovery codes and the per-user lockout state."""

from __future__ import annotations

import base64
import dataclasses
import hashlib
import secrets
from datetime import datetime
from urllib.parse import quote, urlencode

from platewarden.domain.lockout import is_locked, locked_until
from platewarden.domain.totp import DIGITS, PERIOD_S, matching_step
from platewarden.services.unit_of_work import LoginGuard, SecondFactor

ISSUER = "Platewarden"
SECRET_BYTES = 20  # 160 bits, the HMAC-SHA1 block RFC 4226 recommends
RECOVERY_CODE_COUNT = 10


def encode_secret(secret: bytes) -> str:
    """The base32 form authenticator apps accept (no padding)."""
    return base64.b32encode(secret).decode("ascii").rstrip("=")


def decode_secret(text: str) -> bytes:
    """Inverse of :func:`encode_secret` (case and spaces ignored)."""
    cleaned = text.replace(" ", "").upper()
    return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))


def otpauth_uri(secret: bytes, *, account: str, issuer: str) -> str:
    """The ``otpauth://`` URI an authenticator app reads from a QR code."""
    label = quote(f"{issuer}:{account}", safe=":@")
    query = urlencode({"secret": encode_secret(secret), "issuer": issuer,
                       "algorithm": "SHA1", "digits": DIGITS, "period": PERIOD_S})
    return f"otpauth://totp/{label}?{query}"


def new_totp_secret() -> bytes:
    """A fresh random TOTP key."""
    return secrets.token_bytes(SECRET_BYTES)


def _normalise_recovery(code: str) -> str:
    return code.replace("-", "").replace(" ", "").upper()


def new_recovery_codes() -> tuple[str, ...]:
    """Ten single-use codes of 80 random bits each, as ``XXXX-XXXX-XXXX-XXXX``."""
    codes = []
    for _ in range(RECOVERY_CODE_COUNT):
        text = base64.b32encode(secrets.token_bytes(10)).decode("ascii")
        codes.append("-".join(text[i:i + 4] for i in range(0, 16, 4)))
    return tuple(codes)


def recovery_digest(code: str) -> str:
    """What is stored of a recovery code.

    A fast hash suffices: each code carries 80 random bits, so no guess list exists to try.
    """
    return hashlib.sha256(_normalise_recovery(code).encode()).hexdigest()


def accept_code(factor: SecondFactor, secret: bytes, code: str, *,
                at: datetime) -> SecondFactor | None:
    """The factor after ``code`` was used, or ``None`` when the code is refused.

    A TOTP code must belong to a step newer than the last accepted one; a recovery code is
    removed once used.
    """
    step = matching_step(secret, code, at=at, after_step=factor.last_step)
    if step is not None:
        return dataclasses.replace(factor, last_step=step)
    digest = recovery_digest(code)
    matches = [d for d in factor.recovery_sha256 if secrets.compare_digest(d, digest)]
    if matches:
        return dataclasses.replace(factor, recovery_sha256=factor.recovery_sha256 - {digest})
    return None


def guard_is_locked(guard: LoginGuard, *, at: datetime) -> bool:
    """Whether the account is locked at ``at``."""
    return is_locked(guard.locked_until, at=at)


def after_failure(guard: LoginGuard, *, at: datetime) -> LoginGuard:
    """The guard after one more consecutive failure at ``at``."""
    failures = guard.failures + 1
    return LoginGuard(failures=failures,
                      locked_until=locked_until(failures, at=at) or guard.locked_until)
