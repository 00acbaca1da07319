"""The console's live overview on the scale-out path: a web process follows the JetStream log
(reads from ingest, violations from the rules) without holding any message back."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from platewarden.adapters.bus.registry import NatsBusConfig
from platewarden.adapters.crypto import Argon2PasswordHasher
from platewarden.bootstrap import Container, Role, bootstrap
from platewarden.camera.client import CameraClient
from platewarden.domain.messages import AlertRaised, ViolationDetected
from platewarden.services.live import LiveSnapshot
from support.factories import make_read, make_settings, register_camera
from support.jetstream import delete_stream, own_stream_config
from support.server import running_server

pytestmark = pytest.mark.integration


@pytest.fixture
def bus_config() -> Iterator[NatsBusConfig]:
    config = own_stream_config()
    yield config
    delete_stream(config)


def started(data_dir: Path, bus_config: NatsBusConfig, role: Role) -> Container:
    container = bootstrap(make_settings(data_dir, bus=bus_config),
                          hasher=Argon2PasswordHasher(fast_for_tests=True))
    container.start(role=role)
    return container


def eventually(check: Callable[[], LiveSnapshot], until: Callable[[LiveSnapshot], bool],
               timeout_s: float = 15.0) -> LiveSnapshot:
    deadline = time.monotonic() + timeout_s
    while True:
        snapshot = check()
        if until(snapshot) or time.monotonic() > deadline:
            return snapshot
        time.sleep(0.05)


def test_a_web_process_sees_reads_violations_and_alerts_from_the_log(
        tmp_path: Path, bus_config: NatsBusConfig) -> None:
    data_dir = tmp_path / "data"
    ingest = started(data_dir, bus_config, "ingest")
    web = started(data_dir, bus_config, "web")
    try:
        camera_id, key = register_camera(ingest)
        with running_server(ingest) as url, CameraClient(
                base_url=url, camera_id=camera_id, private_key=key) as client:
            assert len(client.send_reads([make_read() for _ in range(5)]).accepted) == 5
        now = datetime.now(UTC)
        ingest.bus.publish([
            ViolationDetected(violation_id="v-live-1", type="spot-speed", camera_id=camera_id,
                              occurred_at=now),
            AlertRaised(alert_id="a-live-1", kind="stolen", priority=1, camera_id=camera_id,
                        occurred_at=now)])
        snapshot = eventually(lambda: web.live.snapshot(camera_ids=[camera_id]),
                              lambda s: s.reads_per_minute == 5 and len(s.events) == 2)
    finally:
        web.stop()
        ingest.stop()
    assert snapshot.reads_per_minute == 5
    assert [c.camera_id for c in snapshot.cameras] == [camera_id]
    # Two subjects, two consumers: their order relative to each other is not kept.
    assert sorted((e.kind, e.detail) for e in snapshot.events) == [("alert", "stolen"),
                                                                    ("violation", "spot-speed")]
    # Only the viewer's cameras: another camera's viewer sees none of it.
    assert web.live.snapshot(camera_ids=["elsewhere"]).reads_per_minute == 0
