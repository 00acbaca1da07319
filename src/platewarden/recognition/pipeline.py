"""The recognition pipeline: detect, rectify, read, check against the grammar."""

from __future__ import annotations

import time
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from platewarden.recognition.grammar import choose
from platewarden.recognition.imageio import Frame, is_video, iter_video, load_image
from platewarden.recognition.rectify import cut, rectify
from platewarden.recognition.registry import Detector, Reader, build_detector, build_reader
from platewarden.recognition.types import FrameResult, PlateResult, Reading


@dataclass(frozen=True, slots=True)
class RecognizerConfig:
    """Backends and crop handling of one pipeline.

    Attributes:
        detector: Detector backend config (``{"type": ..., ...}``).
        reader: Reader backend config.
        margin_x: Horizontal growth (+) or shrink (-) of detector boxes before reading.
        margin_y: Vertical growth or shrink of detector boxes.
        rectify: Level and tighten each crop before reading.
        grammar: ``uz`` (Uzbek formats first) or ``any``.
        max_plates: At most this many detections per frame are read.
        min_detection: Detections scoring below this are dropped.
    """

    detector: Mapping[str, Any]
    reader: Mapping[str, Any]
    margin_x: float = 0.02
    margin_y: float = 0.05
    rectify: bool = True
    grammar: str = "uz"
    max_plates: int = 8
    min_detection: float = 0.25
    name: str = field(default="custom")


class Recognizer:
    """Finds and reads every plate in a frame."""

    def __init__(self, config: RecognizerConfig, *, detector: Detector | None = None,
                 reader: Reader | None = None) -> None:
        self.config = config
        self.detector = detector or build_detector(config.detector)
        self.reader = reader or build_reader(config.reader)

    def prepare_crop(self, frame: Frame, box: Any) -> Frame:
        """Cut (and optionally rectify) the crop the reader will see for ``box``."""
        crop = cut(frame, box, margin_x=self.config.margin_x, margin_y=self.config.margin_y)
        return rectify(crop) if self.config.rectify else crop

    def read_crops(self, crops: list[Frame]) -> list[Reading]:
        """Read already-cut plate crops (rectified first when configured)."""
        ready = [rectify(c) if self.config.rectify else c for c in crops]
        return self.reader.read(ready)

    def recognize(self, frame: Frame) -> list[PlateResult]:
        """Every plate in a BGR frame, best detection first; empty readings are dropped."""
        detections = [d for d in self.detector.detect(frame)
                      if d.score >= self.config.min_detection][: self.config.max_plates]
        if not detections:
            return []
        crops = [self.prepare_crop(frame, d.box) for d in detections]
        readings = self.reader.read(crops)
        results: list[PlateResult] = []
        for det, reading in zip(detections, readings, strict=True):
            if not reading.text:
                continue
            picked = choose(reading, mode=self.config.grammar)
            confs = reading.char_confidences if picked.text == reading.text else tuple(
                [picked.confidence ** (1 / max(1, len(picked.text)))] * len(picked.text))
            results.append(PlateResult(
                box=det.box, text=picked.text, confidence=picked.confidence,
                char_confidences=confs, alternatives=picked.alternatives,
                country=picked.country, format=picked.format, detection_score=det.score,
            ))
        return results

    def recognize_frame(self, frame: Frame, *, name: str,
                        index: int | None = None) -> FrameResult:
        """Recognise one frame and time it."""
        start = time.perf_counter()
        plates = self.recognize(frame)
        ms = (time.perf_counter() - start) * 1000.0
        return FrameResult(name, tuple(plates), ms, index)

    def recognize_path(self, source: str | Path, *, stride: int = 1) -> Iterator[FrameResult]:
        """Results for an image file (one) or a video/stream (one per sampled frame).

        Raises:
            ImageError: When the input cannot be read as an image or video.
        """
        name = str(source)
        if is_video(source):
            for index, frame in iter_video(source, stride=stride):
                yield self.recognize_frame(frame, name=name, index=index)
            return
        yield self.recognize_frame(load_image(source), name=name)
