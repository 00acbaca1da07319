"""Notices, their history, payments and appeals in SQL (SQLAlchemy Core)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any, Self

from sqlalchemy import Connection, Engine, exists, func, insert, or_, select, update
from sqlalchemy.exc import IntegrityError

from platewarden.adapters.db import tables as t
from platewarden.adapters.db.notice_tables import (
    appeal_attachments,
    appeals,
    notice_events,
    notices,
    payments,
)
from platewarden.adapters.db.uow import SqlUnitOfWork
from platewarden.domain.clock import from_us, to_us
from platewarden.domain.fines import Fine
from platewarden.domain.notices import (
    OPEN,
    Addressee,
    HoldReason,
    Notice,
    NoticeStatus,
    StatusChange,
)
from platewarden.domain.violations import ViolationStatus
from platewarden.services.notice_ports import (
    Appeal,
    AppealAttachment,
    AppealStatus,
    Payment,
    PaymentOutcome,
)


class SqlNotices:
    """``NoticeRepository`` on one connection (the unit of work's transaction)."""

    def __init__(self, conn: Connection) -> None:
        self._c = conn

    def _insert_if_absent(self, statement: Any) -> bool:
        # A savepoint, so that losing the race on a unique key leaves the transaction usable
        # on every backend (PostgreSQL aborts the whole transaction otherwise).
        nested = self._c.begin_nested()
        try:
            self._c.execute(statement)
        except IntegrityError:
            nested.rollback()
            return False
        nested.commit()
        return True

    def add_if_absent(self, notice: Notice) -> bool:
        # No look first: the issuer has just looked for the violation's notice in this
        # transaction, so a second one is a race, which the unique violation_id decides.
        return self._insert_if_absent(insert(notices).values(**_notice_row(notice)))

    def get(self, number: str) -> Notice | None:
        return self._one(notices.c.number == number)

    def find(self, *, status: NoticeStatus | None, camera_regions: frozenset[str] | None,
             limit: int, offset: int) -> list[Notice]:
        query = select(notices)
        if status is not None:
            query = query.where(notices.c.status == status.value)
        if camera_regions is not None:
            query = query.where(notices.c.violation_id.in_(_violations_in(camera_regions)))
        query = query.order_by(notices.c.issued_us.desc(), notices.c.number)
        return [_notice_from(r) for r in self._c.execute(query.limit(limit).offset(offset))]

    def for_violation(self, violation_id: str) -> Notice | None:
        return self._one(notices.c.violation_id == violation_id)

    def by_reference(self, reference: str) -> Notice | None:
        return self._one(notices.c.payment_reference == reference)

    def by_verification_code(self, code: str) -> Notice | None:
        return self._one(notices.c.verification_code == code)

    def _one(self, condition: Any) -> Notice | None:
        row = self._c.execute(select(notices).where(condition)).first()
        return _notice_from(row) if row is not None else None

    def change_status(self, change: StatusChange, *, paid_som: int | None = None) -> bool:
        values: dict[str, Any] = {"status": change.new.value}
        if paid_som is not None:
            values["paid_som"] = paid_som
        result = self._c.execute(update(notices).where(
            notices.c.number == change.number, notices.c.status == change.old.value)
            .values(**values))
        if result.rowcount != 1:
            return False
        self._c.execute(insert(notice_events).values(
            number=change.number, old=change.old.value, new=change.new.value,
            actor=change.actor, at_us=to_us(change.at), reason=change.reason))
        return True

    def history(self, number: str) -> list[StatusChange]:
        rows = self._c.execute(select(notice_events).where(notice_events.c.number == number)
                               .order_by(notice_events.c.id))
        return [StatusChange(number=r.number, old=NoticeStatus(r.old), new=NoticeStatus(r.new),
                             actor=r.actor, at=from_us(r.at_us), reason=r.reason) for r in rows]

    def count_for_plate(self, plate_key: str, *, start: datetime, end: datetime) -> int:
        return int(self._c.execute(select(func.count()).select_from(notices).where(
            notices.c.plate_key == plate_key, notices.c.issued_us >= to_us(start),
            notices.c.issued_us < to_us(end),
            notices.c.status != NoticeStatus.CANCELLED.value)).scalar_one())

    def confirmed_without_notice(self, *, limit: int) -> list[str]:
        v = t.violations
        query = (select(v.c.id).where(v.c.status == ViolationStatus.CONFIRMED.value,
                                      ~exists().where(notices.c.violation_id == v.c.id))
                 .order_by(v.c.occurred_us, v.c.id).limit(limit))
        return list(self._c.execute(query).scalars())

    def due_before(self, at: datetime, *, limit: int) -> list[str]:
        due = [s.value for s in OPEN if s is not NoticeStatus.OVERDUE]
        query = (select(notices.c.number).where(notices.c.status.in_(due),
                                                notices.c.due_us <= to_us(at))
                 .order_by(notices.c.due_us, notices.c.number).limit(limit))
        return list(self._c.execute(query).scalars())

    def add_payment_if_absent(self, payment: Payment) -> bool:
        # Looked up first on purpose: a file imported again or a retried webhook makes
        # duplicates ordinary, and one SELECT is cheaper than a savepoint, a failed insert and
        # its rollback (an error in PostgreSQL's log each). The key still decides races.
        key = (payments.c.provider == payment.provider,
               payments.c.transaction_id == payment.transaction_id)
        if self._c.execute(select(payments.c.provider).where(*key)).first() is not None:
            return False
        return self._insert_if_absent(insert(payments).values(
            provider=payment.provider, transaction_id=payment.transaction_id,
            reference=payment.reference, amount_som=payment.amount_som,
            paid_us=to_us(payment.paid_at), outcome=payment.outcome.value,
            notice_number=payment.notice_number,
            # The column is not null: a payment applied by itself has "" (as always).
            hold_reason=payment.hold_reason or ""))

    def payments(self, *, outcome: PaymentOutcome | None,
                 camera_regions: frozenset[str] | None = None) -> list[Payment]:
        query = select(payments).order_by(payments.c.paid_us, payments.c.transaction_id)
        if outcome is not None:
            query = query.where(payments.c.outcome == outcome.value)
        if camera_regions is not None:
            query = query.where(_payment_in_regions(camera_regions))
        return [_payment_from(r) for r in self._c.execute(query)]

    def payment(self, provider: str, transaction_id: str) -> Payment | None:
        row = self._c.execute(select(payments).where(
            payments.c.provider == provider, payments.c.transaction_id == transaction_id)).first()
        return _payment_from(row) if row is not None else None

    def resolve_payment(self, provider: str, transaction_id: str, *, outcome: PaymentOutcome,
                        notice_number: str | None) -> bool:
        result = self._c.execute(update(payments).where(
            payments.c.provider == provider, payments.c.transaction_id == transaction_id,
            payments.c.outcome == PaymentOutcome.HELD.value).values(
            outcome=outcome.value, notice_number=notice_number))
        return result.rowcount == 1

    def add_appeal(self, appeal: Appeal) -> None:
        self._c.execute(insert(appeals).values(**_appeal_row(appeal)))

    def appeal(self, appeal_id: str) -> Appeal | None:
        row = self._c.execute(select(appeals).where(appeals.c.id == appeal_id)).first()
        return _appeal_from(row) if row is not None else None

    def appeals(self, *, status: AppealStatus | None, number: str | None = None,
                camera_regions: frozenset[str] | None = None) -> list[Appeal]:
        query = select(appeals).order_by(appeals.c.filed_us, appeals.c.id)
        if status is not None:
            query = query.where(appeals.c.status == status.value)
        if number is not None:
            query = query.where(appeals.c.number == number)
        if camera_regions is not None:
            query = query.where(appeals.c.number.in_(select(notices.c.number).where(
                notices.c.violation_id.in_(_violations_in(camera_regions)))))
        return [_appeal_from(row) for row in self._c.execute(query)]

    def decide_appeal(self, appeal: Appeal) -> bool:
        row = _appeal_row(appeal)
        result = self._c.execute(update(appeals).where(
            appeals.c.id == appeal.id, appeals.c.status == AppealStatus.OPEN.value).values(
            status=row["status"], decided_by=row["decided_by"], decided_us=row["decided_us"],
            reason=row["reason"]))
        return result.rowcount == 1

    def add_attachments(self, attachments: Sequence[AppealAttachment]) -> None:
        if attachments:
            self._c.execute(insert(appeal_attachments), [
                {"id": a.id, "appeal_id": a.appeal_id, "number": a.number,
                 "position": a.position, "name": a.name, "content_type": a.content_type,
                 "size_bytes": a.size_bytes, "sha256": a.sha256,
                 "filed_us": to_us(a.filed_at)} for a in attachments])

    def attachments(self, appeal_id: str) -> list[AppealAttachment]:
        rows = self._c.execute(select(appeal_attachments).where(
            appeal_attachments.c.appeal_id == appeal_id).order_by(appeal_attachments.c.position))
        return [AppealAttachment(id=r.id, appeal_id=r.appeal_id, number=r.number,
                                 position=r.position, name=r.name,
                                 content_type=r.content_type, size_bytes=r.size_bytes,
                                 sha256=r.sha256, filed_at=from_us(r.filed_us)) for r in rows]


def _violations_in(camera_regions: frozenset[str]) -> Any:
    """The ids of violations at cameras in ``camera_regions`` (a subquery)."""
    v, c = t.violations, t.cameras
    return select(v.c.id).where(v.c.camera_id.in_(
        select(c.c.id).where(c.c.region_code.in_(sorted(camera_regions)))))


def _payment_in_regions(camera_regions: frozenset[str]) -> Any:
    """A payment without a (stored) notice, or for a notice in ``camera_regions``."""
    number = payments.c.notice_number
    return or_(number.is_(None),
               ~exists().where(notices.c.number == number),
               number.in_(select(notices.c.number).where(
                   notices.c.violation_id.in_(_violations_in(camera_regions)))))


def _notice_row(n: Notice) -> dict[str, Any]:
    f, k = n.fine, n.addressee
    return {"number": n.number, "violation_id": n.violation_id, "plate_key": n.plate_key,
            "verification_code": n.verification_code, "payment_reference": n.payment_reference,
            "language": n.language, "issued_us": to_us(n.issued_at), "status": n.status.value,
            "paid_som": n.paid_som, "schedule_id": f.schedule_id, "band": f.band,
            "legal_basis": f.legal_basis, "amount_som": f.amount_som,
            "discounted_som": f.discounted_som, "discount_until_us": to_us(f.discount_until),
            "due_us": to_us(f.due_at), "penalty_points": f.penalty_points, "repeat": f.repeat,
            "keeper_name": k.name if k else None, "keeper_address": k.address if k else None,
            "keeper_kind": k.kind if k else None, "keeper_language": k.language if k else None}


def _notice_from(r: Any) -> Notice:
    fine = Fine(schedule_id=r.schedule_id, band=r.band, legal_basis=r.legal_basis,
                amount_som=r.amount_som, discounted_som=r.discounted_som,
                discount_until=from_us(r.discount_until_us), due_at=from_us(r.due_us),
                penalty_points=r.penalty_points, repeat=bool(r.repeat))
    keeper = (Addressee(name=r.keeper_name, address=r.keeper_address or "",
                        kind=r.keeper_kind or "person", language=r.keeper_language)
              if r.keeper_name is not None else None)
    return Notice(number=r.number, violation_id=r.violation_id, plate_key=r.plate_key,
                  verification_code=r.verification_code, payment_reference=r.payment_reference,
                  language=r.language, issued_at=from_us(r.issued_us), fine=fine,
                  addressee=keeper, status=NoticeStatus(r.status), paid_som=r.paid_som)


def _payment_from(r: Any) -> Payment:
    return Payment(provider=r.provider, transaction_id=r.transaction_id, reference=r.reference,
                   amount_som=r.amount_som, paid_at=from_us(r.paid_us),
                   outcome=PaymentOutcome(r.outcome), notice_number=r.notice_number,
                   hold_reason=HoldReason(r.hold_reason) if r.hold_reason else None)


def _appeal_row(a: Appeal) -> dict[str, Any]:
    return {"id": a.id, "number": a.number, "text": a.text, "filed_us": to_us(a.filed_at),
            "status": a.status.value, "decided_by": a.decided_by,
            "decided_us": to_us(a.decided_at) if a.decided_at else None, "reason": a.reason}


def _appeal_from(r: Any) -> Appeal:
    return Appeal(id=r.id, number=r.number, text=r.text, filed_at=from_us(r.filed_us),
                  status=AppealStatus(r.status), decided_by=r.decided_by,
                  decided_at=from_us(r.decided_us) if r.decided_us is not None else None,
                  reason=r.reason)


class SqlNoticeUnitOfWork(SqlUnitOfWork):
    """The SQL unit of work with the notice repository."""

    def __enter__(self) -> Self:
        super().__enter__()
        self.notices = SqlNotices(self.connection)
        return self


class SqlNoticeUnitOfWorkFactory:
    """Creates notice units of work on one engine."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine

    def __call__(self, *, read_only: bool = False) -> SqlNoticeUnitOfWork:
        return SqlNoticeUnitOfWork(self.engine, read_only=read_only)
