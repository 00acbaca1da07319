"""AccountService: strong passwords, one error for every failed login, expiring sessions."""

from __future__ import annotations

from datetime import timedelta

import pytest

from platewarden.adapters.crypto import AesGcmSecretBox, Argon2PasswordHasher
from platewarden.adapters.memory import InMemoryUnitOfWorkFactory
from platewarden.domain.access import EVERYWHERE, Permission, Role
from platewarden.domain.totp import totp
from platewarden.services.accounts import AccountService, IssuedToken
from platewarden.services.credentials import SessionChannel
from platewarden.services.errors import ServiceError
from platewarden.services.unit_of_work import User
from support.mfa import enrol
from unit.rules.factories import T0

from .factories import FakeHasher, FixedClock

PASSWORD = "correct-horse-battery"
TTL_S = 3600


def make_accounts(*, hasher: FakeHasher | Argon2PasswordHasher | None = None,
                  ) -> tuple[AccountService, InMemoryUnitOfWorkFactory, FixedClock]:
    factory, clock = InMemoryUnitOfWorkFactory(), FixedClock()
    service = AccountService(uow_factory=factory, hasher=hasher or FakeHasher(), clock=clock,
                             secret_box=AesGcmSecretBox(bytes(32)), session_ttl_s=TTL_S)
    return service, factory, clock


def code_of(error: pytest.ExceptionInfo[ServiceError]) -> str:
    return error.value.code


def first_session(accounts: AccountService, clock: FixedClock,
                  username: str = "ann") -> IssuedToken:
    return enrol(accounts, username=username, password=PASSWORD, clock=clock).session


def test_create_login_and_resolve() -> None:
    accounts, _, clock = make_accounts()
    user = accounts.create_user(username="ann", password=PASSWORD,
                                roles=frozenset({Role.REVIEWER}), regions=EVERYWHERE)
    assert user.password_hash != PASSWORD
    assert accounts.exists("ann")
    assert not accounts.exists("bob")
    token = first_session(accounts, clock)
    principal = accounts.resolve(token.token)
    assert principal is not None
    assert (principal.user_id, principal.username) == (user.id, "ann")
    assert Permission.VIOLATIONS_REVIEW in principal.permissions
    assert Permission.CAMERAS_WRITE not in principal.permissions


def test_with_the_real_hasher() -> None:
    accounts, _, clock = make_accounts(hasher=Argon2PasswordHasher(fast_for_tests=True))
    accounts.create_user(username="ann", password=PASSWORD, roles=frozenset({Role.ADMIN}),
                         regions=EVERYWHERE)
    assert accounts.resolve(first_session(accounts, clock).token)
    with pytest.raises(ServiceError):
        accounts.login(username="ann", password=PASSWORD + "!")


@pytest.mark.parametrize("password", ["changeme", "Password", "  admin ", "my-changeme-2026",
                                      "short-pass1"])
def test_weak_passwords_are_refused(password: str) -> None:
    accounts, _, _ = make_accounts()
    with pytest.raises(ServiceError) as caught:
        accounts.create_user(username="ann", password=password, roles=frozenset(),
                             regions=EVERYWHERE)
    assert code_of(caught) == "weak_password"
    assert not accounts.exists("ann")


def test_a_taken_user_name_is_a_conflict() -> None:
    accounts, _, _ = make_accounts()
    accounts.create_user(username="ann", password=PASSWORD, roles=frozenset(), regions=EVERYWHERE)
    with pytest.raises(ServiceError) as caught:
        accounts.create_user(username="ann", password=PASSWORD + "x", roles=frozenset(),
                             regions=EVERYWHERE)
    assert code_of(caught) == "conflict"


@pytest.mark.parametrize(("username", "password"), [("ann", "wrong-password-123"),
                                                    ("bob", PASSWORD), ("off", PASSWORD)])
def test_every_failed_login_gets_the_same_error(username: str, password: str) -> None:
    accounts, factory, _ = make_accounts()
    accounts.create_user(username="ann", password=PASSWORD, roles=frozenset(), regions=EVERYWHERE)
    with factory() as uow:
        uow.accounts.add_user(User(id="u-off", username="off", password_hash=f"hashed:{PASSWORD}",
                                   roles=frozenset({"admin"}), enabled=False), created_at=T0)
        uow.commit()
    with pytest.raises(ServiceError) as caught:
        accounts.login(username=username, password=password)
    assert (code_of(caught), caught.value.message) == ("invalid_credentials",
                                                       "Wrong user name or password.")


def test_sessions_expire() -> None:
    accounts, _, clock = make_accounts()
    accounts.create_user(username="ann", password=PASSWORD, roles=frozenset(), regions=EVERYWHERE)
    token = first_session(accounts, clock)
    assert token.expires_at == clock.now + timedelta(seconds=TTL_S)
    clock.advance(TTL_S - 1)
    assert accounts.resolve(token.token) is not None
    clock.advance(1)
    assert accounts.resolve(token.token) is None


def test_logout_and_unknown_tokens() -> None:
    accounts, _, clock = make_accounts()
    accounts.create_user(username="ann", password=PASSWORD, roles=frozenset(), regions=EVERYWHERE)
    enrolled = enrol(accounts, username="ann", password=PASSWORD, clock=clock)
    token = enrolled.session.token
    other = accounts.verify_mfa(token=accounts.login(username="ann", password=PASSWORD).token,
                                code=enrolled.recovery_codes[0]).token
    assert token != other
    accounts.logout(token)
    assert accounts.resolve(token) is None
    assert accounts.resolve(other) is not None
    assert accounts.resolve("made-up") is None


def test_api_sessions_are_short_lived_and_each_session_opens_its_own_channel() -> None:
    factory, clock = InMemoryUnitOfWorkFactory(), FixedClock(T0)
    accounts = AccountService(uow_factory=factory, hasher=FakeHasher(), clock=clock,
                              secret_box=AesGcmSecretBox(bytes(32)), session_ttl_s=TTL_S,
                              api_token_ttl_s=600)
    accounts.create_user(username="ann", password=PASSWORD, roles=frozenset(), regions=EVERYWHERE)
    first = enrol(accounts, username="ann", password=PASSWORD, clock=clock)
    clock.advance(31)  # each TOTP step is accepted once
    step = accounts.login(username="ann", password=PASSWORD)
    console = accounts.verify_mfa(token=step.token, code=totp(first.secret, clock.now),
                                  channel=SessionChannel.CONSOLE)
    api = first.session  # the default channel is the API's
    assert (api.expires_at - clock.now).total_seconds() == 600 - 31
    assert (console.expires_at - clock.now).total_seconds() == TTL_S
    answers = {(name, channel): accounts.resolve(token, channel=channel) is not None
               for name, token in (("api", api.token), ("console", console.token))
               for channel in SessionChannel}
    assert answers == {("api", SessionChannel.API): True, ("api", SessionChannel.CONSOLE): False,
                       ("console", SessionChannel.API): False,
                       ("console", SessionChannel.CONSOLE): True}
