"""Admins list, create and change accounts; they cannot lock themselves out."""

from __future__ import annotations

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
