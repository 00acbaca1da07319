"""The read-log contract, run against the in-memory fake and the real JetStream adapter."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from platewarden.adapters.bus.jetstream import JetStreamBus
from platewarden.adapters.memory.read_log import MemoryReadLog
from platewarden.domain.messages import ReadRecorded
from platewarden.domain.reads import ClockSync, PlateRead
from platewarden.services.ports import ReadLog
from support.jetstream import delete_stream, own_stream_config, stream_messages

AT = datetime(2026, 11, 26, 10, 0, tzinfo=UTC)


@pytest.fixture(params=["memory", pytest.param("jetstream", marks=pytest.mark.integration)])
def read_log(request: pytest.FixtureRequest) -> Iterator[ReadLog]:
    if request.param == "memory":
        yield MemoryReadLog()
        return
    config = own_stream_config()
    bus = JetStreamBus(config, nonce_ttl_s=60)
    try:
        yield bus
        # Nothing is lost on the way: the writer's durable consumer still holds every read.
        assert stream_messages(config) >= 1
    finally:
        bus.stop()
        delete_stream(config)


def record(read_id: str, digest: str = "a" * 64) -> ReadRecorded:
    read = PlateRead(id=f"cam:{read_id}", camera_id="cam", read_id=read_id, captured_at=AT,
                     clock_sync=ClockSync.SYNCED, plate_raw="01A123BC", plate="01A123BC",
                     plate_key="01A123BC", country="UZ", region=None, plate_format="private",
                     confidence=0.9)
    return ReadRecorded(read=read, payload_sha256=digest, received_at=AT)


def test_a_read_id_is_appended_once(read_log: ReadLog) -> None:
    assert read_log.append([record("1"), record("2")]) == [True, True]
    assert read_log.append([record("2"), record("3")]) == [False, True]
    assert read_log.append([]) == []


def test_a_nonce_is_claimed_once_and_reports_who_holds_it(read_log: ReadLog) -> None:
    assert read_log.claim_nonce(camera_id="cam", nonce="n-0001", envelope_sha256="e1") is None
    assert read_log.claim_nonce(camera_id="cam", nonce="n-0001", envelope_sha256="e2") == "e1"
    assert read_log.claim_nonce(camera_id="other", nonce="n-0001",
                                envelope_sha256="e3") is None
    assert read_log.append([record("1")]) == [True]
