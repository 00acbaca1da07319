"""Issuing notices: one per confirmed violation, with the fine in force and the keeper.

The keeper is asked of the vehicle registry only once a violation is confirmed, and outside
the writing transaction (the national registry is a remote call); the notice is then added
under a unique key on the violation, so two issuers racing for one violation make one notice.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo

from platewarden.domain.audit import AuditAction
from platewarden.domain.fines import FineSchedule, NotFineable, Offence, assess, local_day
from platewarden.domain.fines import schedule_in_force as in_force
from platewarden.domain.notices import NOTICE_LANGUAGES, Addressee, Notice, notice_number
from platewarden.domain.violations import Violation, ViolationStatus
from platewarden.services.audit import AuditService
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.notice_ports import (
    NoticeUnitOfWork,
    NoticeUnitOfWorkFactory,
    VehicleRegistry,
)

_ATTEMPTS = 5  # fresh random numbers after a collision (vanishingly rare)


@dataclass(frozen=True, slots=True, kw_only=True)
class NoticePolicy:
    """The fine schedules, the legal time zone and the default language."""

    schedules: tuple[FineSchedule, ...]
    tz: tzinfo
    language: str = "uz"


@dataclass(frozen=True, slots=True, kw_only=True)
class IssueReport:
    """What one ``issue_pending`` run did."""

    issued: tuple[str, ...]
    not_fineable: tuple[str, ...]


def random_digits(count: int) -> str:
    """``count`` uniformly random decimal digits."""
    return "".join(secrets.choice("0123456789") for _ in range(count))


def verification_code() -> str:
    """80 random bits in Crockford-free base32, grouped: ``ABCD-EFGH-IJKL-MNOP``."""
    text = base64.b32encode(secrets.token_bytes(10)).decode()
    return "-".join(text[i:i + 4] for i in range(0, 16, 4))


class NoticeService:
    """Issues notices for confirmed violations."""

    def __init__(self, *, uow_factory: NoticeUnitOfWorkFactory, registry: VehicleRegistry,
                 audit: AuditService, clock: Callable[[], datetime],
                 policy: NoticePolicy) -> None:
        self._uow_factory = uow_factory
        self._registry = registry
        self._audit = audit
        self._clock = clock
        self.policy = policy

    def issue_pending(self, *, actor: str, limit: int = 1000,
                      language: str | None = None) -> IssueReport:
        """Issue a notice for every confirmed violation that has none yet."""
        with self._uow_factory(read_only=True) as uow:
            pending = uow.notices.confirmed_without_notice(limit=limit)
        issued: list[str] = []
        skipped: list[str] = []
        for violation_id in pending:
            try:
                issued.append(self.issue(violation_id, actor=actor, language=language).number)
            except NotFineable:
                skipped.append(violation_id)
        return IssueReport(issued=tuple(issued), not_fineable=tuple(skipped))

    def issue(self, violation_id: str, *, actor: str, language: str | None = None) -> Notice:
        """The violation's notice: the existing one, or a new one.

        A new notice is in ``language`` if given, else in the keeper's language where the
        registry has one, else in the installation's default.

        Raises:
            NotFound: No such violation.
            ServiceError: ``conflict`` if the violation is not confirmed.
            NotFineable: The schedule sets no fine for it.
        """
        if language and language not in NOTICE_LANGUAGES:
            raise ServiceError("invalid_field",
                               f"language is one of {', '.join(NOTICE_LANGUAGES)}")
        with self._uow_factory(read_only=True) as uow:
            violation = _confirmed(uow, violation_id)
            existing = uow.notices.for_violation(violation_id)
        if existing is not None:
            return existing
        keeper = self._registry.keeper_at(violation.plate_key,
                                          on=local_day(violation.occurred_at, self.policy.tz))
        # Asked for, else the keeper's own (the registry's), else the installation's.
        own = keeper.language if keeper and keeper.language in NOTICE_LANGUAGES else None
        language = language or own or self.policy.language
        for _ in range(_ATTEMPTS):
            notice = self._try_add(violation_id, keeper=keeper, actor=actor, language=language)
            if notice is not None:
                return notice
        raise ServiceError("conflict", "Could not allocate a notice number; try again.")

    def _try_add(self, violation_id: str, *, keeper: Addressee | None, actor: str,
                 language: str) -> Notice | None:
        with self._uow_factory() as uow:
            violation = _confirmed(uow, violation_id)
            existing = uow.notices.for_violation(violation_id)
            if existing is not None:
                return existing
            now = self._clock()
            notice = Notice(
                number=notice_number(year=local_day(now, self.policy.tz).year,
                                     random_digits=random_digits(9)),
                violation_id=violation.id, plate_key=violation.plate_key,
                verification_code=verification_code(),
                payment_reference=random_digits(15), language=language, issued_at=now,
                fine=assess(self._offence(uow, violation, now), self.policy.schedules,
                            issued_at=now, tz=self.policy.tz),
                addressee=keeper)
            if not uow.notices.add_if_absent(notice):
                return uow.notices.for_violation(violation_id)  # None: a number collided
            self._audit.record(uow, actor=actor, action=AuditAction.NOTICE_ISSUED,
                               target=notice.number, details={
                                   "violation": violation.id, "schedule": notice.fine.schedule_id,
                                   "amount_som": str(notice.fine.amount_som),
                                   "keeper_known": str(keeper is not None).lower()})
            uow.commit()
            return notice

    def _offence(self, uow: NoticeUnitOfWork, violation: Violation, now: datetime) -> Offence:
        schedule = in_force(self.policy.schedules, at=violation.occurred_at, tz=self.policy.tz)
        window = timedelta(days=schedule.repeat_window_days)
        earlier = uow.notices.count_for_plate(violation.plate_key,
                                              start=violation.occurred_at - window, end=now)
        return Offence(type=violation.type, occurred_at=violation.occurred_at,
                       measured=violation.measured, limit=violation.limit,
                       earlier_fines=earlier)

    def notices_for(self, violation_ids: Sequence[str]) -> list[Notice]:
        """The notices of ``violation_ids`` that have one."""
        with self._uow_factory(read_only=True) as uow:
            found = [uow.notices.for_violation(v) for v in violation_ids]
        return [n for n in found if n is not None]


def _confirmed(uow: NoticeUnitOfWork, violation_id: str) -> Violation:
    violation = uow.violations.get(violation_id)
    if violation is None:
        raise NotFound("No such violation.")
    if violation.status is not ViolationStatus.CONFIRMED:
        raise ServiceError("conflict", "Only confirmed violations get a notice.")
    return violation
