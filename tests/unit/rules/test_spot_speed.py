"""Spot-speed rule."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest

from platewarden.domain.cameras import CameraKind
from platewarden.domain.reads import ClockSync, SpeedMethod
from platewarden.domain.rules import evaluate_single_read, spot_speed
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.domain.violations import ViolationStatus, ViolationType

from .factories import T0, make_camera, make_read, make_speed_read

TOL = SpeedTolerance(absolute_kmh=3, percent=3.0)


def test_exactly_at_the_threshold_is_no_violation() -> None:
    assert spot_speed.evaluate(make_speed_read(63.0), make_camera(), tolerance=TOL) is None


def test_one_kmh_over_the_threshold_is_a_violation() -> None:
    read = make_speed_read(64.0, clock_sync=ClockSync.DEGRADED)
    violation = spot_speed.evaluate(read, make_camera(), tolerance=TOL)
    assert violation is not None
    assert violation.type is ViolationType.SPOT_SPEED
    assert violation.status is ViolationStatus.PENDING
    assert violation.read_ids == (read.id,)
    assert violation.occurred_at == read.captured_at
    assert (violation.measured, violation.limit) == (64.0, 60.0)
    assert violation.tolerance == TOL.describe()
    assert violation.clock_sync == "degraded"
    assert violation.plate == read.plate
    assert violation.plate_key == read.plate_key
    assert violation.details["threshold_kmh"] == "63.00"
    assert violation.details["speed_method"] == "radar"
    assert violation.details["calibration_certificate"] == "CAL-1"
    assert violation.details["calibration_valid"] == "true"
    assert violation.details["clock_sync"] == "degraded"


def test_a_hundredth_over_the_threshold_is_a_violation() -> None:
    assert spot_speed.evaluate(make_speed_read(63.01), make_camera(), tolerance=TOL)


def test_re_evaluation_gives_the_same_id() -> None:
    read = make_speed_read(90.0)
    first = spot_speed.evaluate(read, make_camera(), tolerance=TOL)
    second = spot_speed.evaluate(read, make_camera(), tolerance=TOL)
    other = spot_speed.evaluate(make_speed_read(90.0, read_id="r2"), make_camera(), tolerance=TOL)
    assert first is not None
    assert second is not None
    assert other is not None
    assert first.id == second.id != other.id


def test_vehicle_class_does_not_change_the_camera_limit() -> None:
    read = make_speed_read(62.0, vehicle_class="truck")
    assert spot_speed.evaluate(read, make_camera(), tolerance=TOL) is None


def test_expired_calibration_at_capture_gives_no_violation() -> None:
    camera = make_camera(calibration_expires_at=T0 - timedelta(microseconds=1))
    assert spot_speed.evaluate(make_speed_read(150.0), camera, tolerance=TOL) is None


def test_calibration_expiring_at_the_capture_instant_still_covers_it() -> None:
    camera = make_camera(calibration_expires_at=T0)
    assert spot_speed.evaluate(make_speed_read(150.0), camera, tolerance=TOL) is not None


def test_missing_certificate_gives_no_violation() -> None:
    camera = make_camera(calibration_certificate=None, calibration_expires_at=None)
    assert spot_speed.evaluate(make_speed_read(150.0), camera, tolerance=TOL) is None


@pytest.mark.parametrize("speed", [None, float("nan"), float("inf"), -80.0])
def test_missing_or_nonsense_speed_gives_no_violation(speed: float | None) -> None:
    read = make_read(speed_kmh=speed, speed_method=SpeedMethod.LIDAR)
    assert spot_speed.evaluate(read, make_camera(), tolerance=TOL) is None


@pytest.mark.parametrize("kind", [k for k in CameraKind if k is not CameraKind.SPOT_SPEED])
def test_only_spot_speed_cameras_apply(kind: CameraKind) -> None:
    camera = make_camera(kind=kind)
    assert spot_speed.evaluate(make_speed_read(150.0), camera, tolerance=TOL) is None


def test_camera_without_limit_gives_nothing() -> None:
    camera = make_camera(speed_limit_kmh=None)
    assert spot_speed.evaluate(make_speed_read(150.0), camera, tolerance=TOL) is None


def test_unknown_speed_method_is_recorded() -> None:
    read = make_read(speed_kmh=100.0)
    violation = spot_speed.evaluate(read, make_camera(), tolerance=TOL)
    assert violation is not None
    assert violation.details["speed_method"] == "unknown"


def test_read_from_another_camera_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="not from this camera"):
        spot_speed.evaluate(make_speed_read(90.0, camera_id="cam-2"), make_camera(),
                            tolerance=TOL)


def test_naive_capture_time_is_rejected() -> None:
    read = make_speed_read(90.0, captured_at=datetime(2026, 3, 1, 12))
    with pytest.raises(ValueError, match="timezone-aware"):
        spot_speed.evaluate(read, make_camera(), tolerance=TOL)


def test_facade_runs_the_single_read_rules() -> None:
    found = evaluate_single_read(make_speed_read(90.0), make_camera(), tolerance=TOL)
    assert [v.type for v in found] == [ViolationType.SPOT_SPEED]
    assert evaluate_single_read(make_speed_read(50.0), make_camera(), tolerance=TOL) == ()
