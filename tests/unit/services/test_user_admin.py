"""Admins list, create and change accounts; they cannot lock themselves out."""

from __future__ import annotations

from typing import Any

import pytest

from platewarden.adapters.crypto import AesGcmSecretBox
from platewarden.adapters.memory import InMemoryUnitOfWorkFactory
from platewarden.domain.access import EVERYWHERE, RegionScope, Role, permissions_of
from platewarden.domain.audit import AuditAction
from platewarden.services.accounts import AccountService
from platewarden.services.credentials import Principal
from platewarden.services.errors import ServiceError
from platewarden.services.user_admin import AccessChange, UserAdmin
from support.mfa import enrol

from .factories import NOW, FakeHasher, FixedClock, make_audit


def make_admin() -> tuple[UserAdmin, AccountService, InMemoryUnitOfWorkFactory, Principal]:
    factory, clock = InMemoryUnitOfWorkFactory(), FixedClock(NOW)
    audit = make_audit(factory, clock)
    accounts = AccountService(uow_factory=factory, hasher=FakeHasher(),
                              secret_box=AesGcmSecretBox(bytes(32)), clock=clock,
                              session_ttl_s=3600, audit=audit)
    me = accounts.create_user(username="root", password="a-long-admin-password",
                              roles=frozenset({Role.ADMIN}), regions=EVERYWHERE)
    principal = Principal(user_id=me.id, username="root", roles=me.roles,
                          permissions=permissions_of(me.roles), scope=EVERYWHERE)
    return UserAdmin(uow_factory=factory, accounts=accounts, audit=audit), accounts, factory, \
        principal


def test_create_list_and_change_access() -> None:
    admin, accounts, factory, me = make_admin()
    created = admin.create(me, username="ann", roles=frozenset({Role.REVIEWER}),
                           regions=RegionScope.of(["30"]))
    assert len(created.password) >= 20
    assert accounts.login(username="ann", password=created.password).status == "enrol"
    assert [(u.username, sorted(u.regions)) for u in admin.users(me)] == [
        ("ann", ["30"]), ("root", ["*"])]
    changed = admin.change(me, created.user.id, AccessChange(
        roles=frozenset({Role.INVESTIGATOR}), regions=RegionScope.of(["12", "40"]),
        enabled=False))
    assert (changed.roles, changed.regions, changed.enabled) == (
        frozenset({"investigator"}), frozenset({"10", "40"}), False)
    with factory(read_only=True) as uow:
        entry = uow.audit.find([AuditAction.USER_CHANGED])[-1].entry
    assert (entry.actor, dict(entry.details)) == (me.user_id, {
        "change": "access", "roles": "investigator", "regions": "10,40", "enabled": "false"})


def test_disabling_ends_sessions_and_admins_cannot_lock_themselves_out() -> None:
    admin, accounts, _, me = make_admin()
    created = admin.create(me, username="bob", roles=frozenset({Role.REVIEWER}),
                           regions=EVERYWHERE)
    session = enrol(accounts, username="bob", password=created.password,
                    clock=FixedClock(NOW)).session
    assert accounts.resolve(session.token) is not None
    admin.change(me, created.user.id, AccessChange(enabled=False))
    assert accounts.resolve(session.token) is None
    with pytest.raises(ServiceError) as caught:
        admin.change(me, me.user_id, AccessChange(roles=frozenset({Role.REVIEWER})))
    assert caught.value.code == "conflict"
    with pytest.raises(ServiceError) as caught:
        admin.change(me, me.user_id, AccessChange(enabled=False))
    assert caught.value.code == "conflict"
    with pytest.raises(ServiceError) as caught:
        admin.change(me, "0" * 32, AccessChange(enabled=False))
    assert caught.value.code == "not_found"


@pytest.mark.parametrize("role", [Role.REVIEWER, Role.INVESTIGATOR, Role.SUPERVISOR,
                                  Role.AUDITOR])
def test_only_admins_manage_users(role: Role) -> None:
    admin, _, _, _ = make_admin()
    roles = frozenset({role.value})
    other = Principal(user_id="x", username="x", roles=roles,
                      permissions=permissions_of(roles), scope=EVERYWHERE)
    with pytest.raises(ServiceError) as caught:
        admin.users(other)
    assert caught.value.code == "forbidden"


def test_an_admin_resets_another_users_second_factor_and_not_their_own() -> None:
    admin, accounts, factory, me = make_admin()
    created = admin.create(me, username="cat", roles=frozenset({Role.REVIEWER}),
                           regions=EVERYWHERE)
    first = enrol(accounts, username="cat", password=created.password, clock=FixedClock(NOW))
    assert admin.users(me)[0].second_factor
    summary = admin.reset_second_factor(me, created.user.id)
    assert not summary.second_factor
    assert accounts.resolve(first.session.token) is None  # the old sessions ended
    assert accounts.login(username="cat", password=created.password).status == "enrol"
    with factory(read_only=True) as uow:
        entry = uow.audit.find([AuditAction.USER_CHANGED])[-1].entry
    assert (entry.actor, entry.target, dict(entry.details)) == (
        me.user_id, created.user.id, {"change": "mfa-reset", "sessions_ended": "1"})
    with pytest.raises(ServiceError) as own:
        admin.reset_second_factor(me, me.user_id)
    assert own.value.code == "conflict"
    with pytest.raises(ServiceError) as absent:
        admin.reset_second_factor(me, "f" * 32)
    assert absent.value.code == "not_found"


class CountingFactory(InMemoryUnitOfWorkFactory):
    """Counts the units of work opened, to show what happens in one transaction."""

    opened = 0

    def __call__(self, *, read_only: bool = False) -> Any:
        self.opened += 1
        return super().__call__(read_only=read_only)


def test_a_reset_of_a_locked_user_is_one_transaction_and_answers_the_account_after_it() -> None:
    factory, clock = CountingFactory(), FixedClock(NOW)
    audit = make_audit(factory, clock)
    accounts = AccountService(uow_factory=factory, hasher=FakeHasher(),
                              secret_box=AesGcmSecretBox(bytes(32)), clock=clock,
                              session_ttl_s=3600, audit=audit)
    admin, me = UserAdmin(uow_factory=factory, accounts=accounts, audit=audit), Principal(
        user_id="root", username="root", roles=frozenset({"admin"}),
        permissions=permissions_of(frozenset({"admin"})), scope=EVERYWHERE)
    created = admin.create(me, username="fay", roles=frozenset({Role.REVIEWER}),
                           regions=EVERYWHERE)
    enrol(accounts, username="fay", password=created.password, clock=clock)
    for _ in range(5):
        with pytest.raises(ServiceError):
            accounts.login(username="fay", password="not-the-password")
    locked = next(u for u in admin.users(me) if u.username == "fay")
    assert locked.second_factor
    assert locked.locked_until is not None
    before = factory.opened
    summary = admin.reset_second_factor(me, created.user.id)
    assert factory.opened - before == 1
    assert (summary.second_factor, summary.locked_until) == (False, None)


def test_an_admin_ends_another_users_sessions() -> None:
    admin, accounts, _, me = make_admin()
    created = admin.create(me, username="dan", roles=frozenset({Role.REVIEWER}),
                           regions=EVERYWHERE)
    session = enrol(accounts, username="dan", password=created.password,
                    clock=FixedClock(NOW)).session
    assert admin.end_sessions(me, created.user.id) == 1
    assert accounts.resolve(session.token) is None
    assert admin.users(me)[0].second_factor  # the second factor stays
    with pytest.raises(ServiceError) as absent:
        admin.end_sessions(me, "f" * 32)
    assert absent.value.code == "not_found"


def test_only_user_managers_reset_factors_or_end_sessions() -> None:
    admin, _, _, me = make_admin()
    created = admin.create(me, username="eve", roles=frozenset({Role.SUPERVISOR}),
                           regions=EVERYWHERE)
    supervisor = Principal(user_id=created.user.id, username="eve",
                           roles=frozenset({"supervisor"}),
                           permissions=permissions_of(frozenset({"supervisor"})),
                           scope=EVERYWHERE)
    for act in (admin.reset_second_factor, admin.end_sessions):
        with pytest.raises(ServiceError) as refused:
            act(supervisor, me.user_id)
        assert refused.value.code == "forbidden"
