"""The notice repository fake and a unit of work that carries it.

Notices live beside the core state, copied when a unit of work begins and published when it
commits; writers are serialised by the core fake's write lock, as in SQLite.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Self

from platewarden.adapters.memory.state import Transaction, in_regions, stored_time
from platewarden.adapters.memory.uow import InMemoryUnitOfWork, InMemoryUnitOfWorkFactory
from platewarden.domain.notices import OPEN, Notice, NoticeStatus, StatusChange
from platewarden.domain.violations import ViolationStatus
from platewarden.services.notice_ports import (
    Appeal,
    AppealAttachment,
    AppealStatus,
    Payment,
    PaymentOutcome,
)


@dataclass(slots=True)
class NoticeState:
    """Notices, their history, payments and appeals."""

    notices: dict[str, Notice] = field(default_factory=dict)
    events: list[StatusChange] = field(default_factory=list)
    payments: dict[tuple[str, str], Payment] = field(default_factory=dict)
    appeals: dict[str, Appeal] = field(default_factory=dict)
    attachments: dict[str, AppealAttachment] = field(default_factory=dict)

    def copy(self) -> NoticeState:
        """An independent copy holding the same immutable values."""
        return NoticeState(dict(self.notices), list(self.events), dict(self.payments),
                           dict(self.appeals), dict(self.attachments))


def _stored(notice: Notice) -> Notice:
    fine = dataclasses.replace(notice.fine, discount_until=stored_time(notice.fine.discount_until),
                               due_at=stored_time(notice.fine.due_at))
    return dataclasses.replace(notice, issued_at=stored_time(notice.issued_at), fine=fine)


class MemoryNotices:
    """``NoticeRepository`` over a :class:`NoticeState`."""

    def __init__(self, state: NoticeState, core: Transaction) -> None:
        self._s = state
        self._core = core

    def add_if_absent(self, notice: Notice) -> bool:
        taken = {(n.violation_id, n.verification_code, n.payment_reference)
                 for n in self._s.notices.values()}
        if self.for_violation(notice.violation_id) is not None or notice.number in \
                self._s.notices or any(notice.verification_code == c or
                                       notice.payment_reference == r for _, c, r in taken):
            return False
        self._s.notices[notice.number] = _stored(notice)
        return True

    def get(self, number: str) -> Notice | None:
        return self._s.notices.get(number)

    def find(self, *, status: NoticeStatus | None, camera_regions: frozenset[str] | None,
             limit: int, offset: int) -> list[Notice]:
        found = sorted((n for n in self._s.notices.values()
                        if (status is None or n.status is status)
                        and (camera_regions is None or self._in_regions(n, camera_regions))),
                       key=lambda n: n.number)
        found.sort(key=lambda n: n.issued_at, reverse=True)
        return found[offset:offset + limit]

    def for_violation(self, violation_id: str) -> Notice | None:
        return next((n for n in self._s.notices.values() if n.violation_id == violation_id),
                    None)

    def by_reference(self, reference: str) -> Notice | None:
        return next((n for n in self._s.notices.values() if n.payment_reference == reference),
                    None)

    def by_verification_code(self, code: str) -> Notice | None:
        return next((n for n in self._s.notices.values() if n.verification_code == code), None)

    def change_status(self, change: StatusChange, *, paid_som: int | None = None) -> bool:
        notice = self._s.notices.get(change.number)
        if notice is None or notice.status is not change.old:
            return False
        self._s.notices[change.number] = dataclasses.replace(
            notice, status=change.new, paid_som=notice.paid_som if paid_som is None else paid_som)
        self._s.events.append(dataclasses.replace(change, at=stored_time(change.at)))
        return True

    def history(self, number: str) -> list[StatusChange]:
        return [e for e in self._s.events if e.number == number]

    def count_for_plate(self, plate_key: str, *, start: datetime, end: datetime) -> int:
        return sum(1 for n in self._s.notices.values() if n.plate_key == plate_key
                   and start <= n.issued_at < end and n.status is not NoticeStatus.CANCELLED)

    def confirmed_without_notice(self, *, limit: int) -> list[str]:
        noticed = {n.violation_id for n in self._s.notices.values()}
        found = sorted((v.occurred_at, v.id) for v in self._core.read().violations.values()
                       if v.status is ViolationStatus.CONFIRMED and v.id not in noticed)
        return [vid for _, vid in found[:limit]]

    def due_before(self, at: datetime, *, limit: int) -> list[str]:
        due = sorted((n.fine.due_at, n.number) for n in self._s.notices.values()
                     if n.status in OPEN and n.status is not NoticeStatus.OVERDUE
                     and n.fine.due_at <= at)
        return [number for _, number in due[:limit]]

    def add_payment_if_absent(self, payment: Payment) -> bool:
        key = (payment.provider, payment.transaction_id)
        if key in self._s.payments:
            return False
        self._s.payments[key] = dataclasses.replace(payment,
                                                    paid_at=stored_time(payment.paid_at))
        return True

    def payments(self, *, outcome: PaymentOutcome | None,
                 camera_regions: frozenset[str] | None = None) -> list[Payment]:
        def in_scope(payment: Payment) -> bool:
            notice = self._s.notices.get(payment.notice_number or "")
            return camera_regions is None or notice is None or self._in_regions(
                notice, camera_regions)

        found = [p for p in self._s.payments.values()
                 if (outcome is None or p.outcome is outcome) and in_scope(p)]
        return sorted(found, key=lambda p: (p.paid_at, p.transaction_id))

    def payment(self, provider: str, transaction_id: str) -> Payment | None:
        return self._s.payments.get((provider, transaction_id))

    def resolve_payment(self, provider: str, transaction_id: str, *, outcome: PaymentOutcome,
                        notice_number: str | None) -> bool:
        current = self._s.payments.get((provider, transaction_id))
        if current is None or current.outcome is not PaymentOutcome.HELD:
            return False
        self._s.payments[(provider, transaction_id)] = dataclasses.replace(
            current, outcome=outcome, notice_number=notice_number)
        return True

    def add_appeal(self, appeal: Appeal) -> None:
        if appeal.id in self._s.appeals:
            raise ValueError("duplicate appeal id")
        self._s.appeals[appeal.id] = dataclasses.replace(appeal,
                                                         filed_at=stored_time(appeal.filed_at))

    def appeal(self, appeal_id: str) -> Appeal | None:
        return self._s.appeals.get(appeal_id)

    def appeals(self, *, status: AppealStatus | None, number: str | None = None,
                camera_regions: frozenset[str] | None = None) -> list[Appeal]:
        found = [a for a in self._s.appeals.values()
                 if (status is None or a.status is status)
                 and (number is None or a.number == number)
                 and (camera_regions is None or self._of_notice_in(a.number, camera_regions))]
        return sorted(found, key=lambda a: (a.filed_at, a.id))

    def _of_notice_in(self, number: str, camera_regions: frozenset[str]) -> bool:
        """Whether the notice ``number`` is stored and in ``camera_regions`` (as in SQL)."""
        notice = self._s.notices.get(number)
        return notice is not None and self._in_regions(notice, camera_regions)

    def _in_regions(self, notice: Notice, camera_regions: frozenset[str]) -> bool:
        """Whether ``notice`` is of a violation at a camera in ``camera_regions``."""
        core = self._core.read()
        violation = core.violations.get(notice.violation_id)
        return violation is not None and in_regions(core, violation.camera_id, camera_regions)

    def decide_appeal(self, appeal: Appeal) -> bool:
        current = self._s.appeals.get(appeal.id)
        if current is None or current.status is not AppealStatus.OPEN:
            return False
        decided_at = stored_time(appeal.decided_at) if appeal.decided_at else None
        self._s.appeals[appeal.id] = dataclasses.replace(appeal, decided_at=decided_at)
        return True

    def add_attachments(self, attachments: Sequence[AppealAttachment]) -> None:
        if any(a.id in self._s.attachments for a in attachments):
            raise ValueError("duplicate attachment id")
        for a in attachments:
            self._s.attachments[a.id] = dataclasses.replace(a, filed_at=stored_time(a.filed_at))

    def attachments(self, appeal_id: str) -> list[AppealAttachment]:
        return sorted((a for a in self._s.attachments.values() if a.appeal_id == appeal_id),
                      key=lambda a: a.position)


class InMemoryNoticeUnitOfWork(InMemoryUnitOfWork):
    """The in-memory unit of work with the notice repository."""

    notices: MemoryNotices

    def __init__(self, factory: InMemoryNoticeUnitOfWorkFactory, *,
                 read_only: bool = False) -> None:
        super().__init__(factory, read_only=read_only)
        self._notice_factory = factory
        self._notice_state = NoticeState()

    def __enter__(self) -> Self:
        super().__enter__()
        self._notice_state = self._notice_factory.notice_state.copy()
        assert self._tx is not None
        self.notices = MemoryNotices(self._notice_state, self._tx)
        return self

    def commit(self) -> None:
        """Commit the core state and the notices together."""
        super().commit()
        if not self._read_only:
            self._notice_factory.notice_state = self._notice_state


class InMemoryNoticeUnitOfWorkFactory(InMemoryUnitOfWorkFactory):
    """Creates notice units of work (and plain ones: they are the same) on one store."""

    def __init__(self) -> None:
        super().__init__()
        self.notice_state = NoticeState()

    def __call__(self, *, read_only: bool = False) -> InMemoryNoticeUnitOfWork:
        return InMemoryNoticeUnitOfWork(self, read_only=read_only)
