"""Notices of a fine and their lifecycle: which status may follow which.

issued → delivered → paid; issued/delivered/overdue → appealed → upheld (the fine stands) or
cancelled; issued/delivered/upheld → overdue when the due date passes; overdue and upheld can
still be paid. Paid and cancelled are final. A payment that cannot settle its notice by
itself is held for a person, for one of the :class:`HoldReason` reasons.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from platewarden.domain.fines import Fine, amount_due


class NoticeStatus(StrEnum):
    """Where a notice is in its life."""

    ISSUED = "issued"
    DELIVERED = "delivered"
    PAID = "paid"
    APPEALED = "appealed"
    UPHELD = "upheld"
    CANCELLED = "cancelled"
    OVERDUE = "overdue"


_S = NoticeStatus
ALLOWED: dict[NoticeStatus, frozenset[NoticeStatus]] = {
    _S.ISSUED: frozenset({_S.DELIVERED, _S.PAID, _S.APPEALED, _S.OVERDUE, _S.CANCELLED}),
    _S.DELIVERED: frozenset({_S.PAID, _S.APPEALED, _S.OVERDUE, _S.CANCELLED}),
    _S.APPEALED: frozenset({_S.UPHELD, _S.CANCELLED}),
    _S.UPHELD: frozenset({_S.PAID, _S.OVERDUE}),
    _S.OVERDUE: frozenset({_S.PAID, _S.APPEALED, _S.CANCELLED}),
    _S.PAID: frozenset(),
    _S.CANCELLED: frozenset(),
}
OPEN = frozenset({_S.ISSUED, _S.DELIVERED, _S.UPHELD, _S.OVERDUE})  # a payment is due


class ForbiddenTransition(ValueError):
    """A status change the lifecycle does not allow."""

    def __init__(self, current: NoticeStatus, target: NoticeStatus) -> None:
        super().__init__(f"a notice that is {current.value} cannot become {target.value}")
        self.current = current
        self.target = target


def check_transition(current: NoticeStatus, target: NoticeStatus) -> None:
    """Raise :class:`ForbiddenTransition` unless ``current`` may become ``target``."""
    if target not in ALLOWED[current]:
        raise ForbiddenTransition(current, target)


NOTICE_LANGUAGES = ("uz", "ru", "en")  # Uzbek (Latin), Russian, English


@dataclass(frozen=True, slots=True, kw_only=True)
class Addressee:
    """Who the notice is addressed to: the registered keeper at the time of the offence."""

    name: str
    address: str
    kind: str = "person"  # or "company"
    language: str | None = None  # the keeper's language of correspondence, where registered


@dataclass(frozen=True, slots=True, kw_only=True)
class Notice:
    """A notice of a fine for one confirmed violation.

    Attributes:
        number: Public notice number (random digits with a check digit: not a sequence).
        violation_id: The violation; at most one notice per violation.
        plate_key: Canonical plate (the citizen look-up compares it).
        verification_code: Printed on the notice; the public check says valid or not.
        payment_reference: What the payer quotes to the payment provider.
        language: ``uz``, ``ru`` or ``en``.
        issued_at: When it was issued.
        fine: The fine and its dates.
        addressee: The keeper, or ``None`` when the registry does not know the plate.
        status: Lifecycle status.
        paid_som: What was paid (0 until paid).
    """

    number: str
    violation_id: str
    plate_key: str
    verification_code: str
    payment_reference: str
    language: str
    issued_at: datetime
    fine: Fine
    addressee: Addressee | None
    status: NoticeStatus = NoticeStatus.ISSUED
    paid_som: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class StatusChange:
    """One step of a notice's history: who changed it, when and why."""

    number: str
    old: NoticeStatus
    new: NoticeStatus
    actor: str
    at: datetime
    reason: str


class HoldReason(StrEnum):
    """Why a payment waits for a person instead of settling its notice.

    The values are the texts stored in the payments table and answered by the API since
    payments were first held, so stored rows read back and API clients see no change. A
    notice with nothing due has one reason per status that is not open
    (:attr:`notice_status` names it).
    """

    UNKNOWN_REFERENCE = "unknown reference"
    SHORT = "less than the amount due"
    EXCESS = "more than the amount due"
    NOTICE_APPEALED = "notice is appealed"
    NOTICE_PAID = "notice is paid"
    NOTICE_CANCELLED = "notice is cancelled"

    @property
    def notice_status(self) -> NoticeStatus | None:
        """The notice's status when it has nothing due; ``None`` for the other reasons."""
        return _STATUS_OF.get(self)

    @classmethod
    def nothing_due(cls, status: NoticeStatus) -> HoldReason:
        """The reason for a payment to a notice that is ``status`` (not open).

        Raises:
            ValueError: ``status`` is open: a payment is due.
        """
        for reason, closed in _STATUS_OF.items():
            if closed is status:
                return reason
        raise ValueError(f"a notice that is {status.value} has a payment due")


_STATUS_OF: dict[HoldReason, NoticeStatus] = {
    HoldReason.NOTICE_APPEALED: _S.APPEALED, HoldReason.NOTICE_PAID: _S.PAID,
    HoldReason.NOTICE_CANCELLED: _S.CANCELLED}


def payment_hold(notice: Notice | None, *, amount_som: int,
                 paid_at: datetime) -> HoldReason | None:
    """Why a payment cannot settle ``notice`` by itself; ``None`` when it can.

    Args:
        notice: The notice its reference names; ``None`` when no notice has it.
        amount_som: What was paid.
        paid_at: When it was paid (inside the discount window less is due).
    """
    if notice is None:
        return HoldReason.UNKNOWN_REFERENCE
    if notice.status not in OPEN:
        return HoldReason.nothing_due(notice.status)
    due = amount_due(notice.fine, paid_at=paid_at)
    if amount_som < due:
        return HoldReason.SHORT
    if amount_som > due:
        # Accepting it would keep the payer's money silently: a person refunds the rest.
        return HoldReason.EXCESS
    return None


def check_digit(digits: str) -> str:
    """The Luhn check digit of ``digits`` (catches any single typo and most swaps)."""
    total = 0
    for index, char in enumerate(reversed(digits)):
        value = int(char)
        if index % 2 == 0:
            value *= 2
            value -= 9 if value > 9 else 0
        total += value
    return str((10 - total % 10) % 10)


def has_valid_check_digit(number: str) -> bool:
    """Whether a digits-only string ends in its Luhn check digit."""
    return len(number) >= 2 and number.isdigit() and check_digit(number[:-1]) == number[-1]


def notice_number(*, year: int, random_digits: str) -> str:
    """``PW-YYYY-DDDDDDDDDC``: random digits (never a sequence) and a check digit."""
    body = f"{year:04d}{random_digits}"
    return f"PW-{year:04d}-{random_digits}{check_digit(body)}"


def number_is_well_formed(number: str) -> bool:
    """Whether ``number`` has the shape and check digit of a notice number."""
    parts = number.split("-")
    if len(parts) != 3 or parts[0] != "PW" or len(parts[1]) != 4 or len(parts[2]) != 10:
        return False
    return has_valid_check_digit(parts[1] + parts[2])
