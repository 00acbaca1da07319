"""A notice's case: delivery, payment, appeal and decision, overdue, cancellation.

Every status change goes through :func:`~platewarden.domain.notices.check_transition`, is
kept in the notice's history with who, when and why, and is an audit entry (no plate text).
"""

from __future__ import annotations

import secrets
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from platewarden.domain.access import EVERYWHERE, RegionScope
from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import (
    ForbiddenTransition,
    Notice,
    NoticeStatus,
    StatusChange,
    check_transition,
    payment_hold,
)
from platewarden.domain.plates import mask_plates
from platewarden.services.audit import AuditService
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.notice_ports import (
    Appeal,
    AppealAttachment,
    AppealStatus,
    AttachmentFile,
    NoticeUnitOfWork,
    NoticeUnitOfWorkFactory,
    Payment,
    PaymentOutcome,
)

CITIZEN = "citizen"  # the actor of what the public look-up does
MAX_REASON_CHARS = 500
MAX_APPEAL_CHARS = 5000


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentLine:
    """One confirmation in a provider's file."""

    transaction_id: str
    reference: str
    amount_som: int
    paid_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class PaymentReport:
    """What an import did: applied, held for a person, and already imported."""

    applied: int
    held: int
    duplicates: int


class NoticeCases:
    """Moves notices through their lifecycle."""

    def __init__(self, *, uow_factory: NoticeUnitOfWorkFactory, audit: AuditService,
                 clock: Callable[[], datetime]) -> None:
        self._uow_factory = uow_factory
        self._audit = audit
        self._clock = clock

    def change(self, number: str, new: NoticeStatus, *, actor: str, reason: str) -> Notice:
        """Deliver, cancel (or any allowed change) by a person, with a reason.

        Raises:
            NotFound: No such notice.
            ServiceError: ``invalid_field`` without a reason, ``conflict`` if not allowed.
        """
        reason = checked_reason(reason)
        with self._uow_factory() as uow:
            notice = _notice(uow, number)
            self.move(uow, notice, new, actor=actor, reason=reason)
            uow.commit()
        return self.notice(number)

    def notice(self, number: str) -> Notice:
        """The notice ``number``; :class:`NotFound` if there is none."""
        with self._uow_factory(read_only=True) as uow:
            return _notice(uow, number)

    def history(self, number: str) -> list[StatusChange]:
        """Every status change of ``number``, oldest first."""
        with self._uow_factory(read_only=True) as uow:
            _notice(uow, number)
            return uow.notices.history(number)

    def mark_overdue(self, *, limit: int = 1000) -> list[str]:
        """Mark overdue every open notice whose due date has passed (by the system)."""
        now = self._clock()
        with self._uow_factory() as uow:
            due = uow.notices.due_before(now, limit=limit)
            for number in due:
                self.move(uow, _notice(uow, number), NoticeStatus.OVERDUE, actor="system",
                           reason="due date passed")
            uow.commit()
        return due

    def import_payments(self, lines: Sequence[PaymentLine], *, provider: str,
                        actor: str) -> PaymentReport:
        """Apply a provider's confirmations once each; hold what cannot be applied.

        A line whose ``(provider, transaction_id)`` was imported before is skipped; an unknown
        reference, a short or an excess payment, or one for a notice with nothing due is kept
        as ``held`` for a person, never dropped. The whole file commits or nothing does.
        """
        counts = {"applied": 0, "held": 0, "duplicates": 0}
        with self._uow_factory() as uow:
            for line in lines:
                payment = self._payment(uow, line, provider=provider, actor=actor)
                if not uow.notices.add_payment_if_absent(payment):
                    counts["duplicates"] += 1
                    continue
                counts[payment.outcome.value] += 1
                if payment.outcome is PaymentOutcome.APPLIED and payment.notice_number:
                    notice = _notice(uow, payment.notice_number)
                    self.move(uow, notice, NoticeStatus.PAID, actor=actor,
                               reason=f"payment {provider}/{line.transaction_id}",
                               paid_som=line.amount_som)
            self._audit.record(uow, actor=actor, action=AuditAction.PAYMENTS_IMPORTED,
                               target=provider, details={k: str(v) for k, v in counts.items()})
            uow.commit()
        return PaymentReport(**counts)

    def _payment(self, uow: NoticeUnitOfWork, line: PaymentLine, *, provider: str,
                 actor: str) -> Payment:
        notice = uow.notices.by_reference(line.reference)
        hold = payment_hold(notice, amount_som=line.amount_som, paid_at=line.paid_at)
        return Payment(provider=provider, transaction_id=line.transaction_id,
                       reference=line.reference, amount_som=line.amount_som,
                       paid_at=line.paid_at,
                       outcome=PaymentOutcome.APPLIED if hold is None else PaymentOutcome.HELD,
                       notice_number=notice.number if notice else None, hold_reason=hold)

    def held_payments(self) -> list[Payment]:
        """Payments waiting for a person."""
        with self._uow_factory(read_only=True) as uow:
            return uow.notices.payments(outcome=PaymentOutcome.HELD)

    def check_appealable(self, number: str) -> None:
        """Raise ``conflict`` unless ``number`` can be appealed now (before storing files)."""
        try:
            check_transition(self.notice(number).status, NoticeStatus.APPEALED)
        except ForbiddenTransition as exc:
            raise ServiceError("conflict", str(exc)) from exc

    def file_appeal(self, number: str, *, text: str,
                    attachments: Sequence[AttachmentFile] = ()) -> Appeal:
        """A citizen's appeal (the caller has checked number and plate, and stored the files).

        Raises:
            ServiceError: ``invalid_field`` for an empty or long text, ``conflict`` when the
                notice cannot be appealed (paid, cancelled, already appealed or decided).
        """
        text = text.strip()
        if not text or len(text) > MAX_APPEAL_CHARS:
            raise ServiceError("invalid_field", f"An appeal needs a text of 1 to "
                               f"{MAX_APPEAL_CHARS} characters.")
        with self._uow_factory() as uow:
            notice = _notice(uow, number)
            appeal = Appeal(id=secrets.token_hex(8), number=number, text=text,
                            filed_at=self._clock())
            self.move(uow, notice, NoticeStatus.APPEALED, actor=CITIZEN, reason="appeal filed")
            uow.notices.add_appeal(appeal)
            uow.notices.add_attachments([AppealAttachment(
                id=secrets.token_hex(8), appeal_id=appeal.id, number=number, position=index,
                name=f.name, content_type=f.content_type, size_bytes=f.size_bytes,
                sha256=f.sha256, filed_at=appeal.filed_at)
                for index, f in enumerate(attachments, start=1)])
            self._audit.record(uow, actor=CITIZEN, action=AuditAction.APPEAL_FILED,
                               target=number, details={"appeal": appeal.id,
                                                       "attachments": str(len(attachments))})
            uow.commit()
        return appeal

    def appeals(self, *, status: AppealStatus | None = AppealStatus.OPEN,
                scope: RegionScope = EVERYWHERE) -> list[Appeal]:
        """Appeals, oldest first: the open ones by default (the reviewers' queue).

        Args:
            status: Only appeals with this decision; ``None`` for all.
            scope: Only appeals against notices of violations at cameras in these regions
                (filtered by the query, so appeals outside it are never read).
        """
        with self._uow_factory(read_only=True) as uow:
            return uow.notices.appeals(status=status, camera_regions=scope.as_filter())

    def appeal(self, appeal_id: str) -> Appeal:
        """The appeal ``appeal_id``; :class:`NotFound` if there is none."""
        with self._uow_factory(read_only=True) as uow:
            appeal = uow.notices.appeal(appeal_id)
        if appeal is None:
            raise NotFound("No such appeal.")
        return appeal

    def decide_appeal(self, appeal_id: str, *, uphold: bool, reviewer: str,
                      reason: str) -> Appeal:
        """Uphold the fine or cancel the notice, with a reason.

        Raises:
            NotFound: No such appeal.
            ServiceError: ``conflict`` if already decided, ``invalid_field`` without a reason.
        """
        reason = checked_reason(reason)
        with self._uow_factory() as uow:
            appeal = uow.notices.appeal(appeal_id)
            if appeal is None:
                raise NotFound("No such appeal.")
            status = AppealStatus.UPHELD if uphold else AppealStatus.CANCELLED
            decided = Appeal(id=appeal.id, number=appeal.number, text=appeal.text,
                             filed_at=appeal.filed_at, status=status, decided_by=reviewer,
                             decided_at=self._clock(), reason=reason)
            if not uow.notices.decide_appeal(decided):
                raise ServiceError("conflict", "This appeal has been decided already.")
            new = NoticeStatus.UPHELD if uphold else NoticeStatus.CANCELLED
            self.move(uow, _notice(uow, appeal.number), new, actor=reviewer, reason=reason)
            self._audit.record(uow, actor=reviewer, action=AuditAction.APPEAL_DECIDED,
                               target=appeal.id, details={"notice": appeal.number,
                                                          "decision": status.value})
            uow.commit()
        return decided

    def move(self, uow: NoticeUnitOfWork, notice: Notice, new: NoticeStatus, *, actor: str,
             reason: str, paid_som: int | None = None) -> None:
        """Change ``notice`` in ``uow`` if the lifecycle allows it: history and audit entry.

        Raises:
            ServiceError: ``conflict`` if not allowed, or changed meanwhile.
        """
        try:
            check_transition(notice.status, new)
        except ForbiddenTransition as exc:
            raise ServiceError("conflict", str(exc)) from exc
        change = StatusChange(number=notice.number, old=notice.status, new=new, actor=actor,
                              at=self._clock(), reason=reason)
        if not uow.notices.change_status(change, paid_som=paid_som):
            raise ServiceError("conflict", "The notice changed meanwhile; try again.")
        self._audit.record(uow, actor=actor, action=AuditAction.NOTICE_STATUS_CHANGED,
                           target=notice.number, details={
                               "from": notice.status.value, "to": new.value,
                               "reason": mask_plates(reason)[:200]})


def _notice(uow: NoticeUnitOfWork, number: str) -> Notice:
    notice = uow.notices.get(number)
    if notice is None:
        raise NotFound("No such notice.")
    return notice


def checked_reason(reason: str) -> str:
    """``reason`` stripped; ``invalid_field`` when empty or over ``MAX_REASON_CHARS``."""
    reason = reason.strip()
    if not reason or len(reason) > MAX_REASON_CHARS:
        raise ServiceError("invalid_field", f"Give a reason of 1 to {MAX_REASON_CHARS} "
                           "characters.")
    return reason


class OverdueSweep:
    """The periodic job of ``serve`` that marks notices past their due day overdue."""

    def __init__(self, cases: NoticeCases) -> None:
        self._cases = cases

    def run(self) -> list[str]:
        """Mark every open notice past its due instant overdue; their numbers."""
        return self._cases.mark_overdue()
