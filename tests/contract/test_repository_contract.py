"""Contract of the unit of work, cameras and reads: the fake behaves as the SQL adapter does."""

from __future__ import annotations

import dataclasses
import threading
from collections.abc import Callable
from contextlib import AbstractContextManager

import pytest

from platewarden.domain.cameras import LaneRestriction
from platewarden.services.unit_of_work import UnitOfWorkFactory
from unit.rules.factories import at, make_camera, make_read, make_section

from .helpers import T0, add_cameras, add_read, image, make_alert, make_violation, us


class Boom(Exception):
    """Raised on purpose inside a transaction."""


def fail_inside(block: AbstractContextManager[object], action: Callable[[], object]) -> None:
    """Run ``action`` inside ``block`` and then raise ``Boom`` out of it."""
    with block:
        action()
        raise Boom


def camera_ids(uow_factory: UnitOfWorkFactory) -> list[str]:
    with uow_factory(read_only=True) as uow:
        return [c.id for c in uow.cameras.all_cameras()]


def test_leaving_without_commit_discards_the_changes(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-1")
        assert uow.cameras.get("cam-1") is not None  # a transaction sees its own writes
    assert camera_ids(uow_factory) == []


def test_an_exception_discards_the_changes(uow_factory: UnitOfWorkFactory) -> None:
    uow = uow_factory()
    with pytest.raises(Boom):
        fail_inside(uow, lambda: add_cameras(uow, "cam-1"))
    assert camera_ids(uow_factory) == []


def test_commit_makes_the_changes_visible(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-2", "cam-1")
        uow.commit()
    assert camera_ids(uow_factory) == ["cam-1", "cam-2"]


def test_writes_after_the_commit_are_discarded(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-1")
        uow.commit()
        add_cameras(uow, "cam-2")
    assert camera_ids(uow_factory) == ["cam-1"]


def test_uncommitted_writes_are_invisible_to_a_concurrent_reader(
        uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as writer:
        add_cameras(writer, "cam-1")
        assert camera_ids(uow_factory) == []
        writer.commit()
    assert camera_ids(uow_factory) == ["cam-1"]


def test_a_failed_savepoint_rolls_back_only_its_part(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-1")

        def add_and_disable() -> None:
            add_cameras(uow, "cam-2")
            uow.cameras.set_enabled("cam-1", enabled=False)

        with pytest.raises(Boom):
            fail_inside(uow.savepoint(), add_and_disable)
        with uow.savepoint():
            add_cameras(uow, "cam-3")
        assert [c.id for c in uow.cameras.all_cameras()] == ["cam-1", "cam-3"]
        uow.commit()
    assert camera_ids(uow_factory) == ["cam-1", "cam-3"]
    with uow_factory(read_only=True) as uow:
        camera = uow.cameras.get("cam-1")
        assert camera is not None
        assert camera.enabled


def test_nested_savepoints(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        with uow.savepoint():
            add_cameras(uow, "cam-1")
            with pytest.raises(Boom):
                fail_inside(uow.savepoint(), lambda: add_cameras(uow, "cam-2"))

        def add_in_inner_savepoint() -> None:
            add_cameras(uow, "cam-3")
            with uow.savepoint():
                add_cameras(uow, "cam-4")

        with pytest.raises(Boom):
            fail_inside(uow.savepoint(), add_in_inner_savepoint)
        uow.commit()
    assert camera_ids(uow_factory) == ["cam-1"]


def test_writers_on_many_threads_lose_nothing(uow_factory: UnitOfWorkFactory) -> None:
    def write(worker: int) -> None:
        for n in range(4):
            with uow_factory() as uow:
                add_cameras(uow, f"cam-{worker}-{n}")
                uow.commit()

    threads = [threading.Thread(target=write, args=(w,)) for w in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(camera_ids(uow_factory)) == 24


def test_cameras_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    camera = make_camera(id="cam-9", lane_restrictions=(
        LaneRestriction(lane=1, start_minute=420, end_minute=600,
                        allowed_classes=frozenset({"bus", "taxi"})),))
    with uow_factory() as uow:
        uow.cameras.add(camera, created_at=T0)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.cameras.get("cam-9") == camera
        assert uow.cameras.get("cam-0") is None
        assert uow.cameras.all_cameras() == [camera]


def test_set_enabled(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-1")
        assert uow.cameras.set_enabled("cam-1", enabled=False)
        assert not uow.cameras.set_enabled("cam-0", enabled=False)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        camera = uow.cameras.get("cam-1")
        assert camera is not None
        assert not camera.enabled


def test_sections(uow_factory: UnitOfWorkFactory) -> None:
    first = make_section()
    second = make_section(id="sec-2", entry_camera_id="cam-b", exit_camera_id="cam-c")
    with uow_factory() as uow:
        add_cameras(uow, "cam-a", "cam-b", "cam-c", "cam-d")
        uow.cameras.add_section(second)
        uow.cameras.add_section(first)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.cameras.get_section("sec-1") == first
        assert uow.cameras.get_section("sec-0") is None
        assert sorted(s.id for s in uow.cameras.sections_for("cam-b")) == ["sec-1", "sec-2"]
        assert uow.cameras.sections_for("cam-a") == [first]
        assert uow.cameras.sections_for("cam-d") == []
        assert sorted(uow.cameras.list_sections(), key=lambda s: s.id) == [first, second]


def test_read_round_trip(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-1")
        read = add_read(uow, images=(image("plate", 2), image("overview", 1)))
        uow.commit()
    with uow_factory(read_only=True) as uow:
        stored = uow.reads.get(read.id)
        assert uow.reads.get("cam-1:nope") is None
        assert uow.reads.payload_digest(read.id) == "d" * 64
        assert uow.reads.payload_digest("cam-1:nope") is None
    assert stored is not None
    assert (stored.payload_sha256, stored.duplicate_of, stored.evaluated) == ("d" * 64, None,
                                                                               False)
    # Images come back ordered by role, then hash.
    assert stored.read.images == (image("overview", 1), image("plate", 2))
    assert stored.read == dataclasses.replace(read, images=stored.read.images)


def test_unevaluated_and_mark_evaluated(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-1")
        for n, received in ((1, 30), (2, 10), (3, 20)):
            add_read(uow, read_id=f"r{n}", received_at=at(received))
        uow.commit()
    with uow_factory() as uow:
        assert uow.reads.unevaluated(limit=10) == ["cam-1:r2", "cam-1:r3", "cam-1:r1"]
        assert uow.reads.unevaluated(limit=2) == ["cam-1:r2", "cam-1:r3"]
        uow.reads.mark_evaluated(["cam-1:r3"])
        uow.reads.mark_evaluated([])
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.reads.unevaluated(limit=10) == ["cam-1:r2", "cam-1:r1"]
        stored = uow.reads.get("cam-1:r3")
        assert stored is not None
        assert stored.evaluated


def test_batched_reads_and_nonces(uow_factory: UnitOfWorkFactory) -> None:
    a = make_read(read_id="a", captured_at=at(0))
    b = make_read(read_id="b", captured_at=at(1), images=(image("plate", 1),))
    with uow_factory() as uow:
        add_cameras(uow, "cam-1")
        uow.reads.add_many([(a, "1" * 64), (b, "2" * 64)], received_at=T0)
        uow.reads.add_nonces([("cam-1", "n" * 16, "3" * 64)], seen_at=T0)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.reads.payload_digests([a.id, b.id, "cam-1:none"]) == {
            a.id: "1" * 64, b.id: "2" * 64}
        assert uow.reads.nonce_digests([("cam-1", "n" * 16), ("cam-1", "m" * 16)]) == {
            ("cam-1", "n" * 16): "3" * 64}
        stored = {s.read.id: s for s in uow.reads.get_many([a.id, b.id, "cam-1:none"])}
        assert set(stored) == {a.id, b.id}
        assert stored[b.id].read.images == (image("plate", 1),)
        assert not stored[a.id].evaluated


def test_for_plate_bounds_and_duplicates(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-a", "cam-b", "cam-c")
        start = add_read(uow, camera_id="cam-a", read_id="start", captured_at=at(0))
        end = add_read(uow, camera_id="cam-b", read_id="end", captured_at=at(60))
        add_read(uow, camera_id="cam-b", read_id="dup", captured_at=at(30),
                 duplicate_of="cam-b:end")
        add_read(uow, camera_id="cam-a", read_id="before", captured_at=at(0) - us(1))
        add_read(uow, camera_id="cam-a", read_id="after", captured_at=at(60) + us(1))
        add_read(uow, camera_id="cam-c", read_id="elsewhere", captured_at=at(30))
        add_read(uow, camera_id="cam-a", read_id="other", plate="01B999CC", captured_at=at(30))
        uow.commit()
    with uow_factory(read_only=True) as uow:
        found = uow.reads.for_plate(plate_key=start.plate_key, camera_ids=("cam-a", "cam-b"),
                                    start=at(0), end=at(60))
    assert sorted(r.id for r in found) == sorted([start.id, end.id])
    assert start in found


def test_nonces(uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        assert uow.reads.nonce_digest("cam-1", "n" * 16) is None
        uow.reads.add_nonce("cam-1", "n" * 16, envelope_sha256="a" * 64, seen_at=at(0))
        uow.reads.add_nonce("cam-1", "m" * 16, envelope_sha256="b" * 64, seen_at=at(10))
        uow.reads.add_nonce("cam-2", "n" * 16, envelope_sha256="c" * 64, seen_at=at(20))
        uow.commit()
    with uow_factory() as uow:
        assert uow.reads.nonce_digest("cam-1", "n" * 16) == "a" * 64
        assert uow.reads.nonce_digest("cam-2", "n" * 16) == "c" * 64
        assert uow.reads.prune_nonces(before=at(10)) == 1  # strictly before
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.reads.nonce_digest("cam-1", "n" * 16) is None
        assert uow.reads.nonce_digest("cam-1", "m" * 16) == "b" * 64


def test_blobs(uow_factory: UnitOfWorkFactory) -> None:
    clip = image("clip", 7)
    with uow_factory() as uow:
        add_cameras(uow, "cam-1", "cam-2")
        uow.reads.add_blob("cam-1", clip, created_at=T0)
        uow.reads.add_blob("cam-1", clip, created_at=at(1))  # idempotent
        uow.commit()
    with uow_factory(read_only=True) as uow:
        assert uow.reads.has_blob("cam-1", clip.sha256)
        assert not uow.reads.has_blob("cam-2", clip.sha256)


def test_evidence_cameras_only_behind_a_violation_or_alert(
        uow_factory: UnitOfWorkFactory) -> None:
    with uow_factory() as uow:
        add_cameras(uow, "cam-1")
        speeding = add_read(uow, read_id="speeding", images=(image("plate", 1),))
        listed = add_read(uow, read_id="listed", images=(image("plate", 2),))
        add_read(uow, read_id="innocent", images=(image("plate", 3),))
        uow.violations.add_if_absent(make_violation(speeding.id), created_at=T0)
        uow.violations.add_alert_if_absent(make_alert(listed.id), created_at=T0)
        uow.commit()
    with uow_factory(read_only=True) as uow:
        found = [uow.reads.evidence_camera_ids(image("plate", n).sha256) for n in (1, 2, 3, 4)]
    assert found == [frozenset({"cam-1"}), frozenset({"cam-1"}), frozenset(), frozenset()]
