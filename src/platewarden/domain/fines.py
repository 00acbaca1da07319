"""Fine schedules with effective dates, and what a confirmed violation costs.

Pure functions: the caller passes the schedules, the legal time zone and every time, so the
same facts always give the same fine. Money is whole som (``int``); arithmetic is done in
:class:`~decimal.Decimal` and rounded half-up to the som once, at the end.

Dates that the law states as days (a schedule's effective date, a discount window's last
day) are days in the legal time zone, not in UTC: a speeding offence at 02:00 in Tashkent on
1 January is a 1 January offence even though it is still 31 December in UTC.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta, tzinfo
from decimal import ROUND_HALF_UP, Decimal

from platewarden.domain.tolerance import as_decimal
from platewarden.domain.violations import ViolationType


class NotFineable(ValueError):
    """The facts do not earn a fine under the schedule (e.g. not over the limit)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class FineBand:
    """One severity band of an offence.

    Attributes:
        up_to_excess_kmh: Largest excess over the limit (km/h, inclusive) this band covers;
            ``None`` for the open top band and for offences without a measured excess.
        amount_som: A fixed amount, or ``None`` to use ``base_multiple``.
        base_multiple: The amount as a multiple of the schedule's base amount.
        penalty_points: Points recorded against the driver's licence.
    """

    up_to_excess_kmh: Decimal | None = None
    amount_som: int | None = None
    base_multiple: Decimal | None = None
    penalty_points: int = 0

    def __post_init__(self) -> None:
        if (self.amount_som is None) == (self.base_multiple is None):
            raise ValueError("a band has either amount_som or base_multiple, not both")


@dataclass(frozen=True, slots=True, kw_only=True)
class OffenceFines:
    """The bands of one violation type, and the law that sets them.

    Attributes:
        type: The violation type.
        legal_basis: The article of law, printed on every notice.
        bands: Ordered by ``up_to_excess_kmh``; speed offences use the band whose upper bound
            is the first at or above the excess, other offences the first band.
    """

    type: ViolationType
    legal_basis: str
    bands: tuple[FineBand, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class FineSchedule:
    """The fines in force from ``effective_from`` (a day in the legal time zone).

    Attributes:
        id: Short name printed on notices (e.g. ``2026-01``).
        effective_from: First day the schedule applies to offences.
        base_amount_som: The base calculation amount that ``base_multiple`` multiplies.
        discount_percent: Early-payment discount.
        discount_window_days: Days after issue (the issue day is day 0) that still earn it.
        due_days: Days after issue by which the fine is due.
        repeat_window_days: An earlier fine for the same plate within this many days makes
            the offence a repeat; 0 turns repeat rules off.
        repeat_multiplier: What a repeat offence's amount is multiplied by.
        offences: Fines per violation type.
    """

    id: str
    effective_from: date
    base_amount_som: int
    discount_percent: Decimal
    discount_window_days: int
    due_days: int
    repeat_window_days: int
    repeat_multiplier: Decimal
    offences: tuple[OffenceFines, ...]

    def fines_for(self, violation_type: ViolationType) -> OffenceFines:
        """The bands of ``violation_type``; :class:`NotFineable` if the schedule has none."""
        for offence in self.offences:
            if offence.type is violation_type:
                return offence
        raise NotFineable(f"schedule {self.id} sets no fine for {violation_type.value}")


@dataclass(frozen=True, slots=True, kw_only=True)
class Offence:
    """The facts of a confirmed violation that a fine depends on.

    Attributes:
        type: Violation type.
        occurred_at: When it happened (aware).
        measured: Measured value (km/h for speed).
        limit: The limit applied (km/h for speed).
        earlier_fines: Fines for the same plate within the repeat window before this one.
    """

    type: ViolationType
    occurred_at: datetime
    measured: float | Decimal
    limit: float | Decimal
    earlier_fines: int = 0


@dataclass(frozen=True, slots=True, kw_only=True)
class Fine:
    """What an offence costs, and by when.

    Attributes:
        schedule_id: The schedule applied.
        band: Index of the band applied (0 is the mildest).
        legal_basis: Article of law.
        amount_som: The full amount.
        discounted_som: What is due if paid by the discount deadline.
        discount_until: The instant the discount ends (exclusive): local midnight after its
            last day.
        due_at: The instant the fine falls overdue (exclusive), likewise.
        penalty_points: Points for the licence.
        repeat: Whether the repeat rule raised the amount.
    """

    schedule_id: str
    band: int
    legal_basis: str
    amount_som: int
    discounted_som: int
    discount_until: datetime
    due_at: datetime
    penalty_points: int
    repeat: bool


def local_day(when: datetime, tz: tzinfo) -> date:
    """The day ``when`` falls on in time zone ``tz``."""
    if when.tzinfo is None:
        raise ValueError("naive datetimes are ambiguous: give a timezone")
    return when.astimezone(tz).date()


def end_of_day(day: date, tz: tzinfo) -> datetime:
    """The instant ``day`` ends in ``tz``: local midnight starting the next day."""
    return datetime.combine(day + timedelta(days=1), time(0), tzinfo=tz)


def schedule_in_force(schedules: Sequence[FineSchedule], *, at: datetime,
                      tz: tzinfo) -> FineSchedule:
    """The schedule with the latest effective day on or before the local day of ``at``.

    Raises:
        NotFineable: No schedule was in force yet.
    """
    day = local_day(at, tz)
    in_force = [s for s in schedules if s.effective_from <= day]
    if not in_force:
        raise NotFineable(f"no fine schedule was in force on {day.isoformat()}")
    return max(in_force, key=lambda s: s.effective_from)


def band_for(offence: Offence, fines: OffenceFines) -> int:
    """Index of the band that covers ``offence``.

    Speed offences pick by excess over the limit (``measured - limit``, in decimal, so an
    excess of exactly a band's bound stays in that band); an offence that is not over the
    limit at all is :class:`NotFineable`. Other offences take the first band.
    """
    if offence.type not in (ViolationType.SPOT_SPEED, ViolationType.SECTION_SPEED):
        return 0
    excess = as_decimal(offence.measured) - as_decimal(offence.limit)
    if excess <= 0:
        raise NotFineable("a speed at or under the limit earns no fine")
    for index, band in enumerate(fines.bands):
        if band.up_to_excess_kmh is None or excess <= band.up_to_excess_kmh:
            return index
    raise NotFineable(f"no band covers an excess of {excess} km/h")


def _som(value: Decimal) -> int:
    return int(value.quantize(Decimal(1), rounding=ROUND_HALF_UP))


def assess(offence: Offence, schedules: Sequence[FineSchedule], *, issued_at: datetime,
           tz: tzinfo) -> Fine:
    """The fine for ``offence``, under the schedule in force on the day it happened.

    Args:
        offence: The facts.
        schedules: Every schedule ever configured.
        issued_at: When the notice is issued: the discount window and the due date run from
            its local day.
        tz: The legal time zone.

    Raises:
        NotFineable: No schedule, no fine for the type, or not over the limit.
    """
    schedule = schedule_in_force(schedules, at=offence.occurred_at, tz=tz)
    fines = schedule.fines_for(offence.type)
    index = band_for(offence, fines)
    band = fines.bands[index]
    amount = (Decimal(band.amount_som) if band.amount_som is not None
              else Decimal(schedule.base_amount_som) * (band.base_multiple or Decimal(0)))
    repeat = schedule.repeat_window_days > 0 and offence.earlier_fines > 0
    if repeat:
        amount *= schedule.repeat_multiplier
    full = _som(amount)
    issue_day = local_day(issued_at, tz)
    return Fine(
        schedule_id=schedule.id, band=index, legal_basis=fines.legal_basis, amount_som=full,
        discounted_som=_som(Decimal(full) * (100 - schedule.discount_percent) / 100),
        discount_until=end_of_day(issue_day + timedelta(days=schedule.discount_window_days), tz),
        due_at=end_of_day(issue_day + timedelta(days=schedule.due_days), tz),
        penalty_points=band.penalty_points, repeat=repeat)


def amount_due(fine: Fine, *, paid_at: datetime) -> int:
    """What settles ``fine`` when paid at ``paid_at``: discounted before its deadline."""
    return fine.discounted_som if paid_at < fine.discount_until else fine.amount_som
