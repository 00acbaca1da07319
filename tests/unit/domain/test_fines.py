"""Fine schedules: bands and their boundaries, effective dates, discount windows by local day."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from platewarden.domain.fines import (
    FineBand,
    FineSchedule,
    NotFineable,
    Offence,
    OffenceFines,
    amount_due,
    assess,
    schedule_in_force,
)
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.domain.violations import ViolationType

TASHKENT = timezone(timedelta(hours=5))
SPEED = ViolationType.SPOT_SPEED


def schedule(*, sid: str = "2025", effective: date = date(2025, 1, 1), base: int = 100_000,
             repeat_window_days: int = 365) -> FineSchedule:
    speed = OffenceFines(type=SPEED, legal_basis="Art. 1", bands=(
        FineBand(up_to_excess_kmh=Decimal(20), amount_som=250_000, penalty_points=1),
        FineBand(up_to_excess_kmh=Decimal(40), base_multiple=Decimal("1.5"), penalty_points=2),
        FineBand(base_multiple=Decimal(3), penalty_points=4)))
    red = OffenceFines(type=ViolationType.RED_LIGHT, legal_basis="Art. 2",
                       bands=(FineBand(base_multiple=Decimal(2), penalty_points=3),))
    return FineSchedule(id=sid, effective_from=effective, base_amount_som=base,
                        discount_percent=Decimal(30), discount_window_days=15, due_days=30,
                        repeat_window_days=repeat_window_days, repeat_multiplier=Decimal(2),
                        offences=(speed, red))


AT = datetime(2025, 6, 1, 12, 0, tzinfo=UTC)


def speeding(measured: float, limit: float = 100, *, at: datetime = AT,
             earlier: int = 0) -> Offence:
    return Offence(type=SPEED, occurred_at=at, measured=measured, limit=limit,
                   earlier_fines=earlier)


def test_exactly_at_the_limit_is_no_fine() -> None:
    with pytest.raises(NotFineable):
        assess(speeding(100), [schedule()], issued_at=AT, tz=TASHKENT)


def test_exactly_at_the_tolerance_is_no_violation_and_one_kmh_over_is_the_mildest_band() -> None:
    tolerance = SpeedTolerance(absolute_kmh=3, percent=3)  # threshold at 100 km/h: 103
    assert not tolerance.exceeds(103, 100)
    assert tolerance.exceeds(104, 100)
    fine = assess(speeding(104), [schedule()], issued_at=AT, tz=TASHKENT)
    assert (fine.band, fine.amount_som, fine.penalty_points) == (0, 250_000, 1)


@pytest.mark.parametrize(("measured", "band", "amount"), [
    (120, 0, 250_000),  # excess exactly 20: still the first band
    (120.1, 1, 150_000),  # just over: second band (1.5 x base)
    (121, 1, 150_000),
    (140, 1, 150_000),  # excess exactly 40
    (141, 2, 300_000),  # open top band (3 x base)
    (250, 2, 300_000),
])
def test_bands_include_their_upper_bound(measured: float, band: int, amount: int) -> None:
    fine = assess(speeding(measured), [schedule()], issued_at=AT, tz=TASHKENT)
    assert (fine.band, fine.amount_som) == (band, amount)


def test_binary_rounding_never_moves_a_speed_across_a_bound() -> None:
    # 63.9 - 43.9 is 19.999999999999996 in binary floating point; in decimal it is 20.
    fine = assess(speeding(63.9, 43.9), [schedule()], issued_at=AT, tz=TASHKENT)
    assert fine.band == 0


def test_non_speed_offences_use_their_single_band() -> None:
    red = Offence(type=ViolationType.RED_LIGHT, occurred_at=AT, measured=1.2, limit=0)
    fine = assess(red, [schedule()], issued_at=AT, tz=TASHKENT)
    assert (fine.amount_som, fine.legal_basis, fine.penalty_points) == (200_000, "Art. 2", 3)


def test_a_type_without_fines_is_not_fineable() -> None:
    lane = Offence(type=ViolationType.RESTRICTED_LANE, occurred_at=AT, measured=0, limit=0)
    with pytest.raises(NotFineable):
        assess(lane, [schedule()], issued_at=AT, tz=TASHKENT)


def test_the_schedule_in_force_on_the_local_day_of_the_offence_applies() -> None:
    old = schedule(sid="old", effective=date(2025, 1, 1), base=100_000)
    new = schedule(sid="new", effective=date(2026, 1, 1), base=200_000)
    # 2025-12-31 19:30 UTC is 2026-01-01 00:30 in Tashkent: the new schedule.
    just_after = datetime(2025, 12, 31, 19, 30, tzinfo=UTC)
    just_before = datetime(2025, 12, 31, 18, 59, 59, tzinfo=UTC)  # 23:59:59 local
    assert schedule_in_force([new, old], at=just_after, tz=TASHKENT).id == "new"
    assert schedule_in_force([new, old], at=just_before, tz=TASHKENT).id == "old"
    assert schedule_in_force([old, new], at=just_after, tz=UTC).id == "old"
    fine = assess(speeding(150, at=just_after), [old, new], issued_at=just_after, tz=TASHKENT)
    assert (fine.schedule_id, fine.amount_som) == ("new", 600_000)


def test_an_offence_before_every_schedule_is_not_fineable() -> None:
    with pytest.raises(NotFineable):
        schedule_in_force([schedule()], at=datetime(2024, 12, 31, 12, tzinfo=UTC), tz=TASHKENT)


def test_discount_and_due_dates_end_at_local_midnight() -> None:
    issued = datetime(2025, 6, 1, 18, 30, tzinfo=UTC)  # 23:30 on 1 June in Tashkent
    fine = assess(speeding(110), [schedule()], issued_at=issued, tz=TASHKENT)
    # Issue day is day 0: 15 days later is 16 June; the discount ends at local midnight.
    assert fine.discount_until == datetime(2025, 6, 17, 0, 0, tzinfo=TASHKENT)
    assert fine.due_at == datetime(2025, 7, 2, 0, 0, tzinfo=TASHKENT)
    next_local_day = datetime(2025, 6, 1, 19, 30, tzinfo=UTC)  # 00:30 on 2 June locally
    later = assess(speeding(110), [schedule()], issued_at=next_local_day, tz=TASHKENT)
    assert later.discount_until - fine.discount_until == timedelta(days=1)


def test_the_discount_applies_until_the_last_local_day_ends() -> None:
    fine = assess(speeding(110), [schedule()], issued_at=AT, tz=TASHKENT)
    assert (fine.amount_som, fine.discounted_som) == (250_000, 175_000)
    last_moment = fine.discount_until - timedelta(microseconds=1)
    # 18:59:59 UTC on 16 June is 23:59:59 in Tashkent: still the discount.
    assert last_moment.astimezone(UTC) == datetime(2025, 6, 16, 18, 59, 59, 999999, tzinfo=UTC)
    assert amount_due(fine, paid_at=last_moment) == 175_000
    assert amount_due(fine, paid_at=fine.discount_until) == 250_000


def test_a_repeat_offence_within_the_window_costs_more() -> None:
    fine = assess(speeding(110, earlier=1), [schedule()], issued_at=AT, tz=TASHKENT)
    assert (fine.amount_som, fine.repeat) == (500_000, True)
    off = assess(speeding(110, earlier=1), [schedule(repeat_window_days=0)], issued_at=AT,
                 tz=TASHKENT)
    assert (off.amount_som, off.repeat) == (250_000, False)


def test_amounts_round_half_up_to_whole_som() -> None:
    odd = schedule(base=100_001)  # 1.5 x 100 001 = 150 001.5
    fine = assess(speeding(130), [odd], issued_at=AT, tz=TASHKENT)
    assert fine.amount_som == 150_002
    assert fine.discounted_som == 105_001  # 70 % of 150 002 = 105 001.4


def test_a_band_needs_exactly_one_way_of_stating_its_amount() -> None:
    with pytest.raises(ValueError, match="either"):
        FineBand(amount_som=1, base_multiple=Decimal(1))
    with pytest.raises(ValueError, match="either"):
        FineBand()
