"""Scenario ground truth agrees with the timings in the reads and with the domain rules."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from platewarden.domain.cameras import Camera, CameraKind, Section
from platewarden.domain.messages import RegisterCamera, RegisterSection
from platewarden.domain.plates import canonical_key, normalise, parse
from platewarden.domain.reads import ClockSync, PlateRead, SignalPhase, SpeedMethod
from platewarden.domain.rules import evaluate_single_read, hotlist, section_speed
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.domain.violations import ViolationType
from platewarden.sim.traffic import Scenario, SimRead, TrafficMix, generate_scenario

# 09:00 Tashkent time: the bus lane is restricted for the first hour of the span only.
START = datetime(2026, 11, 26, 4, 0, tzinfo=UTC)


def make_scenario(seed: int = 7, vehicles: int = 300) -> Scenario:
    return generate_scenario(seed=seed, vehicles=vehicles, start=START,
                             duration=timedelta(hours=2))


def to_camera(cmd: RegisterCamera) -> Camera:
    return Camera(id=cmd.camera_id, name=cmd.name, latitude=cmd.latitude,
                  longitude=cmd.longitude, road=cmd.road, direction=cmd.direction,
                  lanes=cmd.lanes, kind=CameraKind(cmd.kind), public_key=b"\0" * 32,
                  speed_limit_kmh=cmd.speed_limit_kmh,
                  calibration_certificate=cmd.calibration_certificate,
                  calibration_expires_at=cmd.calibration_expires_at,
                  region_code=cmd.region_code, lane_restrictions=cmd.lane_restrictions,
                  red_light_grace_s=cmd.red_light_grace_s)


def to_section(cmd: RegisterSection) -> Section:
    return Section(id=cmd.section_id, name=cmd.name, entry_camera_id=cmd.entry_camera_id,
                   exit_camera_id=cmd.exit_camera_id, distance_m=cmd.distance_m,
                   speed_limit_kmh=cmd.speed_limit_kmh, class_limits_kmh=cmd.class_limits_kmh)


def to_plate_read(read: SimRead) -> PlateRead:
    p = read.payload
    parsed = parse(p.plate)
    return PlateRead(
        id=read.platform_id, camera_id=read.camera_id, read_id=p.read_id,
        captured_at=p.captured_at, clock_sync=ClockSync(p.clock_sync), plate_raw=p.plate,
        plate=normalise(p.plate), plate_key=canonical_key(p.plate), country=parsed.country,
        region=parsed.region, plate_format=parsed.format, confidence=p.confidence,
        alternatives=p.alternatives, vehicle_class=p.vehicle_class, lane=p.lane,
        direction=p.direction, speed_kmh=p.speed_kmh,
        speed_method=SpeedMethod(p.speed_method) if p.speed_method else None,
        signal_phase=SignalPhase(p.signal_phase) if p.signal_phase else None,
        time_into_red_s=p.time_into_red_s)


def rule_findings(scenario: Scenario, tolerance: SpeedTolerance) -> set[tuple[str, str, str]]:
    cameras = {c.camera_id: to_camera(c) for c in scenario.network.cameras}
    reads = [to_plate_read(r) for r in scenario.reads]
    found = {(str(v.type), v.plate, v.camera_id) for r in reads
             for v in evaluate_single_read(r, cameras[r.camera_id], tolerance=tolerance)}
    for cmd in scenario.network.sections:
        found |= {(str(v.type), v.plate, v.camera_id) for v in section_speed.expected_violations(
            reads, section=to_section(cmd), tolerance=tolerance, window_s=3 * 3600)}
    return found


@pytest.mark.parametrize("tolerance", [SpeedTolerance(),
                                       SpeedTolerance(absolute_kmh=5, percent=5,
                                                      min_excess_kmh=20)])
def test_domain_rules_find_exactly_the_expected_violations(tolerance: SpeedTolerance) -> None:
    scenario = make_scenario()
    counts = scenario.truth.count_by_type()
    assert all(counts.get(str(t), 0) > 0 for t in ViolationType)
    assert rule_findings(scenario, tolerance) == scenario.truth.violation_set()


def test_domain_hotlist_matching_gives_exactly_the_expected_alerts() -> None:
    scenario = make_scenario()
    index = hotlist.HotlistIndex(scenario.hotlist)
    found = {(str(a.kind), a.read_id, a.listed_plate)
             for r in scenario.reads for a in index.match(to_plate_read(r))}
    assert found == scenario.truth.alert_set()
    kinds = {a.kind for a in scenario.truth.alerts}
    assert kinds == {"hit", "possible-hit"}


def test_section_timings_are_clearly_over_or_under_the_limit() -> None:
    scenario = make_scenario()
    by_id = {r.platform_id: r.payload for r in scenario.reads}
    sections = {s.section_id: s for s in scenario.network.sections}
    offenders = {v.read_ids for v in scenario.truth.violations if v.section_id}
    checked = 0
    for section in sections.values():
        entries = {normalise(r.payload.plate): r for r in scenario.reads
                   if r.camera_id == section.entry_camera_id}
        for read in scenario.reads:
            if read.camera_id != section.exit_camera_id:
                continue
            entry = entries[normalise(read.payload.plate)]
            seconds = (read.payload.captured_at - entry.payload.captured_at).total_seconds()
            speed = section.distance_m / seconds * 3.6
            limit = section.class_limits_kmh.get(read.payload.vehicle_class or "",
                                                 section.speed_limit_kmh)
            if (entry.platform_id, read.platform_id) in offenders:
                assert speed >= limit + 15
            else:
                assert speed <= limit - 5
            checked += 1
    assert checked > 50
    assert all(by_id[i] for ids in offenders for i in ids)


def test_decoys_cover_the_look_alikes() -> None:
    kinds = {d.kind for d in make_scenario().truth.decoys}
    assert {"amber", "red-within-grace", "lane-outside-hours", "bus-in-bus-lane",
            "expired-hotlist-entry", "compliant-section", "compliant-spot"} <= kinds


def test_no_bus_lane_violations_when_the_span_has_no_restricted_hours() -> None:
    night = datetime(2026, 11, 26, 18, 0, tzinfo=UTC)  # 23:00 in Tashkent
    scenario = generate_scenario(seed=3, vehicles=200, start=night,
                                 duration=timedelta(hours=2))
    assert "restricted-lane" not in scenario.truth.count_by_type()
    assert rule_findings(scenario, SpeedTolerance()) == scenario.truth.violation_set()


def test_mix_of_zero_gives_no_offences() -> None:
    calm = TrafficMix(section_speeding=0, spot_speeding=0, red_light=0, bus_lane=0,
                      hotlisted=0)
    scenario = generate_scenario(seed=5, vehicles=150, start=START, mix=calm)
    assert scenario.truth.violations == ()
    assert {a.kind for a in scenario.truth.alerts} <= {"possible-hit"}
    assert rule_findings(scenario, SpeedTolerance()) == set()
