"""The camera agent loop: recognise, track, vote, queue durably, send in order.

Every finished vehicle pass becomes one read, written to the on-disk queue before any attempt
to send it. Sending drains the queue oldest first; when the server is unreachable the reads
stay queued and the agent retries after ``retry_s``, while it keeps recognising. Read ids are
derived from the camera, the source and the pass's first frame, so re-processing the same
video after a crash produces the same ids, and the server's (camera, read id) dedupe makes
any resend harmless.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

import cv2

from platewarden.agent.queue import DurableQueue, QueuedRead
from platewarden.agent.sources import SourceFrame
from platewarden.agent.tracker import Track, Tracker
from platewarden.agent.vote import Observation, vote
from platewarden.camera.client import IngestRejected, IngestResult, IngestUnavailable
from platewarden.camera.payloads import Attachment, ReadPayload
from platewarden.domain.reads import Alternative
from platewarden.recognition.rectify import cut
from platewarden.recognition.types import PlateResult

log = logging.getLogger(__name__)


class Sender(Protocol):
    """What the agent needs from a camera client (``platewarden.camera.client``)."""

    def send_reads(self, reads: Sequence[ReadPayload]) -> IngestResult:
        """Send reads; raises ``IngestUnavailable`` or ``IngestRejected`` on failure."""
        ...


class PlateRecognizer(Protocol):
    """What the agent needs from :class:`platewarden.recognition.pipeline.Recognizer`."""

    def recognize(self, frame: Any) -> list[PlateResult]:
        """Every plate in a BGR frame."""
        ...


@dataclass(frozen=True, slots=True)
class AgentOptions:
    """Tuning of the agent.

    Attributes:
        camera_id: The registered camera id (part of every read id).
        source_id: Names the input (file path or URL), part of every read id.
        min_support: A pass needs this many frames agreeing on its text.
        min_confidence: Readings below this confidence are ignored.
        batch: Reads per request when draining the queue.
        retry_s: Wait after a failed send before the next try.
        overview_width: Width of the overview image sent with each read.
    """

    camera_id: str
    source_id: str = "camera"
    min_support: int = 2
    min_confidence: float = 0.2
    batch: int = 50
    retry_s: float = 5.0
    overview_width: int = 1280


def _jpeg(image: Any, *, quality: int = 85) -> bytes:
    ok, data = cv2.imencode(".jpg", image, [cv2.IMWRITE_JPEG_QUALITY, quality])
    if not ok:
        raise ValueError("JPEG encoding failed")
    return bytes(data.tobytes())


def to_payload(item: QueuedRead) -> ReadPayload:
    """Rebuild the signed-client payload of a queued read."""
    body = item.body
    images = []
    if item.plate_jpeg:
        images.append(Attachment(role="plate", content_type="image/jpeg", data=item.plate_jpeg))
    if item.overview_jpeg:
        images.append(Attachment(role="overview", content_type="image/jpeg",
                                 data=item.overview_jpeg))
    alternatives = tuple(Alternative(text=str(t), confidence=float(c))
                         for t, c in body.get("alternatives", []))  # type: ignore[attr-defined]
    return ReadPayload(
        read_id=item.read_id,
        captured_at=datetime.fromtimestamp(int(body["captured_at_ms"]) / 1000,  # type: ignore[call-overload]
                                           tz=UTC),
        plate=str(body["plate"]), confidence=float(body["confidence"]),  # type: ignore[arg-type]
        alternatives=alternatives, images=tuple(images),
    )


class CameraAgent:
    """Runs frames through recognition and tracking and keeps the queue drained."""

    def __init__(self, *, options: AgentOptions, recognizer: PlateRecognizer, queue: DurableQueue,
                 sender: Sender, tracker: Tracker | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.options = options
        self.recognizer = recognizer
        self.queue = queue
        self.sender = sender
        self.tracker = tracker or Tracker()
        self._clock = clock
        self._retry_at = 0.0
        self.passes = 0

    def observe(self, frame: SourceFrame) -> list[Observation]:
        """Recognise one frame into observations (crop JPEGs made here)."""
        out: list[Observation] = []
        for plate in self.recognizer.recognize(frame.image):
            if plate.confidence < self.options.min_confidence:
                continue
            crop = cut(frame.image, plate.box, margin_x=0.05, margin_y=0.1)
            box = (plate.box.x, plate.box.y, plate.box.w, plate.box.h)
            out.append(Observation(frame.index, frame.captured_at_ms, plate.text,
                                   plate.confidence, box, _jpeg(crop, quality=92), frame.image))
        return out

    def read_id(self, track: Track) -> str:
        """Stable id of a pass: camera, source and the pass's first frame."""
        first = track.observations[0]
        key = f"{self.options.camera_id}|{self.options.source_id}|{first.frame_index}|" \
              f"{first.captured_at_ms}"
        return "pw-" + hashlib.sha256(key.encode()).hexdigest()[:32]

    def _overview(self, image: Any) -> bytes:
        h, w = image.shape[:2]
        if w > self.options.overview_width:
            scale = self.options.overview_width / w
            image = cv2.resize(image, (self.options.overview_width, round(h * scale)),
                               interpolation=cv2.INTER_AREA)
        return _jpeg(image, quality=80)

    def enqueue_pass(self, track: Track) -> bool:
        """Vote over a finished track and queue its read; ``False`` when too weak or known."""
        result = vote(track.observations)
        if result.support < self.options.min_support:
            log.debug("pass %d dropped: support %d", track.track_id, result.support)
            return False
        body: dict[str, object] = {
            "captured_at_ms": result.best.captured_at_ms,
            "plate": result.text,
            "confidence": round(result.confidence, 4),
            "alternatives": [[t, round(c, 4)] for t, c in result.alternatives],
            "frames": result.seen,
            "support": result.support,
        }
        item = QueuedRead(self.read_id(track), body, result.best.crop_jpeg,
                          self._overview(result.best.frame))
        added = self.queue.put(item)
        self.passes += int(added)
        return added

    def process(self, frames: Iterable[SourceFrame]) -> None:
        """Run the whole source, then close the remaining passes and try to drain."""
        for frame in frames:
            for track in self.tracker.update(frame.index, self.observe(frame)):
                self.enqueue_pass(track)
            self.drain()
        for track in self.tracker.flush():
            self.enqueue_pass(track)
        self.drain(force=True)
        self.queue.prune_sent()

    def drain(self, *, force: bool = False) -> int:
        """Send queued reads oldest first until empty or the server fails; returns sent."""
        if not force and self._clock() < self._retry_at:
            return 0
        sent = 0
        while items := self.queue.peek(self.options.batch):
            outcome = self._send(items)
            if outcome is None:
                self._retry_at = self._clock() + self.options.retry_s
                return sent
            sent += outcome
        return sent

    def _send(self, items: list[QueuedRead]) -> int | None:
        """One request; ``None`` when the server is unavailable (items stay queued)."""
        ids = [i.read_id for i in items]
        try:
            result = self.sender.send_reads([to_payload(i) for i in items])
        except IngestUnavailable as exc:
            self.queue.ack(list(exc.partial.accepted + exc.partial.duplicates))
            self.queue.note_attempt(ids)
            log.warning("server unavailable, %d reads buffered: %s", self.queue.pending(),
                        exc.message)
            return None
        except IngestRejected as exc:
            return self._isolate(items, exc)
        done = list(result.accepted + result.duplicates)
        self.queue.ack(done)
        if not done:
            return None  # the server acknowledged nothing: do not spin
        return len(done)

    def _isolate(self, items: list[QueuedRead], exc: IngestRejected) -> int | None:
        """A refused batch: park the read if alone, else resend one by one to find it."""
        self.queue.ack(list(exc.partial.accepted + exc.partial.duplicates))
        if len(items) == 1:
            log.error("read %s refused by the server: %s", items[0].read_id, exc.code)
            self.queue.reject(items[0].read_id, f"{exc.status} {exc.code}")
            return 0
        sent = 0
        for item in items:
            outcome = self._send([item])
            if outcome is None:
                return None
            sent += outcome
        return sent
