"""Time-based one-time passwords (RFC 6238 over RFC 4226 HOTP, HMAC-SHA1).

Pure: the time is always passed in, and secrets come from the caller.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import datetime

PERIOD_S = 30
DIGITS = 6
WINDOW_STEPS = 1  # one step either side absorbs clock drift and a slow typist


def hotp(secret: bytes, counter: int, *, digits: int = DIGITS) -> str:
    """The RFC 4226 one-time password of ``counter``.

    Args:
        secret: The shared key (raw bytes).
        counter: The moving factor (for TOTP, the time step).
        digits: How many decimal digits to return.
    """
    mac = hmac.new(secret, counter.to_bytes(8, "big"), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    value = int.from_bytes(mac[offset:offset + 4], "big") & 0x7FFFFFFF
    return str(value % 10 ** digits).zfill(digits)


def time_step(at: datetime, *, period_s: int = PERIOD_S) -> int:
    """The RFC 6238 time step that contains ``at`` (an aware datetime)."""
    return int(at.timestamp()) // period_s


def totp(secret: bytes, at: datetime, *, digits: int = DIGITS) -> str:
    """The code valid at ``at``."""
    return hotp(secret, time_step(at), digits=digits)


def matching_step(secret: bytes, code: str, *, at: datetime,
                  after_step: int | None = None) -> int | None:
    """The time step whose code is ``code``, within the window around ``at``.

    Args:
        secret: The shared key.
        code: What the user typed (spaces ignored).
        at: The time of the attempt.
        after_step: The newest step already accepted for this user; it and every older step
            are refused, so a code (even one seen over a shoulder) works only once.

    Returns:
        The matching step, or ``None`` when the code is wrong, stale or already used.
    """
    typed = code.replace(" ", "")
    if len(typed) != DIGITS or not typed.isdigit():
        return None
    now = time_step(at)
    found = None
    for step in range(now - WINDOW_STEPS, now + WINDOW_STEPS + 1):
        # Every candidate is compared, so the time taken says nothing about which matched.
        if hmac.compare_digest(hotp(secret, step), typed) and found is None:
            found = step
    if found is None or (after_step is not None and found <= after_step):
        return None
    return found
