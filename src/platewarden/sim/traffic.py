"""Seeded traffic scenarios: vehicles driving the demo network, and what they should trigger.

``generate_scenario`` returns the reads every camera takes (with stable read ids) and the
ground truth: which violations and hotlist alerts the server should find, plus decoys that
look like offences but are not. Offenders are *clearly* over (at least 22 km/h over the limit,
at least 1 s into red) and compliant drivers clearly under, so no reasonable tolerance
policy changes the outcome. The same seed and parameters give the same scenario.
"""

from __future__ import annotations

import dataclasses
import hashlib
import random
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from platewarden.camera.payloads import ReadPayload
from platewarden.domain.plates import canonical_key, format_display, parse
from platewarden.domain.reads import Alternative
from platewarden.domain.violations import HotlistEntry
from platewarden.sim.behaviour import Behaviour, TrafficMix, draw_behaviour, draw_class
from platewarden.sim.hotlist import plan_hotlist
from platewarden.sim.network import DemoNetwork, demo_network
from platewarden.sim.observe import Observation, observe_route
from platewarden.sim.plates import random_plate
from platewarden.sim.truth import (
    Decoy,
    ExpectedViolation,
    GroundTruth,
    ObservedRead,
    expected_alerts,
)

__all__ = ["Scenario", "SimRead", "TrafficMix", "Vehicle", "generate_scenario"]

# Look-alike characters a reader confuses that the canonical key does *not* fold, so an
# alternative reading never collides with the plate it belongs to.
_LOOKALIKE = {"C": "G", "H": "M", "M": "H", "U": "V", "V": "U", "E": "F", "F": "E",
              "K": "X", "X": "K", "3": "8", "8": "3", "7": "1", "4": "A", "A": "4"}


@dataclass(frozen=True, slots=True, kw_only=True)
class Vehicle:
    """One simulated vehicle.

    Attributes:
        plate: Normalised plate.
        vehicle_class: ``car``, ``truck``, ``bus`` or ``motorcycle``.
        route: Name of the route it drives.
        departs_at: When it passes the route's first camera.
        behaviour: What it does on the way.
    """

    plate: str
    vehicle_class: str
    route: str
    departs_at: datetime
    behaviour: Behaviour


@dataclass(frozen=True, slots=True, kw_only=True)
class SimRead:
    """A read and the camera that takes it."""

    camera_id: str
    payload: ReadPayload

    @property
    def platform_id(self) -> str:
        """``camera_id:read_id``, the server's id of the read."""
        return f"{self.camera_id}:{self.payload.read_id}"


@dataclass(frozen=True, slots=True, kw_only=True)
class Scenario:
    """A generated scenario.

    Attributes:
        seed: The seed it was generated from.
        start: Earliest departure.
        end: Latest capture: vehicles that would still be driving then leave earlier, so
            every read lies in ``[start, end]`` (unless a route is longer than the span).
        network: The demo network it runs on.
        vehicles: Every vehicle.
        reads: Every read, ordered by capture time.
        hotlist: Entries to load on the server before sending the reads.
        truth: What the server should find.
    """

    seed: int
    start: datetime
    end: datetime
    network: DemoNetwork
    vehicles: tuple[Vehicle, ...]
    reads: tuple[SimRead, ...]
    hotlist: tuple[HotlistEntry, ...]
    truth: GroundTruth = field(repr=False)

    def reads_by_camera(self) -> dict[str, tuple[ReadPayload, ...]]:
        """Reads per camera id, each in capture-time order."""
        grouped: dict[str, list[ReadPayload]] = {}
        for read in self.reads:
            grouped.setdefault(read.camera_id, []).append(read.payload)
        return {camera_id: tuple(reads) for camera_id, reads in grouped.items()}


def _unique_plate(rng: random.Random, vehicle_class: str, used: set[str]) -> str:
    kind = "motorcycle" if vehicle_class == "motorcycle" else None
    while True:
        plate = random_plate(rng, kind=kind)
        if canonical_key(plate) not in used:
            used.add(canonical_key(plate))
            return plate


def _make_vehicles(rng: random.Random, *, count: int, start: datetime, end: datetime,
                   mix: TrafficMix, network: DemoNetwork, used: set[str]) -> list[Vehicle]:
    names = [route.name for route in network.routes]
    weights = [mix.route_weight(name) for name in names]
    vehicles = []
    for _ in range(count):
        route = network.route(rng.choices(names, weights=weights)[0])
        vehicle_class = draw_class(rng, route=route, network=network)
        plate = _unique_plate(rng, vehicle_class, used)
        behaviour, departs = draw_behaviour(rng, route=route, vehicle_class=vehicle_class,
                                            network=network, mix=mix, start=start, end=end)
        vehicles.append(Vehicle(plate=plate, vehicle_class=vehicle_class, route=route.name,
                                departs_at=departs, behaviour=behaviour))
    return vehicles


def _make_confusable(vehicles: list[Vehicle], used: set[str]) -> str | None:
    """Give one private car a ``D`` series letter; return the ``O`` twin to list.

    ``D`` and ``O`` fold to the same canonical key, so the listed twin matches the car only
    as a possible hit. Returns ``None`` when no car can take such a plate.
    """
    for index, vehicle in enumerate(vehicles):
        if vehicle.vehicle_class != "car" or parse(vehicle.plate).format != "private":
            continue
        plate = vehicle.plate[:2] + "D" + vehicle.plate[3:]
        if canonical_key(plate) in used:
            continue
        used.discard(canonical_key(vehicle.plate))
        used.add(canonical_key(plate))
        vehicles[index] = dataclasses.replace(vehicle, plate=plate)
        return vehicle.plate[:2] + "O" + vehicle.plate[3:]
    return None


def _alternatives(rng: random.Random, plate: str, mix: TrafficMix,
                  avoid: set[str]) -> tuple[Alternative, ...]:
    if rng.random() >= mix.alternatives:
        return ()
    positions = [i for i, char in enumerate(plate) if char in _LOOKALIKE]
    if not positions:
        return ()
    at = rng.choice(positions)
    text = plate[:at] + _LOOKALIKE[plate[at]] + plate[at + 1:]
    if canonical_key(text) in avoid:
        return ()
    return (Alternative(text=text, confidence=round(rng.uniform(0.005, 0.08), 3)),)


def _payload(rng: random.Random, obs: Observation, mix: TrafficMix,
             avoid: set[str]) -> ReadPayload:
    shown = obs.plate
    if rng.random() < mix.spaced_plates:
        shown = format_display(parse(obs.plate))
    return ReadPayload(
        read_id="", captured_at=obs.captured_at, plate=shown,
        confidence=round(rng.uniform(0.86, 0.995), 3),
        alternatives=_alternatives(rng, obs.plate, mix, avoid),
        vehicle_class=obs.vehicle_class, lane=obs.lane, direction=obs.direction,
        speed_kmh=obs.speed_kmh, speed_method=obs.speed_method, signal_phase=obs.signal_phase,
        time_into_red_s=obs.time_into_red_s)


def _tag(seed: int, start: datetime, count: int, duration: timedelta) -> str:
    text = f"{seed}|{start.isoformat()}|{count}|{duration.total_seconds()}"
    return hashlib.sha256(text.encode()).hexdigest()[:8]


def _number(observations: Sequence[Observation], tag: str) -> list[str]:
    """Read ids per camera in capture order: ``<tag>-000001``..."""
    order = sorted(range(len(observations)),
                   key=lambda i: (observations[i].captured_at, observations[i].plate))
    counters: dict[str, int] = {}
    ids = [""] * len(observations)
    for index in order:
        camera_id = observations[index].camera_id
        counters[camera_id] = counters.get(camera_id, 0) + 1
        ids[index] = f"{tag}-{counters[camera_id]:06d}"
    return ids


def _drive(seed: int, vehicle: Vehicle, *, network: DemoNetwork, start: datetime,
           end: datetime) -> tuple[Vehicle, list[Observation]]:
    """The vehicle's sightings, all captured by ``end``.

    A vehicle that would still be on the road after ``end`` leaves earlier instead, so that
    a scenario ending before now never holds reads from the future. It drives the same
    (same seed), so only its times move.
    """
    def observe(departs_at: datetime) -> list[Observation]:
        return observe_route(random.Random(seed), plate=vehicle.plate,  # noqa: S311
                             vehicle_class=vehicle.vehicle_class,
                             route=network.route(vehicle.route), departs_at=departs_at,
                             behaviour=vehicle.behaviour, network=network)

    seen = observe(vehicle.departs_at)
    overflow = seen[-1].captured_at - end
    if overflow > timedelta(0):
        vehicle = dataclasses.replace(vehicle,
                                      departs_at=max(start, vehicle.departs_at - overflow))
        seen = observe(vehicle.departs_at)
    return vehicle, seen


def _pick_listed(rng: random.Random, plates: Sequence[str], mix: TrafficMix) -> list[str]:
    """Plates to list: the first gets an expired entry, the rest active ones."""
    wanted = round(mix.hotlisted * len(plates))
    if mix.hotlisted > 0:
        wanted = max(wanted, 1)
    return rng.sample(list(plates), k=min(len(plates), wanted + 1))


def generate_scenario(*, seed: int, vehicles: int = 200, start: datetime,
                      duration: timedelta = timedelta(hours=1), mix: TrafficMix | None = None,
                      network: DemoNetwork | None = None) -> Scenario:
    """Generate a deterministic scenario.

    Args:
        seed: Seed of every random choice.
        vehicles: Number of vehicles.
        start: Earliest departure (timezone-aware).
        duration: Departures spread over ``[start, start + duration]``.
        mix: Shares of each behaviour (default ``TrafficMix()``).
        network: Network to drive (default ``demo_network(now=start)``).
    """
    if start.tzinfo is None:
        raise ValueError("start must be timezone-aware")
    mix = mix or TrafficMix()
    network = network or demo_network(now=start)
    rng = random.Random(seed)  # noqa: S311 - simulation, not secrets
    end, used = start + duration, set[str]()
    fleet = _make_vehicles(rng, count=vehicles, start=start, end=end, mix=mix,
                           network=network, used=used)
    twin = _make_confusable(fleet, used)
    twin_carrier = None if twin is None else twin[:2] + "D" + twin[3:]
    picked = _pick_listed(rng, [v.plate for v in fleet if v.plate != twin_carrier], mix)
    plan = plan_hotlist(rng, listed=picked[1:], expired=picked[:1],
                        confusable=[twin] if twin else [], used_keys=used, start=start)
    observations: list[Observation] = []
    for index, vehicle in enumerate(fleet):
        fleet[index], seen = _drive(rng.getrandbits(64), vehicle, network=network, start=start,
                                    end=end)
        observations += seen
    avoid = used | {canonical_key(e.plate) for e in plan.entries}
    payloads = [_payload(rng, obs, mix, avoid) for obs in observations]
    ids = _number(observations, _tag(seed, start, vehicles, duration))
    reads = [SimRead(camera_id=obs.camera_id, payload=dataclasses.replace(p, read_id=rid))
             for obs, p, rid in zip(observations, payloads, ids, strict=True)]
    truth = _truth(observations, reads, plan.entries, plan.expired_plates)
    reads.sort(key=lambda r: (r.payload.captured_at, r.camera_id, r.payload.read_id))
    return Scenario(seed=seed, start=start, end=end, network=network, vehicles=tuple(fleet),
                    reads=tuple(reads), hotlist=plan.entries, truth=truth)


def _truth(observations: Sequence[Observation], reads: Sequence[SimRead],
           entries: Sequence[HotlistEntry], expired: Sequence[str]) -> GroundTruth:
    platform = {id(obs): read.platform_id for obs, read in zip(observations, reads, strict=True)}
    violations: list[ExpectedViolation] = []
    decoys: list[Decoy] = []
    for obs, read in zip(observations, reads, strict=True):
        for finding in obs.findings:
            ids = (*(platform[id(o)] for o in finding.evidence), read.platform_id)
            violations.append(ExpectedViolation(
                type=finding.type, plate=obs.plate, camera_id=obs.camera_id, read_ids=ids,
                measured=finding.measured, limit=finding.limit, section_id=finding.section_id))
        decoys += [Decoy(kind=kind, plate=obs.plate, camera_id=obs.camera_id,
                         read_id=read.platform_id) for kind in obs.decoys]
        if obs.plate in expired:
            decoys.append(Decoy(kind="expired-hotlist-entry", plate=obs.plate,
                                camera_id=obs.camera_id, read_id=read.platform_id))
    observed = [ObservedRead(read_id=r.platform_id, camera_id=r.camera_id, plate=o.plate,
                             captured_at=o.captured_at)
                for o, r in zip(observations, reads, strict=True)]
    return GroundTruth(violations=tuple(violations), alerts=expected_alerts(observed, entries),
                       decoys=tuple(decoys))

