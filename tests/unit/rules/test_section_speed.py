"""Section speed: pairing and evaluation (example-based)."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from platewarden.domain.reads import ClockSync, PlateRead
from platewarden.domain.rules.section_speed import (
    Passage,
    average_speed_kmh,
    evaluate,
    expected_violations,
    pair_passages,
)
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.domain.violations import ViolationType

from .factories import at, make_read, make_section

# 1050 m at exactly 63 km/h (the 60 km/h threshold) takes exactly 60 s.
SECTION = make_section(distance_m=1050.0)
TOL = SpeedTolerance(absolute_kmh=3, percent=3.0)
WINDOW = 600.0


def entry(seconds: float, n: str = "e", **kw: Any) -> PlateRead:
    return make_read(camera_id="cam-a", read_id=n, captured_at=at(seconds), **kw)


def exit_(seconds: float, n: str = "x", **kw: Any) -> PlateRead:
    return make_read(camera_id="cam-b", read_id=n, captured_at=at(seconds), **kw)


def pairs(reads: list[PlateRead], window_s: float = WINDOW) -> list[tuple[str, str]]:
    found = pair_passages(reads, section=SECTION, window_s=window_s)
    return [(p.entry.read_id, p.exit.read_id) for p in found]


def test_an_entry_and_a_later_exit_pair() -> None:
    assert pairs([exit_(50), entry(0)]) == [("e", "x")]


def test_exit_before_entry_does_not_pair() -> None:
    assert pairs([exit_(0), entry(50)]) == []


def test_simultaneous_reads_do_not_pair() -> None:
    assert pairs([entry(10), exit_(10)]) == []


def test_window_boundary_is_inclusive() -> None:
    assert pairs([entry(0), exit_(120)], window_s=120) == [("e", "x")]
    late = exit_(120 + 1e-6)
    assert pairs([entry(0), late], window_s=120) == []


def test_exit_pairs_with_the_latest_entry() -> None:
    assert pairs([entry(0, "e1"), entry(30, "e2"), exit_(60)]) == [("e2", "x")]


def test_latest_entry_out_of_window_leaves_the_exit_unpaired() -> None:
    # The older entry is not used instead: it belongs to an earlier, abandoned trip.
    assert pairs([entry(0, "e1"), entry(10, "e2"), exit_(100)], window_s=80) == []


def test_an_exit_between_blocks_the_pairing() -> None:
    assert pairs([entry(0), exit_(30, "x1"), exit_(60, "x2")]) == [("e", "x1")]


def test_several_passes_of_one_vehicle() -> None:
    reads = [entry(0, "e1"), exit_(40, "x1"), entry(300, "e2"), exit_(350, "x2"),
             entry(900, "e3")]
    assert pairs(reads) == [("e1", "x1"), ("e2", "x2")]


def test_entries_without_exits_give_nothing() -> None:
    assert pairs([entry(0, "e1"), entry(100, "e2"), entry(200, "e3")]) == []


def test_plates_pair_only_with_themselves() -> None:
    reads = [entry(0, "e1"), exit_(40, "x1", plate="10B456CD")]
    assert pairs(reads) == []


def test_mixed_plates_are_paired_per_plate() -> None:
    other = "10B456CD"
    reads = [entry(0, "e1"), entry(5, "e2", plate=other), exit_(40, "x1"),
             exit_(45, "x2", plate=other)]
    assert pairs(reads) == [("e1", "x1"), ("e2", "x2")]


def test_confusable_readings_of_one_plate_pair() -> None:
    # 0 and O fold to one canonical key: the same vehicle read differently.
    reads = [entry(0, plate="01A123BC"), exit_(40, plate="O1A123BC")]
    assert pairs(reads) == [("e", "x")]
    violation = expected_violations(reads, section=SECTION, tolerance=TOL, window_s=WINDOW)[0]
    assert violation.details["plates_identical"] == "false"


def test_other_cameras_and_repeated_ids_are_ignored() -> None:
    stray = make_read(camera_id="cam-z", read_id="z", captured_at=at(20))
    reads = [entry(0), entry(0), stray, exit_(40), exit_(40)]
    assert pairs(reads) == [("e", "x")]


def test_a_section_needs_two_cameras() -> None:
    with pytest.raises(ValueError, match="distinct"):
        pair_passages([], section=make_section(exit_camera_id="cam-a"), window_s=60)


def test_exactly_at_the_threshold_is_no_violation() -> None:
    passage = Passage(entry=entry(0), exit=exit_(60))
    assert average_speed_kmh(passage, section=SECTION) == Decimal(63)
    assert evaluate(passage, section=SECTION, tolerance=TOL) is None


def test_a_microsecond_faster_is_a_violation() -> None:
    passage = Passage(entry=entry(0), exit=exit_(60 - 1e-6))
    assert evaluate(passage, section=SECTION, tolerance=TOL) is not None


def test_one_kmh_over_the_threshold_is_a_violation() -> None:
    # 1050 m at 64 km/h takes 59.0625 s.
    passage = Passage(entry=entry(0), exit=exit_(59.0625))
    violation = evaluate(passage, section=SECTION, tolerance=TOL)
    assert violation is not None
    assert violation.measured == 64.0


def test_violation_records_reads_gap_clock_and_tolerance() -> None:
    first = entry(0, clock_sync=ClockSync.DEGRADED)
    last = exit_(42.5)
    violation = evaluate(Passage(entry=first, exit=last), section=SECTION, tolerance=TOL)
    assert violation is not None
    assert violation.type is ViolationType.SECTION_SPEED
    assert violation.read_ids == (first.id, last.id)
    assert violation.camera_id == "cam-b"
    assert violation.occurred_at == last.captured_at
    assert violation.measured == pytest.approx(88.941176, abs=1e-6)
    assert violation.limit == 60.0
    assert violation.clock_sync == "degraded"
    assert violation.tolerance == TOL.describe()
    details = violation.details
    assert details["section_id"] == "sec-1"
    assert details["gap_s"] == "42.5"
    assert details["average_speed_kmh"] == "88.94"
    assert (details["entry_clock_sync"], details["exit_clock_sync"]) == ("degraded", "synced")
    assert (details["entry_read_id"], details["exit_read_id"]) == (first.id, last.id)


def test_worst_clock_sync_of_both_reads_is_recorded() -> None:
    passage = Passage(entry=entry(0), exit=exit_(30, clock_sync=ClockSync.UNSYNCED))
    violation = evaluate(passage, section=SECTION, tolerance=TOL)
    assert violation is not None
    assert violation.clock_sync == "unsynced"


@pytest.mark.parametrize(
    ("entry_class", "exit_class", "expected_limit"),
    [("truck", "truck", 50.0), ("car", "truck", 50.0), ("truck", None, 50.0),
     ("truck", "car", 60.0), (None, None, 60.0)],
)
def test_class_limit_comes_from_the_exit_read_else_the_entry(
    entry_class: str | None, exit_class: str | None, expected_limit: float
) -> None:
    # 70 s is 54 km/h: over the truck threshold (53), under the car one (63).
    passage = Passage(entry=entry(0, vehicle_class=entry_class),
                      exit=exit_(70, vehicle_class=exit_class))
    violation = evaluate(passage, section=SECTION, tolerance=TOL)
    assert (violation.limit if violation else 60.0) == expected_limit


def test_the_id_comes_from_both_reads_and_the_section() -> None:
    passage = Passage(entry=entry(0), exit=exit_(30))
    first = evaluate(passage, section=SECTION, tolerance=TOL)
    again = evaluate(passage, section=SECTION, tolerance=TOL)
    elsewhere = evaluate(passage, section=make_section(id="sec-2", distance_m=1050.0),
                         tolerance=TOL)
    other = evaluate(Passage(entry=entry(1, "e2"), exit=exit_(30)), section=SECTION,
                     tolerance=TOL)
    assert first is not None
    assert again is not None
    assert elsewhere is not None
    assert other is not None
    assert first.id == again.id
    assert len({first.id, elsewhere.id, other.id}) == 3


def test_a_passage_from_another_section_is_a_caller_error() -> None:
    passage = Passage(entry=exit_(0), exit=entry(30))
    with pytest.raises(ValueError, match="section"):
        evaluate(passage, section=SECTION, tolerance=TOL)


def test_a_hand_built_zero_gap_passage_gives_nothing() -> None:
    assert evaluate(Passage(entry=entry(5), exit=exit_(5)), section=SECTION, tolerance=TOL) is None


def test_late_entry_changes_the_pairing() -> None:
    early, late, out = entry(0, "e1"), entry(40, "e2"), exit_(50)
    assert pairs([early, out]) == [("e1", "x")]
    assert pairs([early, out, late]) == [("e2", "x")]
    gap = pair_passages([early, out, late], section=SECTION, window_s=WINDOW)[0].gap
    assert gap == timedelta(seconds=10)
