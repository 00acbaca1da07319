"""Redacted disclosure copies: every plate but the offending one, and every face, made unreadable.

Plates are found with the recognition pipeline's detector and read with its reader; the one
whose reading matches the offending plate (same canonical key, or one character off) is
kept. Faces are found with the Haar cascade (``faces``). Each region is pixelated to 3 x 3
blocks and then blurred across half its size, which leaves nothing to sharpen back: nine
colours per region, smoothed (an 8 x 8 mosaic still looked like a face to the cascade).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np
from numpy.typing import NDArray

from platewarden.domain.plates import canonical_key
from platewarden.recognition.faces import HaarCascade
from platewarden.recognition.pipeline import Recognizer
from platewarden.recognition.types import Box

_MOSAIC = 3
_JPEG_QUALITY = 90


@dataclass(frozen=True, slots=True, kw_only=True)
class RedactedImage:
    """The redacted JPEG and what was done to it."""

    data: bytes
    plates_blurred: int
    faces_blurred: int
    plate_kept: bool


class ImageRedactor:
    """Redacts overview images; the recogniser and cascade load on first use."""

    def __init__(self, *, recognizer: Callable[[], Recognizer],
                 cascade: Callable[[], HaarCascade] = HaarCascade) -> None:
        self._make_recognizer = recognizer
        self._make_cascade = cascade
        self._recognizer: Recognizer | None = None
        self._cascade: HaarCascade | None = None
        self._lock = threading.Lock()

    def redact(self, image: bytes, *, keep_plate: str) -> RedactedImage:
        """``image`` with every plate but ``keep_plate`` and every face blurred.

        Raises:
            ValueError: ``image`` is not a decodable picture.
        """
        frame = cv2.imdecode(np.frombuffer(image, np.uint8), cv2.IMREAD_COLOR)
        if frame is None:
            raise ValueError("not a decodable image")
        recognizer, cascade = self._models()
        plates = [d.box for d in recognizer.detector.detect(frame)
                  if d.score >= recognizer.config.min_detection]
        kept = _offending(recognizer, frame, plates, keep_plate)
        others = [box for index, box in enumerate(plates) if index != kept]
        gray = cv2.cvtColor(frame, cv2.COLOR_BGR2GRAY)
        faces = [Box(x, y, w, h) for x, y, w, h in cascade.detect(gray, min_size=20)]
        for box in [*others, *faces]:
            _obliterate(frame, box)
        ok, encoded = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY, _JPEG_QUALITY])
        if not ok:  # pragma: no cover - OpenCV always encodes a decoded frame
            raise ValueError("could not encode the redacted image")
        return RedactedImage(data=encoded.tobytes(), plates_blurred=len(others),
                             faces_blurred=len(faces), plate_kept=kept is not None)

    def _models(self) -> tuple[Recognizer, HaarCascade]:
        with self._lock:
            if self._recognizer is None:
                self._recognizer = self._make_recognizer()
            if self._cascade is None:
                self._cascade = self._make_cascade()
            return self._recognizer, self._cascade


def _offending(recognizer: Recognizer, frame: NDArray[Any], boxes: list[Box],
               plate: str) -> int | None:
    """Index of the box whose reading is the offending plate (None: blur them all)."""
    if not boxes:
        return None
    readings = recognizer.reader.read([recognizer.prepare_crop(frame, box) for box in boxes])
    wanted = canonical_key(plate)
    best: tuple[int, float, int] | None = None
    for index, reading in enumerate(readings):
        distance = _distance(canonical_key(reading.text), wanted) if reading.text else 99
        if distance <= 1 and (best is None or (distance, -reading.confidence) <
                              (best[0], -best[1])):
            best = (distance, reading.confidence, index)
    return best[2] if best is not None else None


def _distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, start=1):
        current = [i]
        for j, cb in enumerate(b, start=1):
            current.append(min(previous[j] + 1, current[j - 1] + 1,
                               previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def _obliterate(frame: NDArray[Any], box: Box) -> None:
    """Pixelate then blur ``box`` in place (grown by a tenth so edges go too)."""
    height, width = frame.shape[:2]
    grow_x, grow_y = box.w // 10 + 1, box.h // 10 + 1
    x0, y0 = max(0, box.x - grow_x), max(0, box.y - grow_y)
    x1, y1 = min(width, box.x + box.w + grow_x), min(height, box.y + box.h + grow_y)
    if x1 - x0 < 2 or y1 - y0 < 2:
        return
    region = frame[y0:y1, x0:x1]
    small = cv2.resize(region, (_MOSAIC, _MOSAIC), interpolation=cv2.INTER_AREA)
    mosaic = cv2.resize(small, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
    kernel = max(3, (min(x1 - x0, y1 - y0) // 2) | 1)
    frame[y0:y1, x0:x1] = cv2.GaussianBlur(mosaic, (kernel, kernel), 0)
