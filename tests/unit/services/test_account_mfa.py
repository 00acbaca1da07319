"""Mandatory TOTP, recovery codes, lockout with back-off, password change, revocation."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platewarden.adapters.crypto import AesGcmSecretBox
from platewarden.adapters.memory import InMemoryUnitOfWorkFactory
from platewarden.domain.access import EVERYWHERE, Role
from platewarden.domain.totp import hotp, time_step, totp
from platewarden.services.accounts import AccountService
from platewarden.services.errors import ServiceError
from platewarden.services.ports import SecretBoxError
from platewarden.services.second_factor import decode_secret
from support.mfa import Enrolment, enrol

from .factories import FakeHasher, FixedClock

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "another-long-passphrase"


def setup(*, username: str = "ann"
          ) -> tuple[AccountService, InMemoryUnitOfWorkFactory, FixedClock]:
    factory, clock = InMemoryUnitOfWorkFactory(), FixedClock()
    service = AccountService(uow_factory=factory, hasher=FakeHasher(), clock=clock,
                             secret_box=AesGcmSecretBox(bytes(32)), session_ttl_s=3600)
    service.create_user(username=username, password=PASSWORD, roles=frozenset({Role.REVIEWER}),
                        regions=EVERYWHERE)
    return service, factory, clock


def enrolled() -> tuple[AccountService, InMemoryUnitOfWorkFactory, FixedClock, Enrolment]:
    accounts, factory, clock = setup()
    done = enrol(accounts, username="ann", password=PASSWORD, clock=clock)
    clock.advance(30)  # the enrolment code's step is spent
    return accounts, factory, clock, done


def refused(call: object, **kwargs: str) -> ServiceError:
    with pytest.raises(ServiceError) as caught:
        call(**kwargs)  # type: ignore[operator]
    assert caught.value.code == "invalid_credentials"
    return caught.value


def test_a_password_alone_never_yields_a_session() -> None:
    accounts, _, clock = setup()
    step = accounts.login(username="ann", password=PASSWORD)
    assert step.status == "enrol"
    assert accounts.resolve(step.token) is None
    # The enrolment token is no MFA token either, and it is gone once tried.
    refused(accounts.verify_mfa, token=step.token, code="000000")
    secret = decode_secret(step.secret or "")
    refused(accounts.complete_enrolment, token=step.token, code=totp(secret, clock()))
    done = enrol(accounts, username="ann", password=PASSWORD, clock=clock)
    clock.advance(30)
    again = accounts.login(username="ann", password=PASSWORD)
    assert again.status == "mfa"
    assert again.secret is None
    assert accounts.resolve(again.token) is None
    refused(accounts.complete_enrolment, token=again.token, code=totp(done.secret, clock()))


def test_enrolment_gives_a_uri_a_session_and_ten_recovery_codes() -> None:
    accounts, factory, clock = setup()
    step = accounts.login(username="ann", password=PASSWORD)
    assert step.otpauth_uri is not None
    assert step.otpauth_uri.startswith("otpauth://totp/Platewarden:ann?secret=")
    assert step.expires_at == clock() + timedelta(minutes=5)
    secret = decode_secret(step.secret or "")
    refused(accounts.complete_enrolment, token=step.token, code="123456")
    step = accounts.login(username="ann", password=PASSWORD)
    secret = decode_secret(step.secret or "")
    done = accounts.complete_enrolment(token=step.token, code=totp(secret, clock()))
    assert accounts.resolve(done.session.token) is not None
    assert len(set(done.recovery_codes)) == 10
    with factory(read_only=True) as uow:
        user = uow.accounts.user_by_name("ann")
    assert user is not None
    assert user.mfa is not None
    assert secret not in user.mfa.sealed_secret  # stored sealed, never in clear
    assert not any(code in str(user) for code in done.recovery_codes)


def test_a_code_is_accepted_once_and_stale_codes_never() -> None:
    accounts, _, clock, done = enrolled()
    code = totp(done.secret, clock())
    assert accounts.resolve(accounts.verify_mfa(
        token=accounts.login(username="ann", password=PASSWORD).token, code=code).token)
    refused(accounts.verify_mfa, token=accounts.login(username="ann", password=PASSWORD).token,
            code=code)
    clock.advance(30)
    old = hotp(done.secret, time_step(clock()) - 2)
    refused(accounts.verify_mfa, token=accounts.login(username="ann", password=PASSWORD).token,
            code=old)


def test_challenges_are_single_use_and_expire() -> None:
    accounts, _, clock, done = enrolled()
    step = accounts.login(username="ann", password=PASSWORD)
    clock.advance(5 * 60)
    refused(accounts.verify_mfa, token=step.token, code=totp(done.secret, clock()))
    step = accounts.login(username="ann", password=PASSWORD)
    refused(accounts.verify_mfa, token=step.token, code="000000")
    refused(accounts.verify_mfa, token=step.token, code=totp(done.secret, clock()))


def test_a_recovery_code_works_once() -> None:
    accounts, _, _, done = enrolled()
    recovery = done.recovery_codes[3]
    session = accounts.verify_mfa(token=accounts.login(username="ann", password=PASSWORD).token,
                                  code=recovery.lower().replace("-", " "))
    assert accounts.resolve(session.token) is not None
    refused(accounts.verify_mfa, token=accounts.login(username="ann", password=PASSWORD).token,
            code=recovery)
    assert accounts.verify_mfa(token=accounts.login(username="ann", password=PASSWORD).token,
                               code=done.recovery_codes[4])


def fail_password(accounts: AccountService, times: int) -> None:
    for _ in range(times):
        error = refused(accounts.login, username="ann", password="wrong-password-xyz")
        assert error.message == "Wrong user name or password."


def test_lockout_after_five_failures_with_back_off() -> None:
    accounts, _, clock, done = enrolled()
    fail_password(accounts, 4)
    assert accounts.login(username="ann", password=PASSWORD).status == "mfa"
    fail_password(accounts, 1)  # the fifth in a row: the password step did not reset them
    error = refused(accounts.login, username="ann", password=PASSWORD)
    assert error.message == "Wrong user name or password."  # locked looks like wrong
    clock.advance(59)
    refused(accounts.login, username="ann", password=PASSWORD)
    clock.advance(1)
    assert accounts.login(username="ann", password=PASSWORD).status == "mfa"
    fail_password(accounts, 1)  # the sixth: two minutes
    clock.advance(119)
    refused(accounts.login, username="ann", password=PASSWORD)
    clock.advance(1)
    for minutes in (4, 8, 16, 32, 60, 60):
        fail_password(accounts, 1)
        clock.advance(minutes * 60 - 1)
        refused(accounts.login, username="ann", password=PASSWORD)
        clock.advance(1)
    step = accounts.login(username="ann", password=PASSWORD)
    accounts.verify_mfa(token=step.token, code=totp(done.secret, clock()))
    fail_password(accounts, 4)  # a whole login reset the count: four more are free
    assert accounts.login(username="ann", password=PASSWORD).status == "mfa"


def test_wrong_codes_count_towards_the_lock() -> None:
    accounts, _, clock, done = enrolled()
    for _ in range(5):
        refused(accounts.verify_mfa,
                token=accounts.login(username="ann", password=PASSWORD).token, code="000000")
    refused(accounts.login, username="ann", password=PASSWORD)
    clock.advance(60)
    step = accounts.login(username="ann", password=PASSWORD)
    assert accounts.verify_mfa(token=step.token, code=totp(done.secret, clock()))


def test_a_lock_during_the_code_step_stops_the_pending_challenge() -> None:
    accounts, _, clock, done = enrolled()
    step = accounts.login(username="ann", password=PASSWORD)
    fail_password(accounts, 5)
    refused(accounts.verify_mfa, token=step.token, code=totp(done.secret, clock()))


def test_password_change_ends_the_other_sessions() -> None:
    accounts, _, clock, done = enrolled()
    current = done.session.token
    other = accounts.verify_mfa(token=accounts.login(username="ann", password=PASSWORD).token,
                                code=totp(done.secret, clock())).token
    pending = accounts.login(username="ann", password=PASSWORD).token
    error = refused(accounts.change_password, token=current, old_password="not-the-password",
                    new_password=NEW_PASSWORD)
    assert "current password" in error.message
    with pytest.raises(ServiceError) as weak:
        accounts.change_password(token=current, old_password=PASSWORD, new_password="short")
    assert weak.value.code == "weak_password"
    assert accounts.change_password(token=current, old_password=PASSWORD,
                                    new_password=NEW_PASSWORD) == 1
    assert accounts.resolve(current) is not None
    assert accounts.resolve(other) is None
    clock.advance(30)
    refused(accounts.verify_mfa, token=pending, code=totp(done.secret, clock()))
    refused(accounts.login, username="ann", password=PASSWORD)
    assert accounts.login(username="ann", password=NEW_PASSWORD).status == "mfa"
    with pytest.raises(ServiceError) as caught:
        accounts.change_password(token="made-up", old_password=NEW_PASSWORD,
                                 new_password=PASSWORD + "-2")
    assert caught.value.code == "unauthenticated"


def test_revoke_all_ends_every_session() -> None:
    accounts, _, clock, done = enrolled()
    other = accounts.verify_mfa(token=accounts.login(username="ann", password=PASSWORD).token,
                                code=totp(done.secret, clock())).token
    principal = accounts.resolve(other)
    assert principal is not None
    assert accounts.revoke_all_sessions(user_id=principal.user_id, actor=principal.user_id) == 2
    assert accounts.resolve(other) is None
    assert accounts.resolve(done.session.token) is None


def test_reset_mfa_makes_the_user_enrol_again() -> None:
    accounts, _, clock, done = enrolled()
    assert accounts.reset_mfa(username="ann").mfa is None
    assert accounts.resolve(done.session.token) is None
    fresh = enrol(accounts, username="ann", password=PASSWORD, clock=clock)
    assert fresh.secret != done.secret
    with pytest.raises(ServiceError) as caught:
        accounts.reset_mfa(username="nobody")
    assert caught.value.code == "not_found"


def test_a_sealed_secret_opens_only_for_its_owner() -> None:
    box = AesGcmSecretBox(bytes(32))
    sealed = box.seal(b"k" * 20, context=b"u1")
    assert box.open(sealed, context=b"u1") == b"k" * 20
    for bad_box, context, data in ((box, b"u2", sealed),
                                   (AesGcmSecretBox(bytes(31) + b"x"), b"u1", sealed),
                                   (box, b"u1", sealed[:-1] + bytes([sealed[-1] ^ 1]))):
        with pytest.raises(SecretBoxError):
            bad_box.open(data, context=context)
