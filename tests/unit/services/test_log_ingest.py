"""Ingest with an external event log as its durability point (the fake log here; the same
contract runs against JetStream in tests/contract)."""

from __future__ import annotations

import dataclasses
import threading
import time
from collections.abc import Iterator

import pytest

from platewarden.adapters.memory.read_log import MemoryReadLog
from platewarden.domain.messages import ReadAccepted
from platewarden.services.errors import IngestError
from platewarden.services.ingest import IngestService
from platewarden.services.log_ingest import CoalescedSync, LogJournal
from platewarden.services.read_writer import ReadWriter

from .factories import World, command, envelope, jpeg, make_world, payload


@pytest.fixture
def world() -> Iterator[tuple[World, MemoryReadLog]]:
    world = make_world()
    log = MemoryReadLog()
    journal = LogJournal(uow_factory=world.uow_factory, log=log,
                         evidence_sync=world.evidence.sync, clock=world.clock)
    world.ingest = IngestService(
        uow_factory=world.uow_factory, evidence=world.evidence, verifier=world.ingest._verifier,
        publisher=world.publisher, policy=world.ingest._policy, clock=world.clock,
        cameras=world.ingest._cameras, journal=journal)
    yield world, log
    world.close()


def statuses(world: World, message: dict[str, object]) -> list[str]:
    return [o.status for o in world.ingest.submit(command(message))]


def code_of(world: World, message: dict[str, object]) -> str:
    with pytest.raises(IngestError) as caught:
        world.ingest.submit(command(message))
    return caught.value.code


def test_accepted_reads_go_to_the_log_with_durable_evidence_and_no_bus_event(
        world: tuple[World, MemoryReadLog]) -> None:
    w, log = world
    key = w.register("cam-1")
    crop = jpeg()
    assert statuses(w, envelope("cam-1", key, payload("r1", images=[crop]),
                                payload("r2"))) == ["accepted", "accepted"]
    assert [r.read.id for r in log.records] == ["cam-1:r1", "cam-1:r2"]
    assert log.records[0].received_at == w.clock.now
    assert w.evidence.unsynced == set()
    assert w.publisher.of(ReadAccepted) == []  # the log's records are the events
    with w.uow_factory(read_only=True) as uow:
        assert uow.reads.get("cam-1:r1") is None  # the writer stores it, later


def test_a_resend_is_a_duplicate_whether_in_the_log_or_already_stored(
        world: tuple[World, MemoryReadLog]) -> None:
    w, log = world
    key = w.register("cam-1")
    read = payload("r1")
    message = envelope("cam-1", key, read)
    statuses(w, message)
    assert statuses(w, message) == ["duplicate"]
    ReadWriter(uow_factory=w.uow_factory).store(log.records)
    assert statuses(w, envelope("cam-1", key, read)) == ["duplicate"]
    assert len(log.records) == 1


def test_one_read_twice_in_an_envelope_is_accepted_once(
        world: tuple[World, MemoryReadLog]) -> None:
    w, log = world
    key = w.register("cam-1")
    read = payload("r1")
    assert statuses(w, envelope("cam-1", key, read, read)) == ["accepted", "duplicate"]
    assert len(log.records) == 1


def test_a_stored_read_id_with_other_content_is_refused_and_claims_no_nonce(
        world: tuple[World, MemoryReadLog]) -> None:
    w, log = world
    key = w.register("cam-1")
    statuses(w, envelope("cam-1", key, payload("r1", plate="01A123BC")))
    ReadWriter(uow_factory=w.uow_factory).store(log.records)
    refused = envelope("cam-1", key, payload("r1", plate="01A999BC"), nonce="nonce-kept-000001")
    assert code_of(w, refused) == "read_id_conflict"
    fresh = envelope("cam-1", key, payload("r2"), nonce="nonce-kept-000001")
    assert statuses(w, fresh) == ["accepted"]  # the refused envelope left no nonce behind


def test_a_nonce_reused_for_another_envelope_is_a_replay(
        world: tuple[World, MemoryReadLog]) -> None:
    w, _ = world
    key = w.register("cam-1")
    statuses(w, envelope("cam-1", key, payload("r1"), nonce="nonce-replay-00001"))
    assert code_of(w, envelope("cam-1", key, payload("r2"),
                               nonce="nonce-replay-00001")) == "replayed_nonce"


def test_the_writer_stores_each_read_once_however_often_it_is_redelivered(
        world: tuple[World, MemoryReadLog]) -> None:
    w, log = world
    key = w.register("cam-1")
    statuses(w, envelope("cam-1", key, payload("r1"), payload("r2", plate="01B222CC")))
    writer = ReadWriter(uow_factory=w.uow_factory)
    first = writer.store(log.records)
    again = writer.store([*log.records, *log.records])
    assert [s.read_id for s in first] == [s.read_id for s in again] == ["cam-1:r1", "cam-1:r2"]
    assert first[1].plate_key == log.records[1].read.plate_key
    with w.uow_factory(read_only=True) as uow:
        assert len(uow.reads.get_many(["cam-1:r1", "cam-1:r2"])) == 2
        # The camera's signed envelope travels through the log to the database link.
        link = uow.reads.envelope_of("cam-1:r2")
    assert link == (log.records[1].envelope_sha256, log.records[1].camera_signature)
    assert w.evidence.exists(link[0])


def test_the_writer_keeps_the_first_content_of_a_conflicting_read(
        world: tuple[World, MemoryReadLog]) -> None:
    w, log = world
    key = w.register("cam-1")
    statuses(w, envelope("cam-1", key, payload("r1", plate="01A123BC")))
    record = log.records[0]
    other = dataclasses.replace(record, payload_sha256="0" * 64,
                                read=dataclasses.replace(record.read, plate="01A999BC"))
    stored = ReadWriter(uow_factory=w.uow_factory).store([record, other])
    assert [s.read_id for s in stored] == ["cam-1:r1"]
    with w.uow_factory(read_only=True) as uow:
        kept = uow.reads.get("cam-1:r1")
    assert kept is not None
    assert kept.read.plate == "01A123BC"


def test_the_writer_ignores_an_empty_batch(world: tuple[World, MemoryReadLog]) -> None:
    assert ReadWriter(uow_factory=world[0].uow_factory).store([]) == []


def test_concurrent_callers_share_syncs_and_each_waits_for_one_started_after_it() -> None:
    started: list[float] = []

    def slow_sync() -> None:
        started.append(time.monotonic())
        time.sleep(0.02)

    sync = CoalescedSync(slow_sync)

    finished: list[bool] = []

    def caller() -> None:
        arrived = time.monotonic()
        sync()
        # A sync that began after this caller arrived has finished.
        finished.append(any(s >= arrived for s in started))

    threads = [threading.Thread(target=caller) for _ in range(40)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(finished)
    assert len(finished) == 40
    assert 1 <= len(started) < 40


def test_a_failed_sync_fails_its_caller_and_the_next_caller_syncs_again() -> None:
    calls = []

    def flaky() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise OSError("disk gone")

    sync = CoalescedSync(flaky)
    with pytest.raises(OSError, match="disk gone"):
        sync()
    sync()
    assert len(calls) == 2


class UnreachableLog(MemoryReadLog):
    """A log whose appends time out, as JetStream does when it cannot confirm."""

    def append(self, records: object) -> list[bool]:  # type: ignore[override]
        raise TimeoutError("no publish ack")


def test_a_log_that_does_not_confirm_is_unavailable_not_a_refusal(
        world: tuple[World, MemoryReadLog]) -> None:
    w, _ = world
    w.ingest._committer = LogJournal(uow_factory=w.uow_factory, log=UnreachableLog(),
                                     evidence_sync=w.evidence.sync, clock=w.clock)
    key = w.register("cam-1")
    with pytest.raises(IngestError) as caught:
        w.ingest.submit(command(envelope("cam-1", key, payload("r1"))))
    assert (caught.value.code, caught.value.status) == ("log_unavailable", 503)
