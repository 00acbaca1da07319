"""Deterministic ids."""

from __future__ import annotations

import pytest

from platewarden.domain.rules.ids import alert_id, violation_id
from platewarden.domain.violations import ViolationType


def test_same_reads_give_the_same_id_in_any_order() -> None:
    first = violation_id(ViolationType.SECTION_SPEED, ["b:2", "a:1"])
    assert first == violation_id(ViolationType.SECTION_SPEED, ["a:1", "b:2", "a:1"])
    assert len(first) == 64
    assert int(first, 16) >= 0


def test_rule_reads_and_scope_all_change_the_id() -> None:
    base = violation_id(ViolationType.SPOT_SPEED, ["a:1"])
    assert base != violation_id(ViolationType.RED_LIGHT, ["a:1"])
    assert base != violation_id(ViolationType.SPOT_SPEED, ["a:2"])
    assert base != violation_id(ViolationType.SPOT_SPEED, ["a:1"], scope="sec-1")


def test_ids_cannot_be_forged_by_joining_text() -> None:
    assert violation_id(ViolationType.SPOT_SPEED, ["a", "b"]) != violation_id(
        ViolationType.SPOT_SPEED, ["a,b"]
    )


def test_a_violation_needs_reads() -> None:
    with pytest.raises(ValueError, match="at least one read"):
        violation_id(ViolationType.SPOT_SPEED, [])


def test_alert_id_depends_on_read_and_entry() -> None:
    assert alert_id("a:1", "h1") == alert_id("a:1", "h1")
    assert alert_id("a:1", "h1") != alert_id("a:1", "h2")
    assert alert_id("a:1", "h1") != alert_id("a:2", "h1")
    assert alert_id("a:1", "h1") != violation_id(ViolationType.SPOT_SPEED, ["a:1"])
