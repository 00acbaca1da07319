"""GroupCommitter: one transaction per group, one savepoint per job."""

from __future__ import annotations

import contextlib
import threading
import time
from collections.abc import Callable, Sequence
from typing import Any

import pytest

from platewarden.adapters.memory import InMemoryUnitOfWork, InMemoryUnitOfWorkFactory
from platewarden.services.group_commit import GroupCommitter
from platewarden.services.unit_of_work import UnitOfWork, UnitOfWorkFactory
from unit.rules.factories import T0, make_camera

Work = Callable[[UnitOfWork], Any]


class Boom(Exception):
    """A job's own failure."""


def adds(camera_id: str, *, fail: bool = False, seen: list[UnitOfWork] | None = None) -> Work:
    """A job that registers a camera, returns its id, and raises ``Boom`` if ``fail``."""
    def work(uow: UnitOfWork) -> str:
        if seen is not None:
            seen.append(uow)
        uow.cameras.add(make_camera(id=camera_id), created_at=T0)
        if fail:
            raise Boom(camera_id)
        return camera_id
    return work


def camera_ids(factory: UnitOfWorkFactory) -> list[str]:
    with factory(read_only=True) as uow:
        return [c.id for c in uow.cameras.all_cameras()]


def run_as_one_group(committer: GroupCommitter, works: Sequence[Work]) -> list[Any]:
    """Queue ``works`` while a first job holds the writer, so they share the next group.

    Returns each job's result or the exception it raised, in order.
    """
    entered, release = threading.Event(), threading.Event()

    def hold(uow: UnitOfWork) -> None:
        entered.set()
        release.wait(10)

    def run_holder() -> None:
        # The holder's own group may fail too; that is not what is under test.
        with contextlib.suppress(Exception):
            committer.run(hold)

    holder = threading.Thread(target=run_holder)
    holder.start()
    assert entered.wait(10)
    results: list[Any] = [None] * len(works)

    def call(index: int) -> None:
        try:
            results[index] = committer.run(works[index])
        except Exception as exc:
            results[index] = exc

    threads = [threading.Thread(target=call, args=(i,)) for i in range(len(works))]
    for thread in threads:
        thread.start()
    deadline = time.monotonic() + 10
    while committer._queue.qsize() < len(works):  # the only way to see they are queued
        assert time.monotonic() < deadline
        time.sleep(0.001)
    release.set()
    for thread in [holder, *threads]:
        thread.join(10)
    return results


def test_results_come_back_to_each_caller() -> None:
    factory = InMemoryUnitOfWorkFactory()
    committer = GroupCommitter(uow_factory=factory, before_commit=lambda: None)
    try:
        assert committer.run(adds("cam-1")) == "cam-1"
        assert committer.run(lambda uow: uow.cameras.get("cam-1") is not None)
    finally:
        committer.stop()
    assert camera_ids(factory) == ["cam-1"]


def test_one_failing_job_does_not_roll_back_the_others() -> None:
    factory = InMemoryUnitOfWorkFactory()
    committer = GroupCommitter(uow_factory=factory, before_commit=lambda: None)
    seen: list[UnitOfWork] = []
    try:
        results = run_as_one_group(committer, [adds("cam-b", seen=seen),
                                               adds("cam-c", fail=True, seen=seen),
                                               adds("cam-d", seen=seen)])
    finally:
        committer.stop()
    assert results[0] == "cam-b"
    assert isinstance(results[1], Boom)
    assert results[2] == "cam-d"
    assert seen[0] is seen[1] is seen[2]  # one shared transaction
    assert factory.commits == 2  # the holder's group, then this one
    assert camera_ids(factory) == ["cam-b", "cam-d"]


def test_a_failing_before_commit_fails_every_job_of_the_group() -> None:
    factory = InMemoryUnitOfWorkFactory()
    calls = []

    def sync() -> None:
        calls.append(1)
        if len(calls) == 2:
            raise OSError("fsync failed")

    committer = GroupCommitter(uow_factory=factory, before_commit=sync)
    try:
        results = run_as_one_group(committer, [adds("cam-1"), adds("cam-2", fail=True),
                                               adds("cam-3")])
        assert committer.run(adds("cam-4")) == "cam-4"  # the next group is unaffected
    finally:
        committer.stop()
    assert [type(r) for r in results] == [OSError, OSError, OSError]
    assert camera_ids(factory) == ["cam-4"]


class _CommitFails(InMemoryUnitOfWork):
    def commit(self) -> None:
        raise OSError("database is locked")


class _FailingFactory(InMemoryUnitOfWorkFactory):
    def __call__(self, *, read_only: bool = False) -> InMemoryUnitOfWork:
        return _CommitFails(self, read_only=read_only)


def test_a_failing_commit_fails_every_job_of_the_group() -> None:
    factory = _FailingFactory()
    committer = GroupCommitter(uow_factory=factory, before_commit=lambda: None)
    try:
        results = run_as_one_group(committer, [adds("cam-1"), adds("cam-2")])
        with pytest.raises(OSError, match="locked"):
            committer.run(adds("cam-3"))
    finally:
        committer.stop()
    assert [type(r) for r in results] == [OSError, OSError]
    assert camera_ids(factory) == []


def test_stop_finishes_queued_work() -> None:
    factory = InMemoryUnitOfWorkFactory()
    committer = GroupCommitter(uow_factory=factory, before_commit=lambda: None)
    threads = [threading.Thread(target=committer.run, args=(adds(f"cam-{n}"),))
               for n in range(5)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    committer.stop()
    assert len(camera_ids(factory)) == 5


def test_the_committer_runs_again_after_stop() -> None:
    factory = InMemoryUnitOfWorkFactory()
    committer = GroupCommitter(uow_factory=factory, before_commit=lambda: None)
    committer.run(adds("cam-1"))
    committer.stop()
    try:
        assert committer.run(adds("cam-2")) == "cam-2"
    finally:
        committer.stop()


def test_jobs_racing_stop_all_get_an_answer() -> None:
    factory = InMemoryUnitOfWorkFactory()
    committer = GroupCommitter(uow_factory=factory, before_commit=lambda: None)
    answers: list[object] = []

    def caller(n: int) -> None:
        try:
            answers.append(committer.run(adds(f"cam-{n}")))
        except Exception as exc:
            answers.append(exc)

    threads = [threading.Thread(target=caller, args=(n,), daemon=True) for n in range(40)]
    for n, thread in enumerate(threads):
        thread.start()
        if n % 10 == 5:
            committer.stop()
    for thread in threads:
        thread.join(10)
    committer.stop()
    assert not any(thread.is_alive() for thread in threads)
    assert len(answers) == 40
