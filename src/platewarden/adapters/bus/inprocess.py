"""The embedded event bus: handlers run on one worker thread, after the publisher's commit.

Events are hints, not the record: the reads table's ``evaluated`` flag is the durable
outbox, so an event lost in a crash is recovered by evaluating pending reads at start-up.
"""

from __future__ import annotations

import logging
import queue
import threading
from collections import defaultdict
from collections.abc import Callable, Iterable

from platewarden.domain.messages import Event

log = logging.getLogger(__name__)
Handler = Callable[[list[Event]], None]


class InProcessBus:
    """Queues events and delivers them in batches, per event type, on a worker thread."""

    def __init__(self, *, max_batch: int = 500) -> None:
        self._handlers: dict[type[Event], list[Handler]] = defaultdict(list)
        self._queue: queue.Queue[Event | None] = queue.Queue()
        self._max_batch = max_batch
        self._thread: threading.Thread | None = None
        self._idle = threading.Condition()
        self._pending = 0

    def subscribe(self, event_type: type[Event], handler: Handler) -> None:
        """Call ``handler`` with batches of events of ``event_type``."""
        self._handlers[event_type].append(handler)

    def publish(self, events: Iterable[Event]) -> None:
        """Queue ``events`` for delivery."""
        for event in events:
            with self._idle:
                self._pending += 1
            self._queue.put(event)

    def start(self) -> None:
        """Start delivering on a daemon thread."""
        if self._thread is None:
            self._thread = threading.Thread(target=self._loop, name="event-bus", daemon=True)
            self._thread.start()

    def stop(self) -> None:
        """Deliver what is queued, then stop."""
        if self._thread is not None:
            self._queue.put(None)
            self._thread.join()
            self._thread = None

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Block until every published event was handled (for tests and the CLI)."""
        with self._idle:
            return self._idle.wait_for(lambda: self._pending == 0, timeout=timeout_s)

    def _loop(self) -> None:
        while True:
            first = self._queue.get()
            if first is None:
                return
            batch = [first]
            while len(batch) < self._max_batch:
                try:
                    item = self._queue.get_nowait()
                except queue.Empty:
                    break
                if item is None:
                    self._queue.put(None)
                    break
                batch.append(item)
            self._deliver(batch)

    def _deliver(self, batch: list[Event]) -> None:
        by_type: dict[type[Event], list[Event]] = defaultdict(list)
        for event in batch:
            by_type[type(event)].append(event)
        for event_type, events in by_type.items():
            for handler in self._handlers.get(event_type, []):
                try:
                    handler(events)
                except Exception:
                    # The outbox flag makes the work retryable; the bus must keep going.
                    log.exception("handler for %s failed", event_type.__name__)
        with self._idle:
            self._pending -= len(batch)
            self._idle.notify_all()
