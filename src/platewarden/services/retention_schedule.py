"""Runs retention (or another periodic job) on a schedule inside ``serve``: a daemon thread,
stopped with the server."""

from __future__ import annotations

import logging
import threading
from typing import Protocol

log = logging.getLogger(__name__)


class PeriodicJob(Protocol):
    """Something ``serve`` runs now and then: retention, marking notices overdue."""

    def run(self) -> object: ...


class RetentionSchedule:
    """Calls ``RetentionService.run`` every ``interval_s``, first after ``first_delay_s``.

    A failed run is logged and retried at the next tick; it never stops the server.
    """

    def __init__(self, *, service: PeriodicJob, interval_s: float,
                 first_delay_s: float = 60.0, name: str = "retention") -> None:
        self._service = service
        self._name = name
        self._interval_s = interval_s
        self._first_delay_s = first_delay_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0

    def start(self) -> None:
        """Start the schedule (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name=self._name, daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Stop after the run in progress, if any."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None

    def _loop(self) -> None:
        delay = self._first_delay_s
        while not self._stop.wait(delay):
            try:
                self._service.run()
                self.runs += 1
            except Exception:  # a bad run must not take the server down; retried next tick
                log.exception("scheduled %s run failed", self._name)
            delay = self._interval_s
