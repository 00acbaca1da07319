"""Users, sessions and login challenges in SQL."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, insert, select, update

from platewarden.adapters.db import tables as t
from platewarden.domain.clock import from_us, to_us
from platewarden.services.unit_of_work import (
    Challenge,
    LoginGuard,
    SecondFactor,
    Session,
    User,
)


def _second_factor(row: Any) -> SecondFactor | None:
    if row.totp_secret is None:
        return None
    return SecondFactor(sealed_secret=bytes(row.totp_secret), last_step=int(row.totp_last_step),
                        recovery_sha256=frozenset(row.recovery_codes or ()))


def _user(row: Any) -> User:
    locked = from_us(row.locked_until_us) if row.locked_until_us is not None else None
    return User(id=row.id, username=row.username, password_hash=row.password_hash,
                roles=frozenset(row.roles), regions=frozenset(row.regions),
                enabled=bool(row.enabled),
                mfa=_second_factor(row),
                guard=LoginGuard(failures=int(row.failed_logins), locked_until=locked))


def _factor_values(factor: SecondFactor | None) -> dict[str, Any]:
    if factor is None:
        return {"totp_secret": None, "totp_last_step": None, "recovery_codes": None}
    return {"totp_secret": factor.sealed_secret, "totp_last_step": factor.last_step,
            "recovery_codes": sorted(factor.recovery_sha256)}


def _guard_values(guard: LoginGuard) -> dict[str, Any]:
    locked = to_us(guard.locked_until) if guard.locked_until is not None else None
    return {"failed_logins": guard.failures, "locked_until_us": locked}


class SqlAccounts:
    """Users, sessions and login challenges in SQL."""

    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def add_user(self, user: User, *, created_at: datetime) -> None:
        self._c.execute(insert(t.users).values(
            id=user.id, username=user.username, password_hash=user.password_hash,
            roles=sorted(user.roles), regions=sorted(user.regions), enabled=user.enabled,
            created_us=to_us(created_at),
            **_factor_values(user.mfa), **_guard_values(user.guard)))

    def user_by_name(self, username: str) -> User | None:
        row = self._c.execute(select(t.users).where(t.users.c.username == username)).first()
        return _user(row) if row else None

    def user(self, user_id: str) -> User | None:
        row = self._c.execute(select(t.users).where(t.users.c.id == user_id)).first()
        return _user(row) if row else None

    def user_for_update(self, user_id: str) -> User | None:
        """The user, its row locked until the transaction ends (PostgreSQL; SQLite's writer
        already holds the whole database), so concurrent logins cannot lose a failure count
        or accept one TOTP step twice."""
        row = self._c.execute(select(t.users).where(t.users.c.id == user_id)
                              .with_for_update()).first()
        return _user(row) if row else None

    def users(self) -> list[User]:
        rows = self._c.execute(select(t.users).order_by(t.users.c.username))
        return [_user(row) for row in rows]

    def set_access(self, user_id: str, *, roles: frozenset[str], regions: frozenset[str],
                   enabled: bool) -> None:
        self._c.execute(update(t.users).where(t.users.c.id == user_id).values(
            roles=sorted(roles), regions=sorted(regions), enabled=enabled))

    def set_password(self, user_id: str, password_hash: str) -> None:
        self._c.execute(update(t.users).where(t.users.c.id == user_id)
                        .values(password_hash=password_hash))

    def set_second_factor(self, user_id: str, factor: SecondFactor | None) -> None:
        self._c.execute(update(t.users).where(t.users.c.id == user_id)
                        .values(**_factor_values(factor)))

    def set_guard(self, user_id: str, guard: LoginGuard) -> None:
        self._c.execute(update(t.users).where(t.users.c.id == user_id)
                        .values(**_guard_values(guard)))

    def add_session(self, session: Session, *, created_at: datetime) -> None:
        self._c.execute(insert(t.sessions).values(
            token_sha256=session.token_sha256, user_id=session.user_id,
            created_us=to_us(created_at), expires_us=to_us(session.expires_at),
            channel=session.channel))

    def session(self, token_sha256: str) -> Session | None:
        s = t.sessions
        row = self._c.execute(select(s).where(s.c.token_sha256 == token_sha256)).first()
        if row is None:
            return None
        return Session(token_sha256=row.token_sha256, user_id=row.user_id,
                       expires_at=from_us(row.expires_us), channel=row.channel)

    def delete_session(self, token_sha256: str) -> None:
        self._c.execute(delete(t.sessions).where(t.sessions.c.token_sha256 == token_sha256))

    def delete_sessions(self, user_id: str, *, keep: str | None = None) -> int:
        s = t.sessions
        statement = delete(s).where(s.c.user_id == user_id)
        if keep is not None:
            statement = statement.where(s.c.token_sha256 != keep)
        return int(self._c.execute(statement).rowcount)

    def add_challenge(self, challenge: Challenge, *, created_at: datetime) -> None:
        self._c.execute(insert(t.login_challenges).values(
            token_sha256=challenge.token_sha256, user_id=challenge.user_id,
            purpose=challenge.purpose, sealed_secret=challenge.sealed_secret,
            created_us=to_us(created_at), expires_us=to_us(challenge.expires_at)))

    def take_challenge(self, token_sha256: str) -> Challenge | None:
        c = t.login_challenges
        row = self._c.execute(delete(c).where(c.c.token_sha256 == token_sha256)
                              .returning(*c.c)).first()
        if row is None:
            return None
        sealed = bytes(row.sealed_secret) if row.sealed_secret is not None else None
        return Challenge(token_sha256=row.token_sha256, user_id=row.user_id,
                         purpose=row.purpose, expires_at=from_us(row.expires_us),
                         sealed_secret=sealed)

    def delete_challenges(self, user_id: str) -> int:
        c = t.login_challenges
        return int(self._c.execute(delete(c).where(c.c.user_id == user_id)).rowcount)

    def prune_challenges(self, *, before: datetime) -> int:
        c = t.login_challenges
        return int(self._c.execute(delete(c).where(c.c.expires_us < to_us(before))).rowcount)
