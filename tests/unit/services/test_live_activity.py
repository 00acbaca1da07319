"""The live overview's counts: the last minute only, per viewer's cameras, events in order."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from platewarden.domain.messages import (
    AlertRaised,
    CameraDisabled,
    ReadAccepted,
    ViolationDetected,
)
from platewarden.services.live import LiveActivity

T0 = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> datetime:
        return self.now


def read(camera: str, *, captured: datetime = T0, sync: str = "synced") -> ReadAccepted:
    return ReadAccepted(read_id=f"{camera}:r", camera_id=camera, captured_at=captured,
                        clock_sync=sync)


def test_counts_cover_the_last_minute_of_the_viewers_cameras() -> None:
    clock = Clock()
    live = LiveActivity(clock=clock)
    live.on_events([read("a"), read("a"), read("b")])
    clock.now = T0 + timedelta(seconds=45)
    live.on_events([read("a"), CameraDisabled(camera_id="a")])
    assert live.snapshot(camera_ids=["a", "b"]).reads_per_minute == 4
    assert live.snapshot(camera_ids=["b"]).reads_per_minute == 1
    assert live.snapshot(camera_ids=[]).reads_per_minute == 0
    clock.now = T0 + timedelta(seconds=75)
    assert live.snapshot(camera_ids=["a", "b"]).reads_per_minute == 1


def test_violations_and_alerts_are_numbered_and_filtered_by_camera() -> None:
    clock = Clock()
    live = LiveActivity(clock=clock)
    live.on_events([ViolationDetected(violation_id="v1", type="spot-speed", camera_id="a",
                                      occurred_at=T0),
                    AlertRaised(alert_id="h1", kind="hit", priority=1, camera_id="b",
                                occurred_at=T0)])
    both = live.snapshot(camera_ids=["a", "b"])
    assert (both.violations_per_minute, both.alerts_per_minute) == (1, 1)
    assert [(e.sequence, e.kind, e.detail) for e in both.events] == [
        (1, "violation", "spot-speed"), (2, "alert", "hit")]
    assert [e.camera_id for e in live.snapshot(camera_ids=["b"]).events] == ["b"]
    assert live.snapshot(camera_ids=["a", "b"], after=both.last_sequence).events == ()


def test_each_camera_keeps_its_newest_read_and_its_delay() -> None:
    clock = Clock()
    live = LiveActivity(clock=clock)
    clock.now = T0 + timedelta(seconds=90)
    live.on_events([read("a", captured=T0), read("a", captured=T0 - timedelta(minutes=5),
                                                 sync="degraded")])
    (camera,) = live.snapshot(camera_ids=["a"]).cameras
    assert (camera.captured_at, camera.lag_s, camera.clock_sync) == (T0, 90.0, "synced")
