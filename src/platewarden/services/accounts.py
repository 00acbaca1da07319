"""Users, passwords and bearer-token sessions."""

from __future__ import annotations

import hashlib
import secrets
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from platewarden.domain.access import Permission, Role, permissions_of
from platewarden.domain.audit import AuditAction
from platewarden.services.audit import AuditService
from platewarden.services.errors import ServiceError
from platewarden.services.ports import PasswordHasher
from platewarden.services.unit_of_work import Session, UnitOfWorkFactory, User

WEAK_PASSWORDS = frozenset({"admin", "password", "changeme", "change-me", "secret",
                            "platewarden", "123456", "12345678", "qwerty", "letmein"})
MIN_PASSWORD_LENGTH = 12


@dataclass(frozen=True, slots=True, kw_only=True)
class Principal:
    """The authenticated caller of an operator route."""

    user_id: str
    username: str
    roles: frozenset[str]
    permissions: frozenset[Permission]


@dataclass(frozen=True, slots=True, kw_only=True)
class IssuedToken:
    """A bearer token, shown to its owner once."""

    token: str
    expires_at: datetime


def check_password_strength(password: str) -> None:
    """Refuse placeholder and short passwords with a reason a person understands."""
    if password.strip().lower() in WEAK_PASSWORDS or "changeme" in password.lower():
        raise ServiceError("weak_password", "That password is a well-known placeholder.")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise ServiceError("weak_password",
                           f"Passwords need at least {MIN_PASSWORD_LENGTH} characters.")


def _token_digest(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class AccountService:
    """Creates users, logs them in and resolves bearer tokens."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, hasher: PasswordHasher,
                 clock: Callable[[], datetime], session_ttl_s: int,
                 audit: AuditService | None = None) -> None:
        self._uow_factory = uow_factory
        self._audit = audit
        self._hasher = hasher
        self._clock = clock
        self._ttl = timedelta(seconds=session_ttl_s)
        # Verifying against this when the user does not exist makes a login for an unknown
        # name cost the same as one with a wrong password.
        self._decoy_hash = hasher.hash(secrets.token_urlsafe(16))

    def create_user(self, *, username: str, password: str, roles: frozenset[Role]) -> User:
        """Create a user; the password must not be weak."""
        check_password_strength(password)
        user = User(id=uuid.uuid4().hex, username=username,
                    password_hash=self._hasher.hash(password),
                    roles=frozenset(r.value for r in roles))
        with self._uow_factory() as uow:
            if uow.accounts.user_by_name(username) is not None:
                raise ServiceError("conflict", f"User {username} already exists.")
            uow.accounts.add_user(user, created_at=self._clock())
            if self._audit is not None:
                self._audit.record(uow, actor="system", action=AuditAction.USER_CREATED,
                                   target=user.id, details={"roles": ",".join(sorted(user.roles))})
            uow.commit()
        return user

    def exists(self, username: str) -> bool:
        """Whether a user with this name exists."""
        with self._uow_factory(read_only=True) as uow:
            return uow.accounts.user_by_name(username) is not None

    def login(self, *, username: str, password: str) -> IssuedToken:
        """A new session token for valid credentials; one error for every failure."""
        with self._uow_factory(read_only=True) as uow:
            user = uow.accounts.user_by_name(username)
        encoded = user.password_hash if user is not None else self._decoy_hash
        valid = self._hasher.verify(encoded, password)
        if user is None or not valid or not user.enabled:
            self._record_failed_login(user)
            raise ServiceError("invalid_credentials", "Wrong user name or password.")
        token = secrets.token_urlsafe(32)
        expires = self._clock() + self._ttl
        with self._uow_factory() as uow:
            uow.accounts.add_session(Session(token_sha256=_token_digest(token),
                                             user_id=user.id, expires_at=expires),
                                     created_at=self._clock())
            if self._audit is not None:
                self._audit.record(uow, actor=user.id, action=AuditAction.LOGIN,
                                   target=user.id)
            uow.commit()
        return IssuedToken(token=token, expires_at=expires)

    def _record_failed_login(self, user: User | None) -> None:
        # The name typed is not recorded: it may be a password typed into the wrong field.
        if self._audit is None:
            return
        actor = user.id if user is not None else "unknown"
        with self._uow_factory() as uow:
            self._audit.record(uow, actor=actor, action=AuditAction.LOGIN_FAILED, target=actor)
            uow.commit()

    def resolve(self, token: str) -> Principal | None:
        """The principal behind a bearer token, or ``None`` if it is unknown or expired."""
        with self._uow_factory(read_only=True) as uow:
            session = uow.accounts.session(_token_digest(token))
            if session is None or session.expires_at <= self._clock():
                return None
            user = uow.accounts.user(session.user_id)
        if user is None or not user.enabled:
            return None
        return Principal(user_id=user.id, username=user.username, roles=user.roles,
                         permissions=permissions_of(user.roles))

    def logout(self, token: str) -> None:
        """End the session of ``token``."""
        digest = _token_digest(token)
        with self._uow_factory() as uow:
            session = uow.accounts.session(digest) if self._audit is not None else None
            uow.accounts.delete_session(digest)
            if self._audit is not None and session is not None:
                self._audit.record(uow, actor=session.user_id, action=AuditAction.LOGOUT,
                                   target=session.user_id)
            uow.commit()
