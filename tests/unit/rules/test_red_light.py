"""Red-light rule."""

from __future__ import annotations

import pytest

from platewarden.domain.cameras import Camera, CameraKind
from platewarden.domain.reads import ClockSync, SignalPhase
from platewarden.domain.rules import red_light
from platewarden.domain.violations import ViolationType

from .factories import make_camera, make_red_read


def camera(grace: float = 0.5, kind: CameraKind = CameraKind.RED_LIGHT) -> Camera:
    return make_camera(kind=kind, red_light_grace_s=grace)


def test_red_past_grace_is_a_violation() -> None:
    read = make_red_read(SignalPhase.RED, 2.25, clock_sync=ClockSync.UNSYNCED, lane=2)
    violation = red_light.evaluate(read, camera())
    assert violation is not None
    assert violation.type is ViolationType.RED_LIGHT
    assert (violation.measured, violation.limit) == (2.25, 0.5)
    assert violation.read_ids == (read.id,)
    assert violation.clock_sync == "unsynced"
    assert violation.tolerance == "grace 0.5 s into red"
    assert violation.details["time_into_red_s"] == "2.250"
    assert violation.details["lane"] == "2"


def test_exactly_at_the_grace_boundary_is_no_violation() -> None:
    assert red_light.evaluate(make_red_read(SignalPhase.RED, 0.5), camera()) is None


def test_just_past_the_grace_boundary_is_a_violation() -> None:
    assert red_light.evaluate(make_red_read(SignalPhase.RED, 0.501), camera()) is not None


def test_zero_grace_still_tolerates_the_instant_of_change() -> None:
    assert red_light.evaluate(make_red_read(SignalPhase.RED, 0.0), camera(0.0)) is None
    assert red_light.evaluate(make_red_read(SignalPhase.RED, 0.01), camera(0.0)) is not None


@pytest.mark.parametrize("phase", [SignalPhase.AMBER, SignalPhase.GREEN])
def test_amber_and_green_never_are(phase: SignalPhase) -> None:
    assert red_light.evaluate(make_red_read(phase, 9.0), camera()) is None


@pytest.mark.parametrize(
    ("phase", "into_red"),
    [(None, None), (None, 5.0), (SignalPhase.RED, None), (SignalPhase.RED, float("nan")),
     (SignalPhase.RED, -1.0)],
)
def test_missing_phase_data_gives_nothing(
    phase: SignalPhase | None, into_red: float | None
) -> None:
    assert red_light.evaluate(make_red_read(phase, into_red), camera()) is None


def test_only_red_light_cameras_apply() -> None:
    read = make_red_read(SignalPhase.RED, 5.0)
    assert red_light.evaluate(read, camera(kind=CameraKind.SPOT_SPEED)) is None


def test_same_read_same_id() -> None:
    first = red_light.evaluate(make_red_read(SignalPhase.RED, 3.0), camera())
    again = red_light.evaluate(make_red_read(SignalPhase.RED, 3.0), camera())
    assert first is not None
    assert again is not None
    assert first.id == again.id


def test_read_from_another_camera_is_a_caller_error() -> None:
    with pytest.raises(ValueError, match="not from this camera"):
        red_light.evaluate(make_red_read(SignalPhase.RED, 3.0, camera_id="x"), camera())
