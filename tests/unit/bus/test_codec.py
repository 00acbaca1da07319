"""The wire form of events: every field survives the round trip; junk is refused."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

import pytest

from platewarden.adapters.bus import codec
from platewarden.domain.messages import (
    AlertRaised,
    ReadRecorded,
    ReadStored,
    RegisterCamera,
    ViolationDetected,
)
from platewarden.domain.reads import (
    Alternative,
    ClockSync,
    ImageRef,
    PlateRead,
    SignalPhase,
    SpeedMethod,
)

AT = datetime(2026, 11, 26, 10, 0, 0, 123456, tzinfo=timezone(timedelta(hours=5)))


def full_read() -> PlateRead:
    return PlateRead(
        id="cam:r1", camera_id="cam", read_id="r1", captured_at=AT,
        clock_sync=ClockSync.DEGRADED, plate_raw="01 a 123 bc", plate="01A123BC",
        plate_key="01A123BC", country="UZ", region="Tashkent city", plate_format="private",
        confidence=0.93, alternatives=(Alternative(text="01A128BC", confidence=0.4),),
        vehicle_class="car", lane=2, direction="north", speed_kmh=88.5,
        speed_method=SpeedMethod.RADAR, signal_phase=SignalPhase.RED, time_into_red_s=1.25,
        images=(ImageRef(role="plate", sha256="a" * 64, content_type="image/jpeg",
                         size_bytes=8123),))


@pytest.mark.parametrize("event", [
    ReadRecorded(read=full_read(), payload_sha256="b" * 64, received_at=AT),
    ReadRecorded(read=full_read(), payload_sha256="b" * 64, received_at=AT,
                 envelope_sha256="f" * 64, camera_signature=bytes(range(64))),
    ReadRecorded(read=PlateRead(id="c:1", camera_id="c", read_id="1", captured_at=AT,
                                clock_sync=ClockSync.SYNCED, plate_raw="X", plate="X",
                                plate_key="X", country="??", region=None,
                                plate_format="unknown", confidence=0.5),
                 payload_sha256="c" * 64, received_at=datetime(2026, 1, 1, tzinfo=UTC)),
    ReadStored(read_id="cam:r1", plate_key="01A123BC"),
    AlertRaised(alert_id="d" * 64, kind="hit", priority=1, camera_id="cam", occurred_at=AT),
    ViolationDetected(violation_id="e" * 64, type="spot_speed", camera_id="cam",
                      occurred_at=AT),
])
def test_an_event_survives_the_round_trip(event: object) -> None:
    decoded = codec.decode(codec.encode(event))  # type: ignore[arg-type]
    assert decoded == event
    assert type(decoded) is type(event)


@pytest.mark.parametrize("data", [b"not json", b'{"event":"Nope"}', b'{"event":"ReadStored"}',
                                  b'{"event":"ReadRecorded","read":{}}', b"[]"])
def test_what_is_not_a_known_event_is_refused(data: bytes) -> None:
    with pytest.raises(codec.UndecodableMessage):
        codec.decode(data)


def test_a_command_has_no_wire_form() -> None:
    with pytest.raises(TypeError):
        codec.encode(RegisterCamera(camera_id="c", name="n", latitude=0, longitude=0,  # type: ignore[arg-type]
                                    road="r", direction="d", lanes=1, kind="anpr"))
