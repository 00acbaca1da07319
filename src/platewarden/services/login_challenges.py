"""The step between the password and a session: single-use challenges and the codes they take.

The password step never yields a session, only a challenge token valid for
``CHALLENGE_TTL``: to enrol an authenticator (for a user without one; the new TOTP secret
travels sealed in the challenge until a code proves the app holds it) or to prove the one
enrolled. ``LoginChallenges`` issues those challenges and checks codes against them, inside
the caller's unit of work; ``AccountService`` opens the session and counts the failures.
"""

from __future__ import annotations

import secrets
from datetime import datetime, timedelta

from platewarden.domain.totp import matching_step
from platewarden.services.credentials import LoginStep, token_digest
from platewarden.services.ports import SecretBox, SecretBoxError
from platewarden.services.second_factor import (
    ISSUER,
    accept_code,
    encode_secret,
    guard_is_locked,
    new_recovery_codes,
    new_totp_secret,
    otpauth_uri,
    recovery_digest,
)
from platewarden.services.unit_of_work import Challenge, SecondFactor, UnitOfWork, User

CHALLENGE_TTL = timedelta(minutes=5)
ENROL, MFA = "enrol", "mfa"


def may_try(user: User, *, at: datetime) -> bool:
    """Whether ``user`` may attempt a login at ``at``: enabled and not locked out."""
    return user.enabled and not guard_is_locked(user.guard, at=at)


class LoginChallenges:
    """Issues second-step challenges and checks the codes sent with them."""

    def __init__(self, *, secret_box: SecretBox) -> None:
        self._box = secret_box

    def issue(self, uow: UnitOfWork, user: User, *, at: datetime) -> LoginStep:
        """A new challenge for ``user``, added in ``uow`` (the caller commits).

        A user without an authenticator is asked to enrol one and gets a fresh secret.
        """
        token = secrets.token_urlsafe(32)
        expires = at + CHALLENGE_TTL
        secret = new_totp_secret() if user.mfa is None else None
        sealed = self._box.seal(secret, context=user.id.encode()) if secret else None
        uow.accounts.prune_challenges(before=at)
        uow.accounts.add_challenge(Challenge(
            token_sha256=token_digest(token), user_id=user.id,
            purpose=ENROL if secret else MFA, expires_at=expires, sealed_secret=sealed),
            created_at=at)
        if secret is None:
            return LoginStep(status=MFA, token=token, expires_at=expires)
        return LoginStep(status=ENROL, token=token, expires_at=expires,
                         secret=encode_secret(secret),
                         otpauth_uri=otpauth_uri(secret, account=user.username, issuer=ISSUER))

    def user_for(self, uow: UnitOfWork, challenge: Challenge | None, *, purpose: str,
                 at: datetime) -> User | None:
        """The user a taken challenge is for, locked for update.

        ``None`` when there is no challenge, it is for the other purpose or expired, or the
        user may not try now (disabled, locked out).
        """
        if challenge is None or challenge.purpose != purpose or challenge.expires_at <= at:
            return None
        user = uow.accounts.user_for_update(challenge.user_id)
        return user if user is not None and may_try(user, at=at) else None

    def enrol(self, uow: UnitOfWork, user: User, challenge: Challenge, code: str, *,
              at: datetime) -> tuple[str, ...] | None:
        """Store the authenticator of an enrolment challenge if ``code`` proves it.

        Returns:
            The user's new recovery codes, or ``None`` when the code does not match.
        """
        sealed = challenge.sealed_secret
        secret = self._secret(sealed, user.id) if sealed else None
        step = matching_step(secret, code, at=at) if secret else None
        if sealed is None or step is None:
            return None
        codes = new_recovery_codes()
        uow.accounts.set_second_factor(user.id, SecondFactor(
            sealed_secret=sealed, last_step=step,
            recovery_sha256=frozenset(recovery_digest(c) for c in codes)))
        return codes

    def prove(self, uow: UnitOfWork, user: User, code: str, *, at: datetime) -> bool:
        """Whether ``code`` (TOTP or recovery) proves ``user``'s authenticator.

        An accepted code is used up in ``uow``: its TOTP step cannot be replayed and a
        recovery code is gone.
        """
        if user.mfa is None:
            return False
        secret = self._secret(user.mfa.sealed_secret, user.id)
        factor = accept_code(user.mfa, secret, code, at=at) if secret else None
        if factor is None:
            return False
        uow.accounts.set_second_factor(user.id, factor)
        return True

    def _secret(self, sealed: bytes, user_id: str) -> bytes | None:
        try:
            return self._box.open(sealed, context=user_id.encode())
        except SecretBoxError:
            return None
