"""A demo camera network on real Uzbek roads.

Highway: the M39 Tashkent-Samarkand road between Yangiyo'l and Chinoz (Tashkent region),
with an average-speed section in each direction and a radar camera at the approach to
Chinoz. City: Tashkent junctions (a red-light camera at Amir Temur Avenue / Abdulla Qodiriy
Street, a bus-lane camera on Shota Rustaveli Street, plain ANPR cameras at Chorsu, on
Bunyodkor Avenue and where the M39 meets the ring road).

Coordinates are WGS-84 and approximate (to within some hundreds of metres): the highway
cameras lie on the straight line between Yangiyo'l and Chinoz, the city cameras at the
named places. Section lengths are computed from the coordinates, so the simulator's
timings and the registered distances always agree.
"""

from __future__ import annotations

import itertools
import math
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from platewarden.domain.cameras import CameraKind, LaneRestriction
from platewarden.domain.messages import RegisterCamera, RegisterSection

EARTH_RADIUS_M = 6_371_000.0
TASHKENT_UTC_OFFSET_MIN = 300
_YANGIYOL = (41.1122, 69.0472)
_CHINOZ = (40.9361, 68.7617)
HIGHWAY_LIMIT_KMH = 100
HEAVY_LIMIT_KMH = 80  # trucks and buses outside towns
SETTLEMENT_LIMIT_KMH = 70
CITY_LIMIT_KMH = 60
TOWARDS_SAMARKAND = "towards Samarkand"
TOWARDS_TASHKENT = "towards Tashkent"

BUS_LANE_RESTRICTIONS = (
    LaneRestriction(lane=1, start_minute=7 * 60, end_minute=10 * 60,
                    allowed_classes=frozenset({"bus"}),
                    utc_offset_minutes=TASHKENT_UTC_OFFSET_MIN),
    LaneRestriction(lane=1, start_minute=17 * 60, end_minute=20 * 60,
                    allowed_classes=frozenset({"bus"}),
                    utc_offset_minutes=TASHKENT_UTC_OFFSET_MIN),
)


def distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle (haversine) distance in metres between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * EARTH_RADIUS_M * math.asin(math.sqrt(h))


def _on_m39(fraction: float, *, towards_samarkand: bool) -> tuple[float, float]:
    """A point ``fraction`` of the way from Yangiyo'l to Chinoz, on one carriageway."""
    lat = _YANGIYOL[0] + fraction * (_CHINOZ[0] - _YANGIYOL[0])
    lon = _YANGIYOL[1] + fraction * (_CHINOZ[1] - _YANGIYOL[1])
    # Traffic keeps right: the Samarkand-bound carriageway is the north-west one.
    side = 1.0 if towards_samarkand else -1.0
    return round(lat + side * 0.0001, 6), round(lon - side * 0.0001, 6)


@dataclass(frozen=True, slots=True, kw_only=True)
class Route:
    """A path vehicles take through the network.

    Attributes:
        name: Route name.
        camera_ids: Cameras passed, in order.
        leg_m: Driving distance from each camera to the next (one fewer than cameras).
    """

    name: str
    camera_ids: tuple[str, ...]
    leg_m: tuple[float, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class DemoNetwork:
    """The demo cameras, sections and the routes the simulator drives along them."""

    cameras: tuple[RegisterCamera, ...]
    sections: tuple[RegisterSection, ...]
    routes: tuple[Route, ...]

    def camera(self, camera_id: str) -> RegisterCamera:
        """The camera registration with ``camera_id``."""
        for camera in self.cameras:
            if camera.camera_id == camera_id:
                return camera
        raise KeyError(camera_id)

    def route(self, name: str) -> Route:
        """The route called ``name``."""
        for route in self.routes:
            if route.name == name:
                return route
        raise KeyError(name)

    def section_between(self, entry_id: str, exit_id: str) -> RegisterSection | None:
        """The section from ``entry_id`` to ``exit_id``, if any."""
        for section in self.sections:
            if (section.entry_camera_id, section.exit_camera_id) == (entry_id, exit_id):
                return section
        return None


def _cert(number: int) -> str:
    return f"UZTR-CAL-2026-{number:05d}"


def _highway_cameras(expires: datetime) -> tuple[RegisterCamera, ...]:
    def camera(camera_id: str, km: int, fraction: float, sw: bool, kind: CameraKind,
               limit: int, cert: int) -> RegisterCamera:
        lat, lon = _on_m39(fraction, towards_samarkand=sw)
        direction = TOWARDS_SAMARKAND if sw else TOWARDS_TASHKENT
        label = "radar" if kind is CameraKind.SPOT_SPEED else "section point"
        return RegisterCamera(
            camera_id=camera_id, name=f"M39 km {km} {direction} ({label})", latitude=lat,
            longitude=lon, road="M39 Tashkent-Samarkand", direction=direction, lanes=2,
            kind=kind.value, speed_limit_kmh=limit, calibration_certificate=_cert(cert),
            calibration_expires_at=expires, region_code="10")

    section, spot = CameraKind.SECTION_POINT, CameraKind.SPOT_SPEED
    return (
        camera("m39-km031-sw", 31, 0.20, True, section, HIGHWAY_LIMIT_KMH, 412),
        camera("m39-km042-sw", 42, 0.55, True, section, HIGHWAY_LIMIT_KMH, 413),
        camera("m39-km042-ne", 42, 0.55, False, section, HIGHWAY_LIMIT_KMH, 414),
        camera("m39-km031-ne", 31, 0.20, False, section, HIGHWAY_LIMIT_KMH, 415),
        camera("m39-km053-sw-radar", 53, 0.90, True, spot, SETTLEMENT_LIMIT_KMH, 416),
    )


def _city_cameras(expires: datetime) -> tuple[RegisterCamera, ...]:
    return (
        RegisterCamera(
            camera_id="tas-amirtemur-qodiriy-rl",
            name="Amir Temur Avenue / Abdulla Qodiriy Street (red light)",
            latitude=41.3393, longitude=69.2845, road="Amir Temur Avenue",
            direction="towards Amir Temur Square", lanes=3, kind=CameraKind.RED_LIGHT.value,
            speed_limit_kmh=CITY_LIMIT_KMH, calibration_certificate=_cert(501),
            calibration_expires_at=expires, red_light_grace_s=0.5),
        RegisterCamera(
            camera_id="tas-rustaveli-bus", name="Shota Rustaveli Street (bus lane)",
            latitude=41.2870, longitude=69.2633, road="Shota Rustaveli Street",
            direction="towards the city centre", lanes=3, kind=CameraKind.LANE.value,
            speed_limit_kmh=CITY_LIMIT_KMH, lane_restrictions=BUS_LANE_RESTRICTIONS),
        RegisterCamera(
            camera_id="tas-chorsu-anpr", name="Navoiy Street at Chorsu (ANPR)",
            latitude=41.3262, longitude=69.2370, road="Navoiy Street",
            direction="towards Chorsu", lanes=3, kind=CameraKind.ANPR.value,
            speed_limit_kmh=CITY_LIMIT_KMH),
        RegisterCamera(
            camera_id="tas-bunyodkor-anpr", name="Bunyodkor Avenue at Chilonzor (ANPR)",
            latitude=41.2756, longitude=69.2043, road="Bunyodkor Avenue",
            direction="towards the ring road", lanes=3, kind=CameraKind.ANPR.value,
            speed_limit_kmh=70),
        RegisterCamera(
            camera_id="tas-kad-m39-anpr", name="Ring road (KAD) at the M39 exit (ANPR)",
            latitude=41.2352, longitude=69.1249, road="M39 Tashkent-Samarkand",
            direction=TOWARDS_SAMARKAND, lanes=3, kind=CameraKind.ANPR.value,
            speed_limit_kmh=70, region_code="10"),
    )


def _sections(cameras: dict[str, RegisterCamera]) -> tuple[RegisterSection, ...]:
    def section(section_id: str, name: str, entry: str, exit_: str) -> RegisterSection:
        metres = distance_m(_point(cameras[entry]), _point(cameras[exit_]))
        return RegisterSection(
            section_id=section_id, name=name, entry_camera_id=entry, exit_camera_id=exit_,
            distance_m=round(metres / 10) * 10, speed_limit_kmh=HIGHWAY_LIMIT_KMH,
            class_limits_kmh={"truck": HEAVY_LIMIT_KMH, "bus": HEAVY_LIMIT_KMH})

    return (
        section("m39-sw-km031-km042", "M39 km 31-42 towards Samarkand",
                "m39-km031-sw", "m39-km042-sw"),
        section("m39-ne-km042-km031", "M39 km 42-31 towards Tashkent",
                "m39-km042-ne", "m39-km031-ne"),
    )


def _point(camera: RegisterCamera) -> tuple[float, float]:
    return camera.latitude, camera.longitude


def _route(name: str, ids: tuple[str, ...], cameras: dict[str, RegisterCamera],
           sections: tuple[RegisterSection, ...]) -> Route:
    legs: list[float] = []
    for entry, exit_ in itertools.pairwise(ids):
        registered = [s.distance_m for s in sections
                      if (s.entry_camera_id, s.exit_camera_id) == (entry, exit_)]
        # Streets wind: a city leg is longer than the straight line between its cameras.
        legs.append(registered[0] if registered else
                    round(distance_m(_point(cameras[entry]), _point(cameras[exit_])) * 1.25))
    return Route(name=name, camera_ids=ids, leg_m=tuple(legs))


def demo_network(*, now: datetime | None = None) -> DemoNetwork:
    """The demo network; calibration certificates expire a year after ``now``.

    Args:
        now: Reference time (timezone-aware; default: the real UTC clock).
    """
    expires = (now or datetime.now(UTC)) + timedelta(days=365)
    cameras = (*_highway_cameras(expires), *_city_cameras(expires))
    by_id = {camera.camera_id: camera for camera in cameras}
    sections = _sections(by_id)
    routes = (
        _route("m39-towards-samarkand", ("tas-kad-m39-anpr", "m39-km031-sw", "m39-km042-sw",
               "m39-km053-sw-radar"), by_id, sections),
        _route("m39-towards-tashkent", ("m39-km042-ne", "m39-km031-ne"), by_id, sections),
        _route("city-amir-temur", ("tas-chorsu-anpr", "tas-amirtemur-qodiriy-rl"), by_id,
               sections),
        _route("city-rustaveli", ("tas-rustaveli-bus", "tas-bunyodkor-anpr"), by_id,
               sections),
    )
    return DemoNetwork(cameras=cameras, sections=sections, routes=routes)
