"""CameraService: registration with fresh keys, sections, disabling."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from platewarden.adapters.crypto import Ed25519Verifier
from platewarden.domain.access import EVERYWHERE
from platewarden.domain.cameras import CameraKind, LaneRestriction
from platewarden.domain.messages import (
    CameraDisabled,
    CameraRegistered,
    DisableCamera,
    RegisterCamera,
    RegisterSection,
)
from platewarden.services.errors import NotFound, ServiceError

from .factories import World, make_world


@pytest.fixture
def world() -> Iterator[World]:
    world = make_world()
    yield world
    world.close()


def register_command(camera_id: str = "cam-1", **fields: Any) -> RegisterCamera:
    values: dict[str, Any] = {"camera_id": camera_id, "name": "M39 km 12", "latitude": 41.3,
                              "longitude": 69.2, "road": "M39", "direction": "west",
                              "lanes": 2, "kind": "spot-speed", "speed_limit_kmh": 70}
    values.update(fields)
    return RegisterCamera(**values)


def section_command(**fields: Any) -> RegisterSection:
    values: dict[str, Any] = {"section_id": "sec-1", "name": "km 12-14",
                              "entry_camera_id": "cam-a", "exit_camera_id": "cam-b",
                              "distance_m": 2000.0, "speed_limit_kmh": 90,
                              "class_limits_kmh": {"truck": 70}}
    values.update(fields)
    return RegisterSection(**values)


def test_register_stores_the_camera_and_hands_out_its_key_once(world: World) -> None:
    lane = LaneRestriction(lane=1, start_minute=420, end_minute=600)
    registered = world.cameras.register(register_command(lane_restrictions=(lane,)))
    camera = registered.camera
    assert (camera.kind, camera.enabled, camera.lane_restrictions) == (
        CameraKind.SPOT_SPEED, True, (lane,))
    assert world.cameras.all_cameras(scope=EVERYWHERE) == [camera]
    signature = Ed25519PrivateKey.from_private_bytes(registered.private_key).sign(b"hello")
    assert Ed25519Verifier().verify(public_key=camera.public_key, message=b"hello",
                                    signature=signature)
    assert world.publisher.events == [CameraRegistered(camera_id="cam-1")]


def test_each_camera_gets_its_own_key(world: World) -> None:
    first = world.cameras.register(register_command("cam-1"))
    second = world.cameras.register(register_command("cam-2"))
    assert first.camera.public_key != second.camera.public_key


def test_an_unknown_kind_is_refused(world: World) -> None:
    with pytest.raises(ServiceError) as caught:
        world.cameras.register(register_command(kind="speed-trap"))
    assert caught.value.code == "invalid_field"
    assert world.cameras.all_cameras(scope=EVERYWHERE) == []


def test_registering_an_id_twice_is_a_conflict(world: World) -> None:
    world.cameras.register(register_command())
    with pytest.raises(ServiceError) as caught:
        world.cameras.register(register_command(name="another"))
    assert caught.value.code == "conflict"
    assert [c.name for c in world.cameras.all_cameras(scope=EVERYWHERE)] == ["M39 km 12"]
    assert world.publisher.events == [CameraRegistered(camera_id="cam-1")]


def test_sections(world: World) -> None:
    world.cameras.register(register_command("cam-a"))
    world.cameras.register(register_command("cam-b"))
    section = world.cameras.register_section(section_command())
    assert section.limit_for("truck") == 70
    assert world.cameras.sections() == [section]
    with pytest.raises(ServiceError) as caught:
        world.cameras.register_section(section_command())
    assert caught.value.code == "conflict"


@pytest.mark.parametrize("fields", [{"exit_camera_id": "cam-a"}, {"distance_m": 0.0},
                                    {"distance_m": -5.0}])
def test_a_section_needs_two_cameras_and_a_distance(world: World,
                                                    fields: dict[str, Any]) -> None:
    world.cameras.register(register_command("cam-a"))
    world.cameras.register(register_command("cam-b"))
    with pytest.raises(ServiceError) as caught:
        world.cameras.register_section(section_command(**fields))
    assert caught.value.code == "invalid_field"


def test_a_section_between_unknown_cameras_is_refused(world: World) -> None:
    world.cameras.register(register_command("cam-a"))
    with pytest.raises(NotFound):
        world.cameras.register_section(section_command())
    assert world.cameras.sections() == []


def test_disable(world: World) -> None:
    world.cameras.register(register_command())
    world.cameras.disable(DisableCamera(camera_id="cam-1"))
    assert [c.enabled for c in world.cameras.all_cameras(scope=EVERYWHERE)] == [False]
    assert world.publisher.events[-1] == CameraDisabled(camera_id="cam-1")
    with pytest.raises(NotFound):
        world.cameras.disable(DisableCamera(camera_id="cam-9"))
