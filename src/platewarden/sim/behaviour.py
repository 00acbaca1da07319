"""How simulated vehicles behave: the traffic mix and each vehicle's draw from it."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta

from platewarden.domain.cameras import CameraKind, LaneRestriction
from platewarden.domain.rules.restricted_lane import active_at
from platewarden.sim.network import DemoNetwork, Route

# Reads this close to a lane window's edge are avoided: the outcome must not hinge on
# sub-minute clock differences.
LANE_WINDOW_MARGIN = timedelta(minutes=5)
ROUTE_SLACK = timedelta(minutes=30)
_DEFAULT_ROUTES = (("m39-towards-samarkand", 0.35), ("m39-towards-tashkent", 0.2),
                   ("city-amir-temur", 0.25), ("city-rustaveli", 0.2))


@dataclass(frozen=True, slots=True, kw_only=True)
class TrafficMix:
    """Shares of each behaviour, among the vehicles that can show it.

    Attributes:
        section_speeding: Of vehicles crossing a section, those clearly over its limit.
        spot_speeding: Of vehicles passing a radar, those clearly over its limit.
        red_light: Of vehicles at a red-light camera, those crossing well into red.
        amber: Those crossing on amber (not an offence).
        red_within_grace: Those crossing within the grace time into red (not an offence).
        bus_lane: Of non-buses at a bus-lane camera, those in the bus lane in its hours.
        bus_lane_off_hours: Those in the bus lane outside its hours (not an offence).
        hotlisted: Share of vehicles on the hotlist.
        spaced_plates: Share of reads sent with spaces (``01 A 123 BC``).
        alternatives: Share of reads carrying an alternative reading.
        route_weights: Relative weight of each route by name (unlisted routes: 1).
    """

    section_speeding: float = 0.25
    spot_speeding: float = 0.25
    red_light: float = 0.15
    amber: float = 0.15
    red_within_grace: float = 0.05
    bus_lane: float = 0.3
    bus_lane_off_hours: float = 0.15
    hotlisted: float = 0.03
    spaced_plates: float = 0.1
    alternatives: float = 0.4
    route_weights: tuple[tuple[str, float], ...] = _DEFAULT_ROUTES

    def route_weight(self, name: str) -> float:
        """Relative weight of route ``name``."""
        return dict(self.route_weights).get(name, 1.0)


@dataclass(frozen=True, slots=True, kw_only=True)
class Behaviour:
    """What one vehicle does on its route.

    Attributes:
        section_speeding: Clearly over the limit through sections.
        spot_speeding: Clearly over the limit at radars.
        signal: ``green``, ``amber``, ``red-within-grace`` or ``red`` at red-light cameras.
        bus_lane: ``none``, ``in-hours`` or ``off-hours``: whether it takes the restricted
            lane, and when it was meant to pass (the read's time decides what it is).
    """

    section_speeding: bool = False
    spot_speeding: bool = False
    signal: str = "green"
    bus_lane: str = "none"


def _kinds(route: Route, network: DemoNetwork) -> set[CameraKind]:
    return {CameraKind(network.camera(cid).kind) for cid in route.camera_ids}


def draw_class(rng: random.Random, *, route: Route, network: DemoNetwork) -> str:
    """A vehicle class suited to the route (trucks on highways, buses on bus lanes)."""
    kinds = _kinds(route, network)
    classes: tuple[str, ...]
    weights: tuple[int, ...]
    if CameraKind.SECTION_POINT in kinds or CameraKind.SPOT_SPEED in kinds:
        classes, weights = ("car", "truck", "bus", "motorcycle"), (78, 15, 4, 3)
    elif CameraKind.LANE in kinds:
        classes, weights = ("car", "bus", "motorcycle"), (72, 25, 3)
    else:
        classes, weights = ("car", "bus", "motorcycle"), (91, 5, 4)
    return rng.choices(classes, weights=weights)[0]


def lane_restrictions(route: Route, network: DemoNetwork) -> tuple[LaneRestriction, ...]:
    """Every lane restriction of the cameras on ``route``."""
    found: list[LaneRestriction] = []
    for camera_id in route.camera_ids:
        found.extend(network.camera(camera_id).lane_restrictions)
    return tuple(found)


def window_state(restrictions: tuple[LaneRestriction, ...], when: datetime) -> str:
    """``inside``/``outside`` when every restriction is clearly so at ``when``, else ``edge``."""
    moments = (when - LANE_WINDOW_MARGIN, when, when + LANE_WINDOW_MARGIN)
    states = {any(active_at(r, m) for r in restrictions) for m in moments}
    if states == {True}:
        return "inside"
    return "outside" if states == {False} else "edge"


def _departure(rng: random.Random, *, start: datetime, end: datetime,
               restrictions: tuple[LaneRestriction, ...], want: str | None) -> datetime | None:
    span = (end - start).total_seconds()
    for _ in range(200):
        moment = start + timedelta(seconds=rng.uniform(0.0, span))
        if want is None or window_state(restrictions, moment) == want:
            return moment
    return None


def _signal(rng: random.Random, mix: TrafficMix) -> str:
    roll = rng.random()
    for signal, share in (("red", mix.red_light), ("amber", mix.amber),
                          ("red-within-grace", mix.red_within_grace)):
        if roll < share:
            return signal
        roll -= share
    return "green"


def _bus_lane(rng: random.Random, mix: TrafficMix) -> str:
    roll = rng.random()
    if roll < mix.bus_lane:
        return "in-hours"
    return "off-hours" if roll < mix.bus_lane + mix.bus_lane_off_hours else "none"


def draw_behaviour(rng: random.Random, *, route: Route, vehicle_class: str,
                   network: DemoNetwork, mix: TrafficMix, start: datetime,
                   end: datetime) -> tuple[Behaviour, datetime]:
    """A vehicle's behaviour on ``route`` and its departure time.

    A vehicle meant to use a bus lane in (or out of) its hours departs at such a time
    (exact when the lane camera is the route's first); when the scenario's span has no such
    time it keeps to the other lanes instead.
    """
    kinds = _kinds(route, network)
    restrictions = lane_restrictions(route, network)
    bus_lane = "none"
    if restrictions and vehicle_class != "bus":
        bus_lane = _bus_lane(rng, mix)
    want = {"in-hours": "inside", "off-hours": "outside"}.get(bus_lane)
    # Leave room to finish the route by ``end`` without moving the departure (and with it
    # the time in the bus lane) later.
    latest = max(start, end - ROUTE_SLACK) if want else end
    departs = _departure(rng, start=start, end=latest, restrictions=restrictions, want=want)
    if departs is None:
        bus_lane = "none"
        departs = _departure(rng, start=start, end=end, restrictions=restrictions, want=None)
    assert departs is not None  # want=None accepts the first draw
    behaviour = Behaviour(
        section_speeding=bool(network.sections) and rng.random() < mix.section_speeding,
        spot_speeding=CameraKind.SPOT_SPEED in kinds and rng.random() < mix.spot_speeding,
        signal=_signal(rng, mix) if CameraKind.RED_LIGHT in kinds else "green",
        bus_lane=bus_lane)
    return behaviour, departs
