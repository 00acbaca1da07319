"""Speed tolerance policy."""

from __future__ import annotations

from decimal import Decimal

import pytest

from platewarden.domain.tolerance import SpeedTolerance


def test_small_limits_use_the_absolute_allowance() -> None:
    tolerance = SpeedTolerance(absolute_kmh=3, percent=3.0)
    assert tolerance.allowance_kmh(60) == 3.0
    assert tolerance.threshold_kmh(60) == 63.0


def test_large_limits_use_the_percentage() -> None:
    tolerance = SpeedTolerance(absolute_kmh=3, percent=3.0)
    assert tolerance.threshold_kmh(130) == 133.9


@pytest.mark.parametrize(
    ("measured", "limit", "expected"),
    [
        (63.0, 60, False),  # exactly at the threshold
        (63.01, 60, True),
        (64.0, 60, True),  # one km/h over the threshold
        (60.0, 60, False),
        (133.9, 130, False),  # 3.9 is not exact in binary; decimal keeps it on the line
        (133.91, 130, True),
        (Decimal("63.0000001"), 60, True),
    ],
)
def test_only_speeds_strictly_above_the_threshold_exceed(
    measured: float, limit: int, expected: bool
) -> None:
    assert SpeedTolerance().exceeds(measured, limit) is expected


def test_min_excess_is_a_legal_floor_over_the_device_allowance() -> None:
    tolerance = SpeedTolerance(absolute_kmh=3, percent=3.0, min_excess_kmh=10)
    assert tolerance.threshold_kmh(60) == 70.0
    assert not tolerance.exceeds(70, 60)
    assert tolerance.exceeds(70.5, 60)
    # The percentage still wins when it is larger than the floor.
    assert tolerance.threshold_kmh(400) == 412.0


def test_non_finite_measurements_never_exceed() -> None:
    assert not SpeedTolerance().exceeds(float("nan"), 60)
    assert not SpeedTolerance().exceeds(float("inf"), 60)


def test_describe_states_the_policy() -> None:
    assert SpeedTolerance().describe() == "limit + max(3 km/h, 3% of limit)"
    text = SpeedTolerance(absolute_kmh=5, percent=2.5, min_excess_kmh=10).describe()
    assert text == "limit + max(5 km/h, 2.5% of limit), at least 10 km/h over the limit"


@pytest.mark.parametrize("field", ["absolute_kmh", "percent", "min_excess_kmh"])
@pytest.mark.parametrize("value", [-1.0, float("nan"), float("inf")])
def test_rejects_negative_or_non_finite_settings(field: str, value: float) -> None:
    with pytest.raises(ValueError, match=field):
        SpeedTolerance(**{field: value})
