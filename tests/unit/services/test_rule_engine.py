"""RuleEngine: each rule through storage, out-of-order sections, hotlists, exactly once."""

from __future__ import annotations

import logging
from collections.abc import Iterator
from typing import Any, Self

import pytest

from platewarden.adapters.memory import InMemoryUnitOfWork, InMemoryUnitOfWorkFactory
from platewarden.domain.cameras import Camera, CameraKind
from platewarden.domain.messages import AlertRaised, ViolationDetected, ViolationWithdrawn
from platewarden.domain.reads import PlateRead, SignalPhase
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.domain.violations import AlertKind, Violation, ViolationStatus, ViolationType
from platewarden.services.evaluation import RuleEngine, RulePolicy
from platewarden.services.unit_of_work import ViolationFilter
from unit.rules.factories import (
    T0,
    at,
    make_camera,
    make_entry,
    make_read,
    make_restriction,
    make_section,
)

from .factories import CollectingPublisher, World, make_world


@pytest.fixture
def world() -> Iterator[World]:
    world = make_world()
    yield world
    world.close()


def store(world: World, *items: Camera | PlateRead) -> list[str]:
    """Commit cameras and reads as ingest would (reads unevaluated); returns the read ids."""
    with world.uow_factory() as uow:
        for item in items:
            if isinstance(item, Camera):
                uow.cameras.add(item, created_at=T0)
            else:
                uow.reads.add(item, payload_sha256="d" * 64, received_at=T0, duplicate_of=None)
        uow.commit()
    return [item.id for item in items if isinstance(item, PlateRead)]


def violations(world: World) -> list[Violation]:
    with world.uow_factory(read_only=True) as uow:
        return uow.violations.find(ViolationFilter(limit=1000))


def kinds(world: World) -> list[tuple[ViolationType, tuple[str, ...]]]:
    return sorted((v.type, v.read_ids) for v in violations(world))


def test_spot_speed(world: World) -> None:
    reads = store(world, make_camera(speed_limit_kmh=60),
                  make_read(read_id="fast", speed_kmh=70.0),
                  make_read(read_id="ok", speed_kmh=63.0, captured_at=at(60)))
    events = world.rules.evaluate(reads)
    assert kinds(world) == [(ViolationType.SPOT_SPEED, ("cam-1:fast",))]
    assert [type(e) for e in events] == [ViolationDetected]
    assert world.publisher.events == events
    with world.uow_factory(read_only=True) as uow:
        assert uow.reads.unevaluated(limit=10) == []


def test_red_light(world: World) -> None:
    store(world, make_camera(kind=CameraKind.RED_LIGHT),
          make_read(read_id="late", signal_phase=SignalPhase.RED, time_into_red_s=2.0),
          make_read(read_id="grace", signal_phase=SignalPhase.RED, time_into_red_s=0.4,
                    captured_at=at(60)),
          make_read(read_id="amber", signal_phase=SignalPhase.AMBER, captured_at=at(90)))
    world.rules.evaluate_pending()
    assert kinds(world) == [(ViolationType.RED_LIGHT, ("cam-1:late",))]


def test_restricted_lane(world: World) -> None:
    camera = make_camera(kind=CameraKind.LANE,
                         lane_restrictions=(make_restriction("00:00", "23:59"),))
    store(world, camera, make_read(read_id="car", lane=1, vehicle_class="car"),
          make_read(read_id="bus", lane=1, vehicle_class="bus", plate="01B999CC"),
          make_read(read_id="lane2", lane=2, vehicle_class="car", plate="01C555DD"))
    world.rules.evaluate_pending()
    assert kinds(world) == [(ViolationType.RESTRICTED_LANE, ("cam-1:car",))]


def section_world(world: World) -> None:
    with world.uow_factory() as uow:
        for camera_id in ("cam-a", "cam-b"):
            uow.cameras.add(make_camera(id=camera_id, kind=CameraKind.SECTION_POINT),
                            created_at=T0)
        uow.cameras.add_section(make_section())  # 1 km, 60 km/h
        uow.commit()


def test_a_section_read_arriving_late_re_pairs_the_passage(world: World) -> None:
    section_world(world)
    first = make_read(camera_id="cam-a", read_id="e1", captured_at=at(0))
    exit_ = make_read(camera_id="cam-b", read_id="x", captured_at=at(30))  # 120 km/h
    world.rules.evaluate(store(world, first, exit_))
    (paired,) = violations(world)
    assert paired.read_ids == ("cam-a:e1", "cam-b:x")
    late = make_read(camera_id="cam-a", read_id="e2", captured_at=at(20))  # 360 km/h
    events = world.rules.evaluate(store(world, late))
    by_reads = {v.read_ids: v.status for v in violations(world)}
    assert by_reads == {("cam-a:e1", "cam-b:x"): ViolationStatus.WITHDRAWN,
                        ("cam-a:e2", "cam-b:x"): ViolationStatus.PENDING}
    assert {type(e) for e in events} == {ViolationWithdrawn, ViolationDetected}
    assert [e.violation_id for e in events if isinstance(e, ViolationWithdrawn)] == [paired.id]


def test_a_section_exit_before_its_entry_arrives(world: World) -> None:
    section_world(world)
    world.rules.evaluate(store(world, make_read(camera_id="cam-b", read_id="x",
                                                captured_at=at(30))))
    assert violations(world) == []
    world.rules.evaluate(store(world, make_read(camera_id="cam-a", read_id="e",
                                                captured_at=at(0))))
    assert kinds(world) == [(ViolationType.SECTION_SPEED, ("cam-a:e", "cam-b:x"))]


def add_hotlist(world: World, *entries: Any) -> None:
    with world.uow_factory() as uow:
        uow.hotlist.upsert(entries, at=T0)
        uow.commit()


def alerts(world: World) -> list[tuple[str, AlertKind]]:
    with world.uow_factory(read_only=True) as uow:
        return sorted((a.read_id, a.kind) for a in uow.violations.list_alerts(limit=100,
                                                                              offset=0))


def alerts_ids(world: World) -> list[str]:
    with world.uow_factory(read_only=True) as uow:
        return sorted(a.id for a in uow.violations.list_alerts(limit=100, offset=0))


def test_hotlist_hit_and_possible_hit(world: World) -> None:
    add_hotlist(world, make_entry("01A123BC"), make_entry("01X777XX", id="h2", expires_at=at(5)))
    events = world.rules.evaluate(store(
        world, make_camera(),
        make_read(read_id="exact", plate="01A123BC"),
        # A minute later: within the dedupe window it would be the same pass.
        make_read(read_id="confusable", plate="01A1238C", captured_at=at(60)),
        make_read(read_id="expired", plate="01X777XX", captured_at=at(5)),
        make_read(read_id="other", plate="01B999CC", captured_at=at(2))))
    assert alerts(world) == [("cam-1:confusable", AlertKind.POSSIBLE_HIT),
                             ("cam-1:exact", AlertKind.HIT)]
    assert sorted(e.kind for e in events if isinstance(e, AlertRaised)) == [
        "hit", "possible-hit"]


def test_the_hotlist_is_reloaded_only_when_its_version_changes(
        world: World, caplog: pytest.LogCaptureFixture) -> None:
    caplog.set_level(logging.INFO, logger="platewarden.services.evaluation")
    store(world, make_camera())
    world.rules.evaluate(store(world, make_read(read_id="before")))
    world.rules.evaluate(store(world, make_read(read_id="same", captured_at=at(60))))
    add_hotlist(world, make_entry())
    world.rules.evaluate(store(world, make_read(read_id="after", captured_at=at(120))))
    assert alerts(world) == [("cam-1:after", AlertKind.HIT)]
    loads = [r for r in caplog.records if r.getMessage().startswith("hotlist loaded")]
    assert len(loads) == 2


def test_evaluating_the_same_reads_again_creates_nothing(world: World) -> None:
    add_hotlist(world, make_entry())
    reads = store(world, make_camera(), make_read(read_id="r1", speed_kmh=99.0))
    first = world.rules.evaluate(reads)
    assert len(first) == 2  # a violation and an alert
    again = world.rules.evaluate(reads)  # a redelivery: announced again, stored once
    assert sorted(map(repr, again)) == sorted(map(repr, first))
    assert len(violations(world)) == 1
    assert len(alerts(world)) == 1


class _DiesBeforePublishing:
    """A publisher whose first publish never happens (the worker died after its commit)."""

    def __init__(self) -> None:
        self.calls = 0

    def publish(self, events: object) -> None:
        self.calls += 1
        if self.calls == 1:
            raise SystemExit("killed between commit and publish")


def test_a_worker_dying_between_commit_and_publish_announces_on_redelivery(
        world: World) -> None:
    add_hotlist(world, make_entry())
    reads = store(world, make_camera(), make_read(read_id="r1", speed_kmh=99.0),
                  make_read(read_id="r2", plate="01B999CC", captured_at=at(60)))
    dying = RuleEngine(uow_factory=world.uow_factory, publisher=_DiesBeforePublishing(),
                       clock=world.clock,
                       policy=RulePolicy(tolerance=SpeedTolerance(), section_window_s=3600))
    with pytest.raises(SystemExit):
        dying.evaluate(reads)
    assert len(violations(world)) == 1
    assert world.publisher.events == []
    world.rules.evaluate(reads)  # the log redelivers the unacknowledged batch
    assert [e.alert_id for e in world.publisher.of(AlertRaised)] == [alerts_ids(world)[0]]
    assert [e.violation_id for e in world.publisher.of(ViolationDetected)] == [
        violations(world)[0].id]
    assert len(violations(world)) == 1
    assert len(alerts(world)) == 1


def crash_recovery_reads() -> list[Camera | PlateRead]:
    return [make_camera(), *(make_read(read_id=f"r{n}", plate=f"01A{100 + n}BC",
                                       speed_kmh=80.0 + n, captured_at=at(n))
                             for n in range(7))]


def test_pending_reads_left_by_a_crash_are_evaluated_exactly_once(world: World) -> None:
    store(world, *crash_recovery_reads())
    assert world.rules.evaluate_pending(batch=3) == 7
    assert world.rules.evaluate_pending() == 0
    assert len(violations(world)) == 7
    assert len(world.publisher.of(ViolationDetected)) == 7


class _ForgetsToMark(InMemoryUnitOfWork):
    """A unit of work whose ``mark_evaluated`` is lost, as if a redelivery raced the mark."""

    def __enter__(self) -> Self:
        super().__enter__()
        self.reads.mark_evaluated = lambda read_pks: None  # type: ignore[method-assign]
        return self


class _ForgetfulFactory:
    def __init__(self, inner: InMemoryUnitOfWorkFactory) -> None:
        self._inner = inner

    def __call__(self, *, read_only: bool = False) -> _ForgetsToMark:
        return _ForgetsToMark(self._inner, read_only=read_only)


def test_reads_evaluated_but_not_marked_give_no_second_violation(world: World) -> None:
    reads = store(world, *crash_recovery_reads())
    forgetful = RuleEngine(uow_factory=_ForgetfulFactory(world.uow_factory),
                           publisher=CollectingPublisher(), clock=world.clock,
                           policy=RulePolicy(tolerance=SpeedTolerance(), section_window_s=3600))
    forgetful.evaluate(reads)
    assert len(violations(world)) == 7
    assert world.rules.evaluate_pending() == 7
    assert len(violations(world)) == 7
    assert world.publisher.of(ViolationDetected) == []


def test_duplicates_and_missing_reads_are_skipped(world: World) -> None:
    store(world, make_camera())
    with world.uow_factory() as uow:
        uow.reads.add(make_read(read_id="dup", speed_kmh=99.0), payload_sha256="d" * 64,
                      received_at=T0, duplicate_of="cam-1:r0")
        uow.commit()
    world.rules.evaluate(["cam-1:dup", "cam-9:none"])
    assert violations(world) == []
    with world.uow_factory(read_only=True) as uow:
        assert uow.reads.unevaluated(limit=10) == []
