"""Users, sessions and login challenges in plain dicts."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import datetime

from platewarden.adapters.memory.state import IntegrityViolation, Transaction, stored_time
from platewarden.services.unit_of_work import (
    Challenge,
    LoginGuard,
    SecondFactor,
    Session,
    User,
)


def _stored_guard(guard: LoginGuard) -> LoginGuard:
    if guard.locked_until is None:
        return guard
    return dataclasses.replace(guard, locked_until=stored_time(guard.locked_until))


class MemoryAccounts:
    """Users, their sessions and half-finished logins."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def add_user(self, user: User, *, created_at: datetime) -> None:
        state = self._tx.write()
        if user.id in state.users or self.user_by_name(user.username) is not None:
            raise IntegrityViolation(f"user {user.username} exists")
        state.users[user.id] = dataclasses.replace(user, guard=_stored_guard(user.guard))

    def user_by_name(self, username: str) -> User | None:
        return next((u for u in self._tx.read().users.values() if u.username == username),
                    None)

    def user(self, user_id: str) -> User | None:
        return self._tx.read().users.get(user_id)

    def _change(self, user_id: str, **changes: object) -> None:
        if user_id in self._tx.read().users:
            users = self._tx.write().users
            users[user_id] = dataclasses.replace(users[user_id], **changes)  # type: ignore[arg-type]

    def user_for_update(self, user_id: str) -> User | None:
        return self.user(user_id)  # the fake has one writer at a time

    def users(self) -> list[User]:
        return sorted(self._tx.read().users.values(), key=lambda u: u.username)

    def set_access(self, user_id: str, *, roles: frozenset[str], regions: frozenset[str],
                   enabled: bool) -> None:
        self._change(user_id, roles=frozenset(roles), regions=frozenset(regions),
                     enabled=enabled)

    def set_password(self, user_id: str, password_hash: str) -> None:
        self._change(user_id, password_hash=password_hash)

    def set_second_factor(self, user_id: str, factor: SecondFactor | None) -> None:
        self._change(user_id, mfa=factor)

    def set_guard(self, user_id: str, guard: LoginGuard) -> None:
        self._change(user_id, guard=_stored_guard(guard))

    def add_session(self, session: Session, *, created_at: datetime) -> None:
        state = self._tx.write()
        if session.token_sha256 in state.sessions:
            raise IntegrityViolation("session exists")
        if session.user_id not in state.users:
            raise IntegrityViolation(f"user {session.user_id} does not exist")
        state.sessions[session.token_sha256] = dataclasses.replace(
            session, expires_at=stored_time(session.expires_at))

    def session(self, token_sha256: str) -> Session | None:
        return self._tx.read().sessions.get(token_sha256)

    def delete_session(self, token_sha256: str) -> None:
        if token_sha256 in self._tx.read().sessions:
            del self._tx.write().sessions[token_sha256]

    def delete_sessions(self, user_id: str, *, keep: str | None = None) -> int:
        doomed = [digest for digest, s in self._tx.read().sessions.items()
                  if s.user_id == user_id and digest != keep]
        if doomed:
            sessions = self._tx.write().sessions
            for digest in doomed:
                del sessions[digest]
        return len(doomed)

    def add_challenge(self, challenge: Challenge, *, created_at: datetime) -> None:
        state = self._tx.write()
        if challenge.token_sha256 in state.challenges:
            raise IntegrityViolation("challenge exists")
        if challenge.user_id not in state.users:
            raise IntegrityViolation(f"user {challenge.user_id} does not exist")
        state.challenges[challenge.token_sha256] = dataclasses.replace(
            challenge, expires_at=stored_time(challenge.expires_at))

    def take_challenge(self, token_sha256: str) -> Challenge | None:
        if token_sha256 not in self._tx.read().challenges:
            return None
        return self._tx.write().challenges.pop(token_sha256)

    def prune_challenges(self, *, before: datetime) -> int:
        return self._drop_challenges(lambda c: c.expires_at < before)

    def delete_challenges(self, user_id: str) -> int:
        return self._drop_challenges(lambda c: c.user_id == user_id)

    def _drop_challenges(self, doomed_if: Callable[[Challenge], bool]) -> int:
        doomed = [digest for digest, c in self._tx.read().challenges.items() if doomed_if(c)]
        if doomed:
            challenges = self._tx.write().challenges
            for digest in doomed:
                del challenges[digest]
        return len(doomed)
