"""Runs retention on a schedule inside ``serve``: a daemon thread, stopped with the server."""

from __future__ import annotations

import logging
import threading

from platewarden.services.retention import RetentionService

log = logging.getLogger(__name__)


class RetentionSchedule:
    """Calls ``RetentionService.run`` every ``interval_s``, first after ``first_delay_s``.

    A failed run is logged and retried at the next tick; it never stops the server.
    """

    def __init__(self, *, service: RetentionService, interval_s: float,
                 first_delay_s: float = 60.0) -> None:
        self._service = service
        self._interval_s = interval_s
        self._first_delay_s = first_delay_s
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.runs = 0

    def start(self) -> None:
        """Start the schedule (once)."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="retention", daemon=True)
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
                log.exception("scheduled retention run failed")
            delay = self._interval_s
