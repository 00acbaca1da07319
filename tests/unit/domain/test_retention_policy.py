"""The retention policy's cut-offs and its guards."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from platewarden.domain.retention import RetentionPolicy, check_reason, day_from_name, day_name

NOW = datetime(2026, 11, 26, 12, tzinfo=UTC)


def test_defaults_are_the_privacy_protective_figures() -> None:
    cut = RetentionPolicy().cutoffs(NOW)
    assert NOW - cut.pseudonymise == timedelta(hours=72)
    assert NOW - cut.nonhit_image == timedelta(days=7)
    assert NOW - cut.nonhit_read == timedelta(days=30)
    assert NOW - cut.hotlist_hit == timedelta(days=90)
    assert NOW - cut.audit == timedelta(days=5 * 365 + 1)


def test_plate_text_may_not_outlive_the_read_and_periods_are_positive() -> None:
    with pytest.raises(ValueError, match="pseudonymise sooner"):
        RetentionPolicy(pseudonymise_after_h=31 * 24, nonhit_read_days=30)
    with pytest.raises(ValueError, match="at least 1"):
        RetentionPolicy(nonhit_image_days=0)


def test_reasons_and_day_names() -> None:
    assert check_reason("  court   order 5 ") == "court order 5"
    with pytest.raises(ValueError, match="5 to 500"):
        check_reason("no")
    assert day_name(NOW) == "2026-11-26"
    assert day_from_name("2026-11-26") == datetime(2026, 11, 26, tzinfo=UTC)
