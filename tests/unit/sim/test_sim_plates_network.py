"""Random plates are always valid; the demo network is coherent and on real roads."""

from __future__ import annotations

import random
from collections import Counter
from datetime import UTC, datetime, timedelta

from hypothesis import given
from hypothesis import strategies as st

from platewarden.domain.cameras import CameraKind
from platewarden.domain.plates import parse
from platewarden.sim.network import demo_network, distance_m
from platewarden.sim.plates import KINDS, random_plate

NOW = datetime(2026, 11, 26, 15, 0, tzinfo=UTC)


@given(seed=st.integers(min_value=0, max_value=2**64), kind=st.sampled_from((None, *KINDS)))
def test_random_plates_parse_exactly_as_their_kind(seed: int, kind: str | None) -> None:
    plate = random_plate(random.Random(seed), kind=kind)
    parsed = parse(plate)
    assert parsed.country == "UZ"
    assert not parsed.corrected
    assert parsed.text == plate
    if kind is not None:
        assert parsed.format == kind
    assert "I" not in plate


def test_regions_and_kinds_follow_the_reference_frequencies() -> None:
    rng = random.Random(1)
    plates = [random_plate(rng) for _ in range(4000)]
    regions = Counter(p[:2] for p in plates)
    assert 0.28 < regions["01"] / 4000 < 0.38
    assert 0.15 < regions["10"] / 4000 < 0.23
    formats = Counter(parse(p).format for p in plates)
    assert formats["private"] / 4000 > 0.85
    last = Counter(p[-1] for p in plates if parse(p).format == "private")
    assert (last["A"] + last["B"]) / sum(last.values()) > 0.85


def test_network_ids_kinds_and_references_are_coherent() -> None:
    network = demo_network(now=NOW)
    ids = [c.camera_id for c in network.cameras]
    assert len(set(ids)) == len(ids)
    kinds = {CameraKind(c.kind) for c in network.cameras}
    assert kinds == set(CameraKind)
    for section in network.sections:
        assert {section.entry_camera_id, section.exit_camera_id} <= set(ids)
        assert section.speed_limit_kmh == 100
    for route in network.routes:
        assert set(route.camera_ids) <= set(ids)
        assert len(route.leg_m) == len(route.camera_ids) - 1


def test_cameras_are_in_tashkent_and_its_region_with_valid_calibration() -> None:
    network = demo_network(now=NOW)
    for camera in network.cameras:
        assert 40.9 < camera.latitude < 41.4
        assert 68.7 < camera.longitude < 69.4
        assert camera.region_code in {"01", "10"}
        measures = CameraKind(camera.kind) in {CameraKind.SPOT_SPEED, CameraKind.SECTION_POINT}
        if measures:
            assert camera.calibration_certificate
            assert camera.calibration_expires_at == NOW + timedelta(days=365)
        if camera.speed_limit_kmh is not None and not camera.camera_id.startswith("m39"):
            assert camera.speed_limit_kmh in {60, 70}


def test_section_length_matches_the_coordinates() -> None:
    network = demo_network(now=NOW)
    for section in network.sections:
        entry = network.camera(section.entry_camera_id)
        exit_ = network.camera(section.exit_camera_id)
        metres = distance_m((entry.latitude, entry.longitude), (exit_.latitude, exit_.longitude))
        assert abs(metres - section.distance_m) <= 10
        assert 8_000 < section.distance_m < 15_000


def test_bus_lane_camera_restricts_lane_one_at_rush_hours() -> None:
    bus = demo_network(now=NOW).camera("tas-rustaveli-bus")
    windows = {(r.start_minute, r.end_minute) for r in bus.lane_restrictions}
    assert windows == {(420, 600), (1020, 1200)}
    assert all(r.lane == 1 and r.allowed_classes == {"bus"} and r.utc_offset_minutes == 300
               for r in bus.lane_restrictions)


def test_haversine_of_a_known_distance() -> None:
    # Tashkent to Samarkand is about 270 km as the crow flies.
    assert 260_000 < distance_m((41.2995, 69.2401), (39.6542, 66.9597)) < 280_000
