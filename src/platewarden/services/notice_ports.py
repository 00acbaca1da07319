"""What notices, payments, appeals and the vehicle registry need from storage."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Protocol

from platewarden.domain.notices import (
    Addressee,
    HoldReason,
    Notice,
    NoticeStatus,
    StatusChange,
)
from platewarden.services.unit_of_work import UnitOfWork


@dataclass(frozen=True, slots=True, kw_only=True)
class KeeperRecord:
    """A registry row: who kept a plate from ``valid_from`` until ``valid_to`` (exclusive)."""

    plate_key: str
    keeper: Addressee
    valid_from: date
    valid_to: date | None = None


class PaymentOutcome(StrEnum):
    """What became of an imported payment."""

    APPLIED = "applied"  # settled its notice
    HELD = "held"  # waits for a person: unknown reference, short, too much, or nothing due
    REFUNDED = "refunded"  # a person sent it back to the payer
    REJECTED = "rejected"  # a person refused it (not a payment of a fine, a test, a fraud)


@dataclass(frozen=True, slots=True, kw_only=True)
class Payment:
    """A payment confirmation from a provider's file.

    ``(provider, transaction_id)`` identifies it: the same payment imported twice is one.
    ``hold_reason`` says why it was held (kept after a person resolves it); ``None`` for a
    payment applied by itself.
    """

    provider: str
    transaction_id: str
    reference: str
    amount_som: int
    paid_at: datetime
    outcome: PaymentOutcome
    notice_number: str | None = None
    hold_reason: HoldReason | None = None


class AppealStatus(StrEnum):
    """An appeal's decision."""

    OPEN = "open"
    UPHELD = "upheld"  # the fine stands
    CANCELLED = "cancelled"  # the appeal succeeded: the notice is cancelled


@dataclass(frozen=True, slots=True, kw_only=True)
class Appeal:
    """A citizen's appeal against a notice, and the reviewer's decision."""

    id: str
    number: str
    text: str
    filed_at: datetime
    status: AppealStatus = AppealStatus.OPEN
    decided_by: str | None = None
    decided_at: datetime | None = None
    reason: str = ""


@dataclass(frozen=True, slots=True, kw_only=True)
class AttachmentFile:
    """A checked, cleaned attachment already in the evidence store (by its hash)."""

    name: str
    content_type: str
    size_bytes: int
    sha256: str


@dataclass(frozen=True, slots=True, kw_only=True)
class AppealAttachment:
    """A file the appellant attached: metadata here, the bytes encrypted as evidence."""

    id: str
    appeal_id: str
    number: str
    position: int
    name: str
    content_type: str
    size_bytes: int
    sha256: str
    filed_at: datetime


class NoticeRepository(Protocol):
    """Notices (one per violation), their history, payments and appeals.

    ``add_if_absent`` returns ``False`` and changes nothing when the violation already has a
    notice (a unique key, so concurrent issuers cannot make two). ``find`` pages through
    notices newest first (by issue time, then number), optionally of one status and of
    violations at cameras in ``camera_regions``. ``change_status`` changes
    the status only if it is still ``change.old`` and returns whether it did;
    ``resolve_payment`` likewise changes a payment only while it is held. ``payments`` with
    ``camera_regions`` keeps those without a notice (none named, or no longer stored) and
    those for notices of violations at cameras in ``camera_regions``. ``appeals`` lists oldest
    first (by filing time, then id), optionally of one status, of one notice, and against
    notices of violations at cameras in ``camera_regions``.
    """

    def add_if_absent(self, notice: Notice) -> bool: ...
    def get(self, number: str) -> Notice | None: ...
    def find(self, *, status: NoticeStatus | None, camera_regions: frozenset[str] | None,
             limit: int, offset: int) -> list[Notice]: ...
    def for_violation(self, violation_id: str) -> Notice | None: ...
    def by_reference(self, reference: str) -> Notice | None: ...
    def by_verification_code(self, code: str) -> Notice | None: ...
    def change_status(self, change: StatusChange, *, paid_som: int | None = None) -> bool: ...
    def history(self, number: str) -> list[StatusChange]: ...
    def count_for_plate(self, plate_key: str, *, start: datetime, end: datetime) -> int: ...
    def confirmed_without_notice(self, *, limit: int) -> list[str]: ...
    def due_before(self, at: datetime, *, limit: int) -> list[str]: ...
    def add_payment_if_absent(self, payment: Payment) -> bool: ...
    def payments(self, *, outcome: PaymentOutcome | None,
                 camera_regions: frozenset[str] | None = None) -> list[Payment]: ...
    def payment(self, provider: str, transaction_id: str) -> Payment | None: ...
    def resolve_payment(self, provider: str, transaction_id: str, *, outcome: PaymentOutcome,
                        notice_number: str | None) -> bool: ...
    def add_appeal(self, appeal: Appeal) -> None: ...
    def appeal(self, appeal_id: str) -> Appeal | None: ...
    def appeals(self, *, status: AppealStatus | None, number: str | None = None,
                camera_regions: frozenset[str] | None = None) -> list[Appeal]: ...
    def decide_appeal(self, appeal: Appeal) -> bool: ...
    def add_attachments(self, attachments: Sequence[AppealAttachment]) -> None: ...
    def attachments(self, appeal_id: str) -> list[AppealAttachment]: ...


class NoticeUnitOfWork(UnitOfWork, Protocol):
    """A unit of work that also reaches notices."""

    @property
    def notices(self) -> NoticeRepository: ...


class NoticeUnitOfWorkFactory(Protocol):
    """Makes a fresh notice unit of work."""

    def __call__(self, *, read_only: bool = False) -> NoticeUnitOfWork: ...


class VehicleRegistry(Protocol):
    """Who kept a plate on a day: the embedded table or the national registry (HTTP).

    Asked only for confirmed violations, one plate at a time; never listed or searched.
    """

    def keeper_at(self, plate_key: str, *, on: date) -> Addressee | None: ...


class KeeperTable(Protocol):
    """The embedded registry's rows, replaced by an import."""

    def replace_all(self, records: Sequence[KeeperRecord]) -> int: ...
