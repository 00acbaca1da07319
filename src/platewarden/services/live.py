"""What is happening right now, for the console's live overview: counts over the last
minute, each camera's latest read, and violations and alerts as they are raised.

It listens to the event bus (events carry ids, kinds and times, never plate text) and keeps
only a minute of counts and a short ring of recent events in memory, per process.
"""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from platewarden.domain.messages import (
    AlertRaised,
    Event,
    ReadAccepted,
    ReadRecorded,
    ViolationDetected,
)

WINDOW = timedelta(minutes=1)
KEEP_EVENTS = 200


@dataclass(frozen=True, slots=True, kw_only=True)
class CameraActivity:
    """A camera's newest read: when it was captured and how late it arrived."""

    camera_id: str
    captured_at: datetime
    received_at: datetime
    clock_sync: str

    @property
    def lag_s(self) -> float:
        """Seconds from capture to arrival (a backlog on the camera shows as lag)."""
        return max(0.0, (self.received_at - self.captured_at).total_seconds())


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveEvent:
    """A violation or an alert as it was raised (no plate text)."""

    sequence: int
    kind: str  # "violation" or "alert"
    detail: str  # the violation type or the alert kind
    camera_id: str
    occurred_at: datetime


@dataclass(frozen=True, slots=True, kw_only=True)
class LiveSnapshot:
    """Counts over the last minute and what happened since a given event."""

    reads_per_minute: int
    violations_per_minute: int
    alerts_per_minute: int
    cameras: tuple[CameraActivity, ...]
    events: tuple[LiveEvent, ...]
    last_sequence: int


class LiveActivity:
    """Counts and recent events from the bus, filtered per viewer by camera."""

    def __init__(self, *, clock: Callable[[], datetime]) -> None:
        self._clock = clock
        self._lock = threading.Lock()
        self._reads: deque[tuple[datetime, str]] = deque()
        self._raised: deque[tuple[datetime, LiveEvent]] = deque()
        self._events: deque[LiveEvent] = deque(maxlen=KEEP_EVENTS)
        self._cameras: dict[str, CameraActivity] = {}
        self._sequence = 0

    def on_events(self, events: Sequence[Event]) -> None:
        """Bus handler for reads (accepted in process, or recorded in JetStream), violations
        and alerts."""
        now = self._clock()
        with self._lock:
            for event in events:
                self._note(event, now)
            self._prune(now)

    def snapshot(self, *, camera_ids: Iterable[str], after: int = 0) -> LiveSnapshot:
        """What the viewer's cameras did: counts for the last minute, events after ``after``."""
        allowed = frozenset(camera_ids)
        now = self._clock()
        with self._lock:
            self._prune(now)
            reads = sum(1 for _, camera in self._reads if camera in allowed)
            raised = [e for _, e in self._raised if e.camera_id in allowed]
            events = tuple(e for e in self._events
                           if e.sequence > after and e.camera_id in allowed)
            cameras = tuple(a for c, a in sorted(self._cameras.items()) if c in allowed)
            last = self._sequence
        return LiveSnapshot(
            reads_per_minute=reads,
            violations_per_minute=sum(1 for e in raised if e.kind == "violation"),
            alerts_per_minute=sum(1 for e in raised if e.kind == "alert"),
            cameras=cameras, events=events, last_sequence=last)

    def _note(self, event: Event, now: datetime) -> None:
        if isinstance(event, ReadRecorded):  # a read as JetStream carries it
            event = ReadAccepted(read_id=event.read.id, camera_id=event.read.camera_id,
                                 captured_at=event.read.captured_at,
                                 clock_sync=event.read.clock_sync.value)
        if isinstance(event, ReadAccepted):
            self._reads.append((now, event.camera_id))
            known = self._cameras.get(event.camera_id)
            if known is None or event.captured_at >= known.captured_at:
                self._cameras[event.camera_id] = CameraActivity(
                    camera_id=event.camera_id, captured_at=event.captured_at, received_at=now,
                    clock_sync=event.clock_sync)
            return
        if isinstance(event, ViolationDetected):
            kind, detail = "violation", event.type
        elif isinstance(event, AlertRaised):
            kind, detail = "alert", event.kind
        else:
            return
        self._sequence += 1
        raised = LiveEvent(sequence=self._sequence, kind=kind, detail=detail,
                           camera_id=event.camera_id, occurred_at=event.occurred_at)
        self._events.append(raised)
        self._raised.append((now, raised))

    def _prune(self, now: datetime) -> None:
        while self._reads and self._reads[0][0] < now - WINDOW:
            self._reads.popleft()
        while self._raised and self._raised[0][0] < now - WINDOW:
            self._raised.popleft()
