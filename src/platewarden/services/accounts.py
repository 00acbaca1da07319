"""Users, passwords, the TOTP second factor, lockout and bearer-token sessions.

A login has two steps. The password step never yields a session: it yields a short-lived,
single-use challenge token that can only be exchanged, with a TOTP (or recovery) code, for a
session. A user without an authenticator enrols in that second step. The challenges and the
codes they take are ``login_challenges``; this module decides, audits and opens sessions.
"""

from __future__ import annotations

import dataclasses
import secrets
import uuid
from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from platewarden.domain.access import RegionScope, Role, permissions_of
from platewarden.domain.audit import AuditAction
from platewarden.services.audit import AuditService
from platewarden.services.credentials import (
    Enrolled,
    IssuedToken,
    LoginStep,
    Principal,
    SessionChannel,
    bad_code,
    bad_credentials,
    check_password_strength,
    token_digest,
)
from platewarden.services.errors import ServiceError
from platewarden.services.login_challenges import ENROL, MFA, LoginChallenges, may_try
from platewarden.services.ports import PasswordHasher, SecretBox
from platewarden.services.second_factor import after_failure, guard_is_locked
from platewarden.services.unit_of_work import (
    Challenge,
    LoginGuard,
    Session,
    UnitOfWork,
    UnitOfWorkFactory,
    User,
)

__all__ = ["AccountService", "Enrolled", "IssuedToken", "LoginStep", "Principal",
           "check_password_strength"]


class AccountService:
    """Creates users, logs them in with two factors and resolves bearer tokens."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher,
                 secret_box: SecretBox, clock: Callable[[], datetime], session_ttl_s: int,
                 api_token_ttl_s: int = 3600, audit: AuditService | None = None) -> None:
        self._uow_factory = uow_factory
        self._audit = audit
        self._hasher = hasher
        self._challenges = LoginChallenges(secret_box=secret_box)
        self._clock = clock
        self._ttl = timedelta(seconds=session_ttl_s)
        self._api_ttl = min(self._ttl, timedelta(seconds=api_token_ttl_s))
        # Verifying against this when the user does not exist makes a login for an unknown
        # name cost the same as one with a wrong password.
        self._decoy_hash = hasher.hash(secrets.token_urlsafe(16))

    def create_user(self, *, username: str, password: str, roles: frozenset[Role],
                    regions: RegionScope, actor: str = "system") -> User:
        """Create a user; the password must not be weak. The user enrols TOTP at first login.

        ``regions`` is what the user may see: nothing is granted by default.
        """
        check_password_strength(password)
        user = User(id=uuid.uuid4().hex, username=username,
                    password_hash=self._hasher.hash(password),
                    roles=frozenset(r.value for r in roles), regions=regions.codes)
        with self._uow_factory() as uow:
            if uow.accounts.user_by_name(username) is not None:
                raise ServiceError("conflict", f"User {username} already exists.")
            uow.accounts.add_user(user, created_at=self._clock())
            self._record(uow, actor=actor, action=AuditAction.USER_CREATED, target=user.id,
                         details={"roles": ",".join(sorted(user.roles)),
                                  "regions": ",".join(sorted(user.regions))})
            uow.commit()
        return user

    def exists(self, username: str) -> bool:
        """Whether a user with this name exists."""
        with self._uow_factory(read_only=True) as uow:
            return uow.accounts.user_by_name(username) is not None

    def usernames(self, user_ids: Iterable[str]) -> dict[str, str]:
        """User names by id, for the ids that name a user (others are cameras, "system" ...)."""
        with self._uow_factory(read_only=True) as uow:
            users = (uow.accounts.user(i) for i in set(user_ids))
            return {u.id: u.username for u in users if u is not None}

    def login(self, *, username: str, password: str) -> LoginStep:
        """Check the password; on success, the challenge for the second factor.

        Raises:
            ServiceError: ``invalid_credentials`` for an unknown user, a wrong password, a
                disabled or a locked account alike.
        """
        with self._uow_factory(read_only=True) as uow:
            user = uow.accounts.user_by_name(username)
        encoded = user.password_hash if user is not None else self._decoy_hash
        valid = self._hasher.verify(encoded, password)
        now = self._clock()
        step: LoginStep | None = None
        with self._uow_factory() as uow:
            if user is not None and valid and may_try(user, at=now):
                # The failure count is not reset here: only a whole login (with the code)
                # resets it, or knowing the password would allow unlimited code guesses.
                step = self._challenges.issue(uow, user, at=now)
            else:
                self._note_failure(uow, user.id if user else None, at=now)
            uow.commit()
        if step is None:
            raise bad_credentials()
        return step

    def complete_enrolment(self, *, token: str, code: str,
                           channel: SessionChannel = SessionChannel.API) -> Enrolled:
        """Confirm the authenticator set up at login with its current code.

        The session opens ``channel`` only: API sessions are short-lived bearer tokens,
        console sessions live in a cookie for the configured session lifetime.
        """
        now = self._clock()
        outcome: Enrolled | None = None
        with self._uow_factory() as uow:
            challenge = uow.accounts.take_challenge(token_digest(token))
            user = self._challenges.user_for(uow, challenge, purpose=ENROL, at=now)
            if user is not None and challenge is not None and user.mfa is None:
                outcome = self._enrol(uow, user, challenge, code, at=now, channel=channel)
            if outcome is None:
                self._note_failure(uow, challenge.user_id if challenge else None, at=now)
            uow.commit()
        if outcome is None:
            raise bad_code()
        return outcome

    def verify_mfa(self, *, token: str, code: str,
                   channel: SessionChannel = SessionChannel.API) -> IssuedToken:
        """Exchange a login challenge and a TOTP or recovery code for a session.

        ``channel`` as for ``complete_enrolment``.
        """
        now = self._clock()
        issued: IssuedToken | None = None
        with self._uow_factory() as uow:
            challenge = uow.accounts.take_challenge(token_digest(token))
            user = self._challenges.user_for(uow, challenge, purpose=MFA, at=now)
            if user is not None and self._challenges.prove(uow, user, code, at=now):
                issued = self._open_session(uow, user, at=now, channel=channel)
            else:
                self._note_failure(uow, challenge.user_id if challenge else None, at=now)
            uow.commit()
        if issued is None:
            raise bad_code()
        return issued

    def resolve(self, token: str, *,
                channel: SessionChannel | None = None) -> Principal | None:
        """The principal behind a session token, or ``None`` if it is unknown, expired or
        (given ``channel``) of the other channel."""
        with self._uow_factory(read_only=True) as uow:
            session = uow.accounts.session(token_digest(token))
            if session is None or session.expires_at <= self._clock():
                return None
            if channel is not None and session.channel != channel.value:
                return None
            user = uow.accounts.user(session.user_id)
        if user is None or not user.enabled:
            return None
        return Principal(user_id=user.id, username=user.username, roles=user.roles,
                         permissions=permissions_of(user.roles),
                         scope=RegionScope.of(user.regions))

    def logout(self, token: str) -> None:
        """End the session of ``token``."""
        digest = token_digest(token)
        with self._uow_factory() as uow:
            session = uow.accounts.session(digest)
            uow.accounts.delete_session(digest)
            if session is not None:
                self._record(uow, actor=session.user_id, action=AuditAction.LOGOUT,
                             target=session.user_id)
            uow.commit()

    def change_password(self, *, token: str, old_password: str, new_password: str) -> int:
        """Change the password of the session's user and end their other sessions.

        Returns:
            How many other sessions ended.
        """
        principal = self.resolve(token)
        if principal is None:
            raise ServiceError("unauthenticated", "Log in first.")
        with self._uow_factory(read_only=True) as uow:
            user = uow.accounts.user(principal.user_id)
        if user is None or not self._hasher.verify(user.password_hash, old_password):
            with self._uow_factory() as uow:
                self._note_failure(uow, principal.user_id, at=self._clock())
                uow.commit()
            raise ServiceError("invalid_credentials", "The current password is wrong.")
        check_password_strength(new_password)
        if new_password == old_password:
            raise ServiceError("weak_password", "Choose a password you have not used here.")
        with self._uow_factory() as uow:
            uow.accounts.set_password(user.id, self._hasher.hash(new_password))
            ended = uow.accounts.delete_sessions(user.id, keep=token_digest(token))
            # A login half done with the old password must not finish either.
            uow.accounts.delete_challenges(user.id)
            self._record(uow, actor=user.id, action=AuditAction.USER_CHANGED, target=user.id,
                         details={"change": "password", "sessions_ended": str(ended)})
            uow.commit()
        return ended

    def revoke_all_sessions(self, *, user_id: str, actor: str) -> int:
        """End every session of ``user_id`` (this one too); returns how many ended."""
        with self._uow_factory() as uow:
            ended = uow.accounts.delete_sessions(user_id)
            uow.accounts.delete_challenges(user_id)
            self._record(uow, actor=actor, action=AuditAction.USER_CHANGED, target=user_id,
                         details={"change": "sessions-revoked", "sessions_ended": str(ended)})
            uow.commit()
        return ended

    def reset_mfa(self, *, username: str | None = None, user_id: str | None = None,
                  actor: str = "system") -> User:
        """Forget a user's authenticator (lost phone): they enrol again at next login.

        The user is named by ``username`` or ``user_id``. Their sessions end and their lock
        is lifted, since an administrator vouched for them.

        Returns:
            The user as stored after the reset.

        Raises:
            ServiceError: ``not_found`` when there is no such user.
        """
        with self._uow_factory() as uow:
            user = (uow.accounts.user_by_name(username) if username is not None
                    else uow.accounts.user(user_id or ""))
            if user is None:
                raise ServiceError("not_found", "No such user.")
            uow.accounts.set_second_factor(user.id, None)
            uow.accounts.set_guard(user.id, LoginGuard())
            ended = uow.accounts.delete_sessions(user.id)
            uow.accounts.delete_challenges(user.id)
            self._record(uow, actor=actor, action=AuditAction.USER_CHANGED, target=user.id,
                         details={"change": "mfa-reset", "sessions_ended": str(ended)})
            uow.commit()
        return dataclasses.replace(user, mfa=None, guard=LoginGuard())

    def _enrol(self, uow: UnitOfWork, user: User, challenge: Challenge, code: str, *,
               at: datetime, channel: SessionChannel) -> Enrolled | None:
        codes = self._challenges.enrol(uow, user, challenge, code, at=at)
        if codes is None:
            return None
        self._record(uow, actor=user.id, action=AuditAction.USER_CHANGED, target=user.id,
                     details={"change": "mfa-enrolled"})
        return Enrolled(session=self._open_session(uow, user, at=at, channel=channel),
                        recovery_codes=codes)

    def _open_session(self, uow: UnitOfWork, user: User, *, at: datetime,
                      channel: SessionChannel) -> IssuedToken:
        if user.guard != LoginGuard():
            uow.accounts.set_guard(user.id, LoginGuard())
        token = secrets.token_urlsafe(32)
        expires = at + (self._api_ttl if channel is SessionChannel.API else self._ttl)
        uow.accounts.add_session(Session(token_sha256=token_digest(token), user_id=user.id,
                                         expires_at=expires, channel=channel.value),
                                 created_at=at)
        self._record(uow, actor=user.id, action=AuditAction.LOGIN, target=user.id)
        return IssuedToken(token=token, expires_at=expires)

    def _note_failure(self, uow: UnitOfWork, user_id: str | None, *, at: datetime) -> None:
        # The name typed is not recorded: it may be a password typed into the wrong field.
        user = uow.accounts.user_for_update(user_id) if user_id is not None else None
        details: dict[str, str] = {}
        if user is not None and may_try(user, at=at):
            guard = after_failure(user.guard, at=at)
            uow.accounts.set_guard(user.id, guard)
            if guard.locked_until is not None and guard_is_locked(guard, at=at):
                details["locked_until"] = guard.locked_until.isoformat()
        actor = user_id or "unknown"
        self._record(uow, actor=actor, action=AuditAction.LOGIN_FAILED, target=actor,
                     details=details)

    def _record(self, uow: UnitOfWork, *, actor: str, action: AuditAction, target: str,
                details: dict[str, str] | None = None) -> None:
        if self._audit is not None:
            self._audit.record(uow, actor=actor, action=action, target=target, details=details)
