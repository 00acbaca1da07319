"""TOTP (RFC 6238 / RFC 4226) against the RFCs' own test vectors, and lockout back-off."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given
from hypothesis import strategies as st

from platewarden.domain.lockout import is_locked, lock_for, locked_until
from platewarden.domain.totp import hotp, matching_step, time_step, totp
from platewarden.services.second_factor import decode_secret, encode_secret, otpauth_uri

RFC_SECRET = b"12345678901234567890"


@pytest.mark.parametrize(("counter", "expected"), list(enumerate([
    "755224", "287082", "359152", "969429", "338314",
    "254676", "287922", "162583", "399871", "520489"])))
def test_rfc4226_hotp_vectors(counter: int, expected: str) -> None:
    assert hotp(RFC_SECRET, counter) == expected


@pytest.mark.parametrize(("unix", "expected"), [
    (59, "94287082"), (1111111109, "07081804"), (1111111111, "14050471"),
    (1234567890, "89005924"), (2000000000, "69279037"), (20000000000, "65353130")])
def test_rfc6238_sha1_vectors(unix: int, expected: str) -> None:
    at = datetime.fromtimestamp(unix, UTC)
    assert totp(RFC_SECRET, at, digits=8) == expected
    assert totp(RFC_SECRET, at) == expected[-6:]


def test_one_step_either_side_is_accepted_and_no_more() -> None:
    at = datetime.fromtimestamp(1111111111, UTC)
    now = time_step(at)
    for offset in (-1, 0, 1):
        assert matching_step(RFC_SECRET, hotp(RFC_SECRET, now + offset), at=at) == now + offset
    for offset in (-2, 2):
        assert matching_step(RFC_SECRET, hotp(RFC_SECRET, now + offset), at=at) is None


def test_a_used_step_and_older_ones_are_refused() -> None:
    at = datetime.fromtimestamp(1111111111, UTC)
    now = time_step(at)
    code = hotp(RFC_SECRET, now)
    assert matching_step(RFC_SECRET, code, at=at, after_step=now - 1) == now
    assert matching_step(RFC_SECRET, code, at=at, after_step=now) is None
    assert matching_step(RFC_SECRET, hotp(RFC_SECRET, now - 1), at=at, after_step=now) is None


@pytest.mark.parametrize("typed", ["", "12345", "1234567", "abcdef", "12345x"])
def test_malformed_codes_never_match(typed: str) -> None:
    assert matching_step(RFC_SECRET, typed, at=datetime.now(UTC)) is None


@given(st.binary(min_size=10, max_size=40))
def test_base32_round_trip(secret: bytes) -> None:
    assert decode_secret(encode_secret(secret).lower()) == secret


def test_otpauth_uri_names_issuer_account_and_parameters() -> None:
    uri = otpauth_uri(RFC_SECRET, account="ann smith", issuer="Platewarden")
    assert uri.startswith("otpauth://totp/Platewarden:ann%20smith?")
    assert f"secret={encode_secret(RFC_SECRET)}" in uri
    assert "digits=6" in uri
    assert "period=30" in uri


def test_lockout_doubles_from_one_minute_to_an_hour() -> None:
    assert [lock_for(n) for n in range(5)] == [None] * 5
    assert [lock_for(n) for n in (5, 6, 7, 8, 10)] == [
        timedelta(minutes=m) for m in (1, 2, 4, 8, 32)]
    assert lock_for(11) == lock_for(1000) == timedelta(hours=1)
    t = datetime(2026, 1, 1, tzinfo=UTC)
    until = locked_until(5, at=t)
    assert until == t + timedelta(minutes=1)
    assert is_locked(until, at=t + timedelta(seconds=59))
    assert not is_locked(until, at=t + timedelta(seconds=60))
    assert not is_locked(None, at=t)
