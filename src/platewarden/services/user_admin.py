"""Admins manage accounts: who exists, which roles and regions they hold, who is disabled.

Admins grant access but do not search reads themselves. An admin cannot take away their own
admin role or disable themselves, so an installation is never left without one by mistake.
Every change is audited (``user-changed`` with what changed); disabling ends the user's
sessions at once. Admins also reset another user's second factor (a lost phone) and end
another user's sessions (a lost laptop).
"""

from __future__ import annotations

import secrets
from dataclasses import dataclass
from datetime import datetime

from platewarden.domain.access import Permission, RegionScope, Role
from platewarden.domain.audit import AuditAction
from platewarden.services.accounts import AccountService
from platewarden.services.audit import AuditService
from platewarden.services.credentials import Principal
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.unit_of_work import UnitOfWorkFactory, User


@dataclass(frozen=True, slots=True, kw_only=True)
class UserSummary:
    """What an admin sees of an account: never its password hash or second-factor key."""

    id: str
    username: str
    roles: frozenset[str]
    regions: frozenset[str]
    enabled: bool
    second_factor: bool
    locked_until: datetime | None


@dataclass(frozen=True, slots=True, kw_only=True)
class CreatedUser:
    """A new account and its first password, shown to the admin once."""

    user: UserSummary
    password: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AccessChange:
    """What to change about an account; ``None`` leaves it as it is."""

    roles: frozenset[Role] | None = None
    regions: RegionScope | None = None
    enabled: bool | None = None


class UserAdmin:
    """Account administration for admins."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, accounts: AccountService,
                 audit: AuditService) -> None:
        self._uow_factory = uow_factory
        self._accounts = accounts
        self._audit = audit

    def users(self, principal: Principal) -> list[UserSummary]:
        """Every account, by name."""
        _require(principal)
        with self._uow_factory(read_only=True) as uow:
            return [_summary(u) for u in uow.accounts.users()]

    def create(self, principal: Principal, *, username: str, roles: frozenset[Role],
               regions: RegionScope) -> CreatedUser:
        """A new account with a generated password; the user enrols TOTP at first login."""
        _require(principal)
        password = secrets.token_urlsafe(18)
        user = self._accounts.create_user(username=username, password=password, roles=roles,
                                          regions=regions, actor=principal.user_id)
        return CreatedUser(user=_summary(user), password=password)

    def change(self, principal: Principal, user_id: str, change: AccessChange) -> UserSummary:
        """Change roles, regions or whether the account may log in.

        Raises:
            ServiceError: ``forbidden``; ``not_found``; ``conflict`` when an admin would
                remove their own admin role or disable themselves.
        """
        _require(principal)
        with self._uow_factory() as uow:
            user = uow.accounts.user(user_id)
            if user is None:
                raise NotFound("No such user.")
            roles = (frozenset(r.value for r in change.roles) if change.roles is not None
                     else user.roles)
            enabled = user.enabled if change.enabled is None else change.enabled
            if user_id == principal.user_id and (Role.ADMIN.value not in roles or not enabled):
                raise ServiceError("conflict", "You cannot remove your own admin role or "
                                   "disable yourself: ask another admin.")
            regions = change.regions.codes if change.regions is not None else user.regions
            uow.accounts.set_access(user_id, roles=roles, regions=regions, enabled=enabled)
            if not enabled:
                uow.accounts.delete_sessions(user_id)
                uow.accounts.delete_challenges(user_id)
            self._audit.record(uow, actor=principal.user_id, action=AuditAction.USER_CHANGED,
                               target=user_id, details={
                                   "change": "access", "roles": ",".join(sorted(roles)),
                                   "regions": ",".join(sorted(regions)),
                                   "enabled": str(enabled).lower()})
            updated = uow.accounts.user(user_id)
            uow.commit()
        assert updated is not None
        return _summary(updated)

    def reset_second_factor(self, principal: Principal, user_id: str) -> UserSummary:
        """Forget another user's authenticator and recovery codes (a lost phone).

        The user enrols again at their next login (their password still applies); their
        sessions end and any lockout is lifted. Confirm who is asking before doing it.

        Raises:
            ServiceError: ``forbidden``; ``not_found``; ``conflict`` for one's own account,
                so a stolen admin session cannot replace its owner's second factor.
        """
        _require(principal)
        if user_id == principal.user_id:
            raise ServiceError("conflict", "You cannot reset your own second factor: ask "
                               "another admin.")
        # One transaction: the summary is the account as this reset left it.
        return _summary(self._accounts.reset_mfa(user_id=user_id, actor=principal.user_id))

    def end_sessions(self, principal: Principal, user_id: str) -> int:
        """End every session of an account at once (a lost laptop); returns how many.

        Raises:
            ServiceError: ``forbidden``; ``not_found``.
        """
        _require(principal)
        self._one(user_id)
        return self._accounts.revoke_all_sessions(user_id=user_id, actor=principal.user_id)

    def _one(self, user_id: str) -> UserSummary:
        with self._uow_factory(read_only=True) as uow:
            user = uow.accounts.user(user_id)
        if user is None:
            raise NotFound("No such user.")
        return _summary(user)


def _summary(user: User) -> UserSummary:
    return UserSummary(id=user.id, username=user.username, roles=user.roles,
                       regions=user.regions, enabled=user.enabled,
                       second_factor=user.mfa is not None, locked_until=user.guard.locked_until)


def _require(principal: Principal) -> None:
    if Permission.USERS_MANAGE not in principal.permissions:
        raise ServiceError("forbidden", "Your role does not allow this.")
