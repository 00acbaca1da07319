"""Group commit: many concurrent requests share one durable transaction.

Every acknowledged read must be on disk before the camera hears "accepted", and one fsync per
read would cap the embedded default at a few hundred reads per second. A single writer thread
therefore takes every piece of work queued while the previous commit was running, applies each
inside its own savepoint (so one rejected envelope leaves the others), makes the evidence
durable, commits once, and only then answers all the waiting callers.

By default each job is a callable run inside its own savepoint; a service on a hot path can
give its own ``apply`` that handles the whole group with a few set-based statements.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any

from platewarden.services.unit_of_work import UnitOfWork, UnitOfWorkFactory

log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Job:
    work: Any
    future: Future[Any]


Apply = Callable[[UnitOfWork, list[Any]], list[Any]]


def per_job_savepoints(uow: UnitOfWork, works: list[Any]) -> list[Any]:
    """Run each job (a callable taking the unit of work) in its own savepoint.

    Returns each job's result, or the exception it raised (its savepoint rolled back).
    """
    results: list[Any] = []
    for work in works:
        try:
            with uow.savepoint():
                results.append(work(uow))
        except Exception as exc:  # the caller gets it; the group goes on
            results.append(exc)
    return results


class GroupCommitter:
    """Runs units of work from many threads in shared transactions on one writer thread."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, before_commit: Callable[[], None],
                 max_jobs: int = 500, apply: Apply = per_job_savepoints,
                 name: str = "group-commit") -> None:
        self._uow_factory = uow_factory
        self._apply = apply
        self._name = name
        self._before_commit = before_commit
        self._max_jobs = max_jobs
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread: threading.Thread | None = None
        self._started = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the writer thread (idempotent)."""
        with self._lock:
            self._ensure_started()

    def _ensure_started(self) -> None:
        if not self._started:
            self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
            self._thread.start()
            self._started = True

    def stop(self) -> None:
        """Finish queued work and stop the writer thread."""
        with self._lock:
            if self._started and self._thread is not None:
                self._queue.put(None)
                self._thread.join()
                self._started = False

    def run(self, work: Any) -> Any:
        """Hand ``work`` to the next group and return its result once committed.

        With the default ``apply``, ``work`` is a callable taking the unit of work; what it
        raises is re-raised here and rolls back only its own savepoint.
        """
        future: Future[Any] = Future()
        with self._lock:
            # Checked and queued under the lock, so a concurrent stop() cannot strand the job
            # behind its stop marker.
            self._ensure_started()
            self._queue.put(_Job(work, future))
        return future.result()

    def _take_batch(self, first: _Job) -> tuple[list[_Job], bool]:
        jobs, stop = [first], False
        while len(jobs) < self._max_jobs:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                break
            if job is None:
                stop = True
                break
            jobs.append(job)
        return jobs, stop

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            jobs, stop = self._take_batch(first)
            self._commit(jobs)
            if stop:
                self._fail_leftovers()
                return

    def _fail_leftovers(self) -> None:
        while True:
            try:
                job = self._queue.get_nowait()
            except queue.Empty:
                return
            if job is not None:
                job.future.set_exception(RuntimeError("the writer stopped"))

    def _commit(self, jobs: list[_Job]) -> None:
        try:
            with self._uow_factory() as uow:
                results = self._apply(uow, [job.work for job in jobs])
                self._before_commit()
                uow.commit()
        except Exception as exc:
            log.exception("group commit failed; %d callers get the error", len(jobs))
            for job in jobs:
                job.future.set_exception(exc)
            return
        for job, value in zip(jobs, results, strict=True):
            if isinstance(value, Exception):
                job.future.set_exception(value)
            else:
                job.future.set_result(value)
