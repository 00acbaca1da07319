"""A vehicle driving its route: when each camera sees it, what the camera reports, and
which offence (or look-alike) each sighting is."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from platewarden.domain.cameras import CameraKind
from platewarden.domain.messages import RegisterCamera, RegisterSection
from platewarden.domain.violations import ViolationType
from platewarden.sim.behaviour import Behaviour, window_state
from platewarden.sim.network import DemoNetwork, Route

# Offenders are this far over a speed limit, compliant drivers at least COMPLIANT_KMH under,
# so the outcome does not depend on the tolerance policy.
SPEEDING_KMH = (22.0, 45.0)
COMPLIANT_KMH = (5.0, 25.0)
RED_RUN_S = (1.0, 6.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Finding:
    """An offence a sighting completes.

    Attributes:
        type: Offence kind.
        measured: Speed (km/h), seconds into red or lane.
        limit: Limit applied.
        section_id: The section, for section speed.
        evidence: Earlier sightings that are part of the evidence (a section's entry).
    """

    type: ViolationType
    measured: float
    limit: float
    section_id: str | None = None
    evidence: tuple[Observation, ...] = ()


@dataclass(eq=False, slots=True, kw_only=True)
class Observation:
    """One camera's sighting of one vehicle, with what it should give."""

    camera_id: str
    plate: str
    vehicle_class: str
    captured_at: datetime
    direction: str
    lane: int | None = None
    speed_kmh: float | None = None
    speed_method: str | None = None
    signal_phase: str | None = None
    time_into_red_s: float | None = None
    findings: list[Finding] = field(default_factory=list)
    decoys: list[str] = field(default_factory=list)


def _speed(rng: random.Random, limit: float, *, speeding: bool) -> float:
    low, high = SPEEDING_KMH if speeding else COMPLIANT_KMH
    excess = rng.uniform(low, high)
    return round(limit + excess if speeding else max(20.0, limit - excess), 1)


def _leg_speed(rng: random.Random, section: RegisterSection | None, behaviour: Behaviour,
               vehicle_class: str, highway: bool) -> float:
    if section is not None:
        limit = section.class_limits_kmh.get(vehicle_class, section.speed_limit_kmh)
        return _speed(rng, limit, speeding=behaviour.section_speeding)
    return rng.uniform(75.0, 95.0) if highway else rng.uniform(25.0, 45.0)


def _spot(rng: random.Random, obs: Observation, camera: RegisterCamera,
          behaviour: Behaviour) -> None:
    limit = camera.speed_limit_kmh or 0
    obs.speed_kmh = _speed(rng, limit, speeding=behaviour.spot_speeding)
    obs.speed_method = "radar"
    expires = camera.calibration_expires_at
    calibrated = expires is not None and obs.captured_at <= expires
    if behaviour.spot_speeding and calibrated:
        obs.findings.append(Finding(type=ViolationType.SPOT_SPEED, measured=obs.speed_kmh,
                                    limit=float(limit)))
    else:
        obs.decoys.append("compliant-spot" if not behaviour.spot_speeding else "uncalibrated")


def _red_light(rng: random.Random, obs: Observation, camera: RegisterCamera,
               behaviour: Behaviour) -> None:
    grace = camera.red_light_grace_s
    signal = behaviour.signal
    obs.signal_phase = "red" if signal.startswith("red") else signal
    if signal == "red":
        low = max(RED_RUN_S[0], grace + 0.5)
        obs.time_into_red_s = round(rng.uniform(low, max(low, RED_RUN_S[1])), 2)
        obs.findings.append(Finding(type=ViolationType.RED_LIGHT,
                                    measured=obs.time_into_red_s, limit=grace))
    elif signal == "red-within-grace":
        obs.time_into_red_s = round(rng.uniform(0.05, grace * 0.6), 2)
        obs.decoys.append("red-within-grace")
    elif signal == "amber":
        obs.decoys.append("amber")


def _lane(rng: random.Random, obs: Observation, camera: RegisterCamera,
          behaviour: Behaviour) -> None:
    restrictions = camera.lane_restrictions
    restricted = {r.lane for r in restrictions}
    free = [lane for lane in range(1, camera.lanes + 1) if lane not in restricted] or [1]
    obs.lane = rng.choice(free)
    if not restrictions:
        return
    state = window_state(restrictions, obs.captured_at)
    lane = restrictions[0].lane
    if obs.vehicle_class == "bus":
        obs.lane = lane
        obs.decoys.append("bus-in-bus-lane")
    elif behaviour.bus_lane != "none" and state == "inside":
        obs.lane = lane
        obs.findings.append(Finding(type=ViolationType.RESTRICTED_LANE, measured=float(lane),
                                    limit=float(lane)))
    elif behaviour.bus_lane != "none" and state == "outside":
        obs.lane = lane
        obs.decoys.append("lane-outside-hours")


def _sighting(rng: random.Random, camera: RegisterCamera, *, plate: str,
              vehicle_class: str, at: datetime, behaviour: Behaviour) -> Observation:
    obs = Observation(camera_id=camera.camera_id, plate=plate, vehicle_class=vehicle_class,
                      captured_at=at, direction=camera.direction)
    kind = CameraKind(camera.kind)
    _lane(rng, obs, camera, behaviour)
    if kind is CameraKind.SPOT_SPEED:
        _spot(rng, obs, camera, behaviour)
    elif kind is CameraKind.RED_LIGHT:
        _red_light(rng, obs, camera, behaviour)
    return obs


def _section_finding(obs: Observation, entry: Observation, section: RegisterSection,
                     behaviour: Behaviour) -> None:
    seconds = (obs.captured_at - entry.captured_at).total_seconds()
    speed = section.distance_m / seconds * 3.6
    limit = section.class_limits_kmh.get(obs.vehicle_class, section.speed_limit_kmh)
    if behaviour.section_speeding:
        obs.findings.append(Finding(type=ViolationType.SECTION_SPEED, measured=round(speed, 2),
                                    limit=float(limit), section_id=section.section_id,
                                    evidence=(entry,)))
    else:
        obs.decoys.append("compliant-section")


def observe_route(rng: random.Random, *, plate: str, vehicle_class: str, route: Route,
                  departs_at: datetime, behaviour: Behaviour,
                  network: DemoNetwork) -> list[Observation]:
    """Every sighting of one vehicle along ``route``, in order."""
    sightings: list[Observation] = []
    at = departs_at
    for index, camera_id in enumerate(route.camera_ids):
        camera = network.camera(camera_id)
        section = None
        if index > 0:
            previous = network.camera(route.camera_ids[index - 1])
            section = network.section_between(previous.camera_id, camera_id)
            highway = previous.road == camera.road and camera.road.startswith("M")
            speed = _leg_speed(rng, section, behaviour, vehicle_class, highway)
            # Whole microseconds, as the wire format carries them.
            at += timedelta(microseconds=round(route.leg_m[index - 1] / speed * 3.6e6))
        obs = _sighting(rng, camera, plate=plate, vehicle_class=vehicle_class, at=at,
                        behaviour=behaviour)
        if section is not None:
            _section_finding(obs, sightings[-1], section, behaviour)
        sightings.append(obs)
    return sightings
