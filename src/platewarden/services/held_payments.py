"""Payments held for a person, and what that person decides about each.

A payment is held when it cannot be applied by itself: an unknown reference, a short or an
excess amount, or a notice with nothing due. A person with ``payments:resolve`` applies it to
a notice (which becomes paid), or marks it refunded or rejected; always with a reason, once
(a compare-and-set on ``held``), audited as ``payment-resolved``, and when applied also in
the notice's history. Applying checks the lifecycle as any payment does (an appealed or
cancelled notice cannot become paid) but not the amount: that is the person's judgement, and
the reason says why.

Region-scoped like notices: a payment for a notice of a violation outside the user's regions
is a :class:`NotFound` like an absent one, and cannot be applied to such a notice either. A
payment without a known notice (an unknown reference, or a notice gone with its case) has no
region and is anyone's with the permission.
"""

from __future__ import annotations

import dataclasses
from enum import StrEnum

from platewarden.domain.access import RegionScope
from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import Notice, NoticeStatus
from platewarden.domain.plates import mask_plates
from platewarden.services.audit import AuditService
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.notice_cases import NoticeCases, checked_reason
from platewarden.services.notice_ports import (
    NoticeUnitOfWork,
    NoticeUnitOfWorkFactory,
    Payment,
    PaymentOutcome,
)
from platewarden.services.queries import camera_visible


class Resolution(StrEnum):
    """What a person does with a held payment."""

    APPLY = "apply"  # to the notice named (the reference may have been mistyped)
    REFUND = "refund"
    REJECT = "reject"


_OUTCOME = {Resolution.APPLY: PaymentOutcome.APPLIED, Resolution.REFUND: PaymentOutcome.REFUNDED,
            Resolution.REJECT: PaymentOutcome.REJECTED}


class HeldPayments:
    """Lists held payments and resolves them."""

    def __init__(self, *, uow_factory: NoticeUnitOfWorkFactory, cases: NoticeCases,
                 audit: AuditService) -> None:
        self._uow_factory = uow_factory
        self._cases = cases
        self._audit = audit

    def held(self, *, scope: RegionScope) -> list[Payment]:
        """Payments waiting for a person, oldest first, within ``scope``."""
        with self._uow_factory(read_only=True) as uow:
            return uow.notices.payments(outcome=PaymentOutcome.HELD,
                                        camera_regions=scope.as_filter())

    def payment(self, provider: str, transaction_id: str, *, scope: RegionScope) -> Payment:
        """One payment; :class:`NotFound` if there is none or it is outside ``scope``."""
        with self._uow_factory(read_only=True) as uow:
            found = uow.notices.payment(provider, transaction_id)
            if found is None or not _visible(uow, found.notice_number, scope):
                raise NotFound("No such payment.")
        return found

    def resolve(self, provider: str, transaction_id: str, *, scope: RegionScope,
                resolution: Resolution, notice_number: str | None, actor: str,
                reason: str) -> Payment:
        """Apply a held payment to ``notice_number``, or refund or reject it, with a reason.

        Raises:
            NotFound: No such payment, or (applying) no such notice; either outside
                ``scope`` is the same.
            ServiceError: ``invalid_field`` for a missing reason or notice (or a notice given
                when not applying), ``conflict`` when the payment is no longer held or the
                notice cannot become paid.
        """
        reason = checked_reason(reason)
        if (resolution is Resolution.APPLY) != bool(notice_number):
            raise ServiceError("invalid_field", "Name the notice when applying a payment, "
                               "and only then.")
        notice_number = notice_number.strip().upper() if notice_number else None
        with self._uow_factory() as uow:
            payment = uow.notices.payment(provider, transaction_id)
            if payment is None or not _visible(uow, payment.notice_number, scope):
                raise NotFound("No such payment.")
            if notice_number and not _visible(uow, notice_number, scope):
                raise NotFound("No such notice.")
            notice = _target(uow.notices.get(notice_number) if notice_number else None,
                             notice_number)
            resolved = dataclasses.replace(
                payment, outcome=_OUTCOME[resolution],
                notice_number=notice.number if notice else payment.notice_number)
            if not uow.notices.resolve_payment(provider, transaction_id,
                                               outcome=resolved.outcome,
                                               notice_number=resolved.notice_number):
                raise ServiceError("conflict", "This payment is not held (any more).")
            if notice is not None:
                self._cases.move(uow, notice, NoticeStatus.PAID, actor=actor,
                                 reason=f"payment {provider}/{transaction_id} applied: "
                                        f"{reason}", paid_som=payment.amount_som)
            self._audit.record(uow, actor=actor, action=AuditAction.PAYMENT_RESOLVED,
                               target=f"{provider}/{transaction_id}"[:200], details={
                                   "resolution": resolution.value,
                                   "notice": notice.number if notice else "",
                                   "held_because": str(payment.hold_reason or ""),
                                   "reason": mask_plates(reason)[:200]})
            uow.commit()
        return resolved


def _target(notice: Notice | None, number: str | None) -> Notice | None:
    if number and notice is None:
        raise NotFound("No such notice.")
    return notice


def _visible(uow: NoticeUnitOfWork, number: str | None, scope: RegionScope) -> bool:
    """Whether the notice ``number`` (if any) is of a violation in ``scope``.

    No notice (none named, or gone with its case) has no region to hide; a notice whose
    violation or camera is unknown is hidden unless every region is granted.
    """
    notice = uow.notices.get(number) if number else None
    if notice is None or scope.nationwide:
        return True
    violation = uow.violations.get(notice.violation_id)
    return violation is not None and camera_visible(uow, violation.camera_id, scope)
