"""Scenarios are deterministic, well-formed and sized as asked."""

from __future__ import annotations

import csv
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platewarden.domain.plates import canonical_key, normalise, parse
from platewarden.sim.hotlist import CSV_COLUMNS, write_hotlist_csv
from platewarden.sim.traffic import generate_scenario

START = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


def test_same_seed_same_scenario_other_seed_other_scenario() -> None:
    a = generate_scenario(seed=11, vehicles=120, start=START)
    b = generate_scenario(seed=11, vehicles=120, start=START)
    c = generate_scenario(seed=12, vehicles=120, start=START)
    assert a.reads == b.reads
    assert a.truth == b.truth
    assert a.hotlist == b.hotlist
    assert a.reads != c.reads


def test_reads_are_time_ordered_with_unique_stable_ids() -> None:
    scenario = generate_scenario(seed=2, vehicles=150, start=START)
    times = [r.payload.captured_at for r in scenario.reads]
    assert times == sorted(times)
    ids = [r.platform_id for r in scenario.reads]
    assert len(set(ids)) == len(ids)
    per_camera = scenario.reads_by_camera()
    assert sum(len(v) for v in per_camera.values()) == len(ids)
    for reads in per_camera.values():
        assert [r.read_id for r in reads] == sorted(r.read_id for r in reads)
    other_start = generate_scenario(seed=2, vehicles=150, start=START + timedelta(days=1))
    assert not set(ids) & {r.platform_id for r in other_start.reads}


def test_every_vehicle_has_a_distinct_valid_plate() -> None:
    scenario = generate_scenario(seed=4, vehicles=400, start=START)
    keys = [canonical_key(v.plate) for v in scenario.vehicles]
    assert len(set(keys)) == len(keys)
    for vehicle in scenario.vehicles:
        parsed = parse(vehicle.plate)
        assert parsed.country == "UZ"
        assert not parsed.corrected
        assert (parsed.format == "motorcycle") == (vehicle.vehicle_class == "motorcycle")
    for read in scenario.reads:
        assert normalise(read.payload.plate) in {v.plate for v in scenario.vehicles}
        assert 0.0 < read.payload.confidence < 1.0
        for alt in read.payload.alternatives:
            assert canonical_key(alt.text) != canonical_key(read.payload.plate)


def test_departures_fall_in_the_span() -> None:
    scenario = generate_scenario(seed=9, vehicles=100, start=START,
                                 duration=timedelta(minutes=45))
    assert all(START <= v.departs_at <= scenario.end for v in scenario.vehicles)
    assert scenario.end == START + timedelta(minutes=45)
    assert scenario.reads[0].payload.captured_at >= START
    assert scenario.reads[-1].payload.captured_at <= scenario.end


@settings(max_examples=15, deadline=None)
@given(seed=st.integers(min_value=0, max_value=2**32), count=st.integers(1, 40))
def test_any_seed_gives_a_consistent_small_scenario(seed: int, count: int) -> None:
    scenario = generate_scenario(seed=seed, vehicles=count, start=START)
    assert len(scenario.vehicles) == count
    ids = {r.platform_id for r in scenario.reads}
    for violation in scenario.truth.violations:
        assert set(violation.read_ids) <= ids
    for alert in scenario.truth.alerts:
        assert alert.read_id in ids


def test_naive_start_is_refused() -> None:
    with pytest.raises(ValueError, match="timezone"):
        generate_scenario(seed=1, vehicles=1, start=START.replace(tzinfo=None))


def test_hotlist_csv_has_the_agreed_columns(tmp_path: Path) -> None:
    scenario = generate_scenario(seed=1, vehicles=200, start=START)
    path = tmp_path / "hotlist.csv"
    assert write_hotlist_csv(path, scenario.hotlist) == len(scenario.hotlist)
    with path.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    assert tuple(rows[0]) == CSV_COLUMNS
    assert [r["plate"] for r in rows] == [e.plate for e in scenario.hotlist]
    for row in rows:
        assert datetime.fromisoformat(row["expires_at"]).tzinfo is not None
        assert 1 <= int(row["priority"]) <= 5
        assert row["list"] in {"stolen", "wanted"}
        assert row["legal_basis"]
    expired = [e for e in scenario.hotlist if e.expires_at < START]
    assert len(expired) == 1
