"""Group commit: many concurrent requests share one durable transaction.

Every acknowledged read must be on disk before the camera hears "accepted", and one fsync per
read would cap the embedded default at a few hundred reads per second. A single writer thread
therefore takes every piece of work queued while the previous commit was running, applies each
inside its own savepoint (so one rejected envelope leaves the others), makes the evidence
durable, commits once, and only then answers all the waiting callers.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections.abc import Callable
from concurrent.futures import Future
from dataclasses import dataclass
from typing import Any, TypeVar

from platewarden.services.unit_of_work import UnitOfWork, UnitOfWorkFactory

T = TypeVar("T")
log = logging.getLogger(__name__)


@dataclass(slots=True)
class _Job:
    work: Callable[[UnitOfWork], Any]
    future: Future[Any]


class GroupCommitter:
    """Runs units of work from many threads in shared transactions on one writer thread."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, before_commit: Callable[[], None],
                 max_jobs: int = 500) -> None:
        self._uow_factory = uow_factory
        self._before_commit = before_commit
        self._max_jobs = max_jobs
        self._queue: queue.Queue[_Job | None] = queue.Queue()
        self._thread = threading.Thread(target=self._loop, name="group-commit", daemon=True)
        self._started = False
        self._lock = threading.Lock()

    def start(self) -> None:
        """Start the writer thread (idempotent)."""
        with self._lock:
            if not self._started:
                self._thread.start()
                self._started = True

    def stop(self) -> None:
        """Finish queued work and stop the writer thread."""
        with self._lock:
            if self._started:
                self._queue.put(None)
                self._thread.join()
                self._started = False

    def run(self, work: Callable[[UnitOfWork], T]) -> T:
        """Run ``work`` in the next group transaction and return its result once committed.

        Exceptions raised by ``work`` are re-raised here and roll back only its savepoint.
        """
        self.start()
        future: Future[T] = Future()
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
                return

    def _commit(self, jobs: list[_Job]) -> None:
        results: list[tuple[_Job, Any, BaseException | None]] = []
        try:
            with self._uow_factory() as uow:
                for job in jobs:
                    try:
                        with uow.savepoint():
                            results.append((job, job.work(uow), None))
                    except Exception as exc:  # the caller gets it; the group goes on
                        results.append((job, None, exc))
                self._before_commit()
                uow.commit()
        except Exception as exc:
            log.exception("group commit failed; %d callers get the error", len(jobs))
            for job in jobs:
                job.future.set_exception(exc)
            return
        for job, value, error in results:
            if error is not None:
                job.future.set_exception(error)
            else:
                job.future.set_result(value)
