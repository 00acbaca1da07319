"""Contract of the second factor, lockout state, bulk session ends and login challenges."""

from __future__ import annotations

import dataclasses

from platewarden.services.unit_of_work import (
    Challenge,
    LoginGuard,
    SecondFactor,
    Session,
    UnitOfWorkFactory,
    User,
)
from unit.rules.factories import at

from .helpers import T0, us

FACTOR = SecondFactor(sealed_secret=b"\x01" + b"s" * 48, last_step=123_456_789,
                      recovery_sha256=frozenset({"a" * 64, "b" * 64}))


def add_users(uow_factory: UnitOfWorkFactory, *user_ids: str) -> None:
    with uow_factory() as uow:
        for user_id in user_ids:
            uow.accounts.add_user(User(id=user_id, username=f"name-{user_id}",
                                       password_hash="h", roles=frozenset()), created_at=T0)
        uow.commit()


def test_a_new_user_has_no_factor_and_no_failures(uow_factory: UnitOfWorkFactory) -> None:
    add_users(uow_factory, "u1")
    with uow_factory(read_only=True) as uow:
        user = uow.accounts.user("u1")
    assert user is not None
    assert user.mfa is None
    assert user.guard == LoginGuard()


def test_second_factor_and_guard_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    add_users(uow_factory, "u1", "u2")
    guard = LoginGuard(failures=6, locked_until=at(120) + us(7))
    with uow_factory() as uow:
        uow.accounts.set_second_factor("u1", FACTOR)
        uow.accounts.set_guard("u1", guard)
        uow.accounts.set_second_factor("nobody", FACTOR)  # unknown: nothing happens
        uow.commit()
    with uow_factory() as uow:
        user = uow.accounts.user_by_name("name-u1")
        assert user is not None
        assert (user.mfa, user.guard) == (FACTOR, guard)
        assert uow.accounts.user("u2") == dataclasses.replace(user, id="u2", username="name-u2",
                                                              mfa=None, guard=LoginGuard())
        spent = dataclasses.replace(FACTOR, last_step=FACTOR.last_step + 1,
                                    recovery_sha256=frozenset({"b" * 64}))
        uow.accounts.set_second_factor("u1", spent)
        uow.accounts.set_guard("u1", LoginGuard())
        uow.commit()
    with uow_factory() as uow:
        user = uow.accounts.user("u1")
        assert user is not None
        assert (user.mfa, user.guard) == (spent, LoginGuard())
        uow.accounts.set_second_factor("u1", None)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        user = uow.accounts.user("u1")
        assert user is not None
        assert user.mfa is None


def test_delete_sessions_keeps_only_the_named_one(uow_factory: UnitOfWorkFactory) -> None:
    add_users(uow_factory, "u1", "u2")
    with uow_factory() as uow:
        for digest, user_id in (("a", "u1"), ("b", "u1"), ("c", "u1"), ("d", "u2")):
            uow.accounts.add_session(Session(token_sha256=digest * 64, user_id=user_id,
                                             expires_at=at(60)), created_at=T0)
        uow.commit()
    with uow_factory() as uow:
        assert uow.accounts.delete_sessions("u1", keep="b" * 64) == 2
        uow.commit()
    with uow_factory() as uow:
        assert [uow.accounts.session(d * 64) is not None for d in "abcd"] == [
            False, True, False, True]
        assert uow.accounts.delete_sessions("u1") == 1
        assert uow.accounts.delete_sessions("u1") == 0
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.accounts.session("b" * 64) is None
        assert uow.accounts.session("d" * 64) is not None


def test_a_challenge_is_taken_once(uow_factory: UnitOfWorkFactory) -> None:
    add_users(uow_factory, "u1")
    enrol = Challenge(token_sha256="e" * 64, user_id="u1", purpose="enrol",
                      expires_at=at(300) + us(3), sealed_secret=b"\x01sealed")
    mfa = Challenge(token_sha256="m" * 64, user_id="u1", purpose="mfa", expires_at=at(100))
    with uow_factory() as uow:
        uow.accounts.add_challenge(enrol, created_at=T0)
        uow.accounts.add_challenge(mfa, created_at=T0)
        uow.commit()
    with uow_factory() as uow:
        assert uow.accounts.take_challenge("e" * 64) == enrol
        assert uow.accounts.take_challenge("e" * 64) is None
        assert uow.accounts.take_challenge("x" * 64) is None
        # Not committed: the challenge is back for the next unit of work.
    with uow_factory() as uow:
        assert uow.accounts.take_challenge("e" * 64) == enrol
        uow.commit()
    with uow_factory() as uow:
        assert uow.accounts.take_challenge("e" * 64) is None
        assert uow.accounts.prune_challenges(before=at(100)) == 0
        assert uow.accounts.prune_challenges(before=at(100) + us(1)) == 1
        uow.commit()
    with uow_factory() as uow:
        assert uow.accounts.take_challenge("m" * 64) is None


def test_delete_challenges_ends_only_that_users(uow_factory: UnitOfWorkFactory) -> None:
    add_users(uow_factory, "u1", "u2")
    with uow_factory() as uow:
        for digest, user_id in (("a", "u1"), ("b", "u1"), ("c", "u2")):
            uow.accounts.add_challenge(Challenge(token_sha256=digest * 64, user_id=user_id,
                                                 purpose="mfa", expires_at=at(60)),
                                       created_at=T0)
        uow.commit()
    with uow_factory() as uow:
        assert uow.accounts.delete_challenges("u1") == 2
        assert uow.accounts.delete_challenges("u1") == 0
        uow.commit()
    with uow_factory() as uow:
        assert [uow.accounts.take_challenge(d * 64) is not None for d in "abc"] == [
            False, False, True]


def test_users_are_listed_by_name_and_access_is_changed(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        for user_id, name in (("u2", "zed"), ("u1", "ann")):
            uow.accounts.add_user(User(id=user_id, username=name, password_hash="h",
                                       roles=frozenset({"reviewer"}), regions=frozenset({"*"})),
                                  created_at=T0)
        uow.commit()
    with uow_factory() as uow:
        uow.accounts.set_access("u2", roles=frozenset({"auditor", "admin"}),
                                regions=frozenset({"30", "10"}), enabled=False)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        users = uow.accounts.users()
    assert [u.username for u in users] == ["ann", "zed"]
    assert (users[1].roles, users[1].regions, users[1].enabled) == (
        frozenset({"auditor", "admin"}), frozenset({"10", "30"}), False)
    assert (users[0].regions, users[0].enabled) == (frozenset({"*"}), True)
