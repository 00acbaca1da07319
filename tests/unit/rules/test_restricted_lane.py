"""Restricted-lane rule, with local-time windows that may wrap midnight."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platewarden.domain.cameras import Camera, CameraKind, LaneRestriction
from platewarden.domain.rules import restricted_lane
from platewarden.domain.violations import ViolationType

from .factories import make_camera, make_read, make_restriction

DAY = datetime(2026, 3, 1, tzinfo=UTC)
PLUS_5 = 300  # Tashkent, UTC+5


def local(hhmm: str, *, seconds: int = 0, offset: int = PLUS_5) -> datetime:
    """The UTC instant at which local clocks at ``offset`` show ``hhmm`` on 1 March."""
    hours, minutes = (int(x) for x in hhmm.split(":"))
    return DAY + timedelta(hours=hours, minutes=minutes - offset, seconds=seconds)


def lane_camera(*restrictions: LaneRestriction) -> Camera:
    return make_camera(kind=CameraKind.LANE, lane_restrictions=restrictions, speed_limit_kmh=None)


MORNING = lane_camera(make_restriction("07:00", "10:00"))
NIGHT = lane_camera(make_restriction("22:00", "06:00"))


@pytest.mark.parametrize(
    ("hhmm", "seconds", "expected"),
    [("06:59", 59, False), ("07:00", 0, True), ("09:59", 59, True), ("10:00", 0, False)],
)
def test_daytime_window_is_half_open(hhmm: str, seconds: int, expected: bool) -> None:
    read = make_read(captured_at=local(hhmm, seconds=seconds))
    assert (restricted_lane.evaluate(read, MORNING) is not None) is expected


@pytest.mark.parametrize(
    ("hhmm", "expected"),
    [("21:59", False), ("22:00", True), ("23:30", True), ("00:00", True), ("05:59", True),
     ("06:00", False), ("12:00", False)],
)
def test_window_wrapping_midnight(hhmm: str, expected: bool) -> None:
    read = make_read(captured_at=local(hhmm))
    assert (restricted_lane.evaluate(read, NIGHT) is not None) is expected


def test_local_time_uses_the_restriction_offset_not_utc() -> None:
    # 02:30 UTC is 07:30 in Tashkent (inside) but 02:30 at offset 0 (outside).
    when = DAY + timedelta(hours=2, minutes=30)
    utc_camera = lane_camera(make_restriction("07:00", "10:00", utc_offset_minutes=0))
    assert restricted_lane.evaluate(make_read(captured_at=when), MORNING) is not None
    assert restricted_lane.evaluate(make_read(captured_at=when), utc_camera) is None


def test_violation_records_the_window_and_local_time() -> None:
    read = make_read(captured_at=local("23:30"), vehicle_class="car")
    violation = restricted_lane.evaluate(read, NIGHT)
    assert violation is not None
    assert violation.type is ViolationType.RESTRICTED_LANE
    assert violation.read_ids == (read.id,)
    assert violation.details["window_local"] == "22:00-06:00"
    assert violation.details["local_time"].startswith("2026-03-01T23:30:00+05:00")
    assert violation.details["allowed_classes"] == "bus"


@pytest.mark.parametrize("vehicle_class", ["bus", "BUS", "Bus"])
def test_allowed_classes_may_use_the_lane(vehicle_class: str) -> None:
    read = make_read(captured_at=local("08:00"), vehicle_class=vehicle_class)
    assert restricted_lane.evaluate(read, MORNING) is None


def test_other_lanes_are_not_restricted() -> None:
    assert restricted_lane.evaluate(make_read(captured_at=local("08:00"), lane=2), MORNING) is None


@pytest.mark.parametrize(("lane", "vehicle_class"), [(None, "car"), (1, None), (1, "")])
def test_unknown_lane_or_class_gives_nothing(lane: int | None, vehicle_class: str | None) -> None:
    read = make_read(captured_at=local("08:00"), lane=lane, vehicle_class=vehicle_class)
    assert restricted_lane.evaluate(read, MORNING) is None


def test_equal_start_and_end_is_empty_and_full_day_is_0_to_1440() -> None:
    empty = lane_camera(make_restriction("08:00", "08:00"))
    whole = lane_camera(LaneRestriction(lane=1, start_minute=0, end_minute=1440))
    for hhmm in ("00:00", "08:00", "23:59"):
        read = make_read(captured_at=local(hhmm))
        assert restricted_lane.evaluate(read, empty) is None
        assert restricted_lane.evaluate(read, whole) is not None


def test_camera_without_restrictions_gives_nothing() -> None:
    assert restricted_lane.evaluate(make_read(), make_camera()) is None


def test_first_broken_restriction_by_start_is_reported() -> None:
    camera = lane_camera(make_restriction("08:00", "09:00"), make_restriction("07:00", "10:00"))
    violation = restricted_lane.evaluate(make_read(captured_at=local("08:30")), camera)
    assert violation is not None
    assert violation.details["window_local"] == "07:00-10:00"


@settings(max_examples=200, deadline=None)
@given(start=st.integers(0, 1439), end=st.integers(0, 1440), minute=st.integers(0, 1439),
       offset=st.sampled_from([-480, 0, 300, 330]))
def test_window_matches_walking_the_clock(start: int, end: int, minute: int, offset: int) -> None:
    # Walk the clock from start for the window's length; 0-1440 is the only full day.
    length = 0 if start == end else (end - start) % 1440 or 1440
    covered = {(start + i) % 1440 for i in range(length)}
    restriction = LaneRestriction(lane=1, start_minute=start, end_minute=end,
                                  utc_offset_minutes=offset)
    when = DAY + timedelta(minutes=minute - offset, seconds=30)
    assert restricted_lane.active_at(restriction, when) is (minute in covered)
