"""Fakes for agent tests: a scripted recogniser and a server that can go down."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from platewarden.agent.sources import SourceFrame
from platewarden.camera.client import IngestResult, IngestUnavailable, ReadStatus
from platewarden.camera.payloads import ReadPayload
from platewarden.recognition.types import Box, PlateResult


def plate(text: str, x: int, y: int = 300, *, conf: float = 0.9) -> PlateResult:
    """A recognised plate at ``(x, y)``, 100 x 25 px."""
    return PlateResult(Box(x, y, 100, 25), text, conf, (conf,) * len(text), (), "UZ",
                       "private", 0.9)


class ScriptedRecognizer:
    """Returns, for frame ``i`` (its top-left pixel holds ``i``), the plates scripted."""

    def __init__(self, script: dict[int, list[PlateResult]]) -> None:
        self.script = script

    def recognize(self, frame: Any) -> list[PlateResult]:
        return list(self.script.get(int(frame[0, 0, 0]), []))


def frames(count: int, *, start: int = 0) -> list[SourceFrame]:
    """Small frames numbered through their top-left pixel, 40 ms apart."""
    out = []
    for i in range(start, start + count):
        image = np.full((720, 1280, 3), 60, np.uint8)
        image[0, 0, 0] = i
        out.append(SourceFrame(i, 1_700_000_000_000 + 40 * i, image))
    return out


def drive(text: str, first: int, last: int, *, x0: int = 100,
          step: int = 30) -> dict[int, list[PlateResult]]:
    """A plate moving right from ``x0``, seen in frames ``first..last``."""
    return {i: [plate(text, x0 + (i - first) * step)] for i in range(first, last + 1)}


def merge(*scripts: dict[int, list[PlateResult]]) -> dict[int, list[PlateResult]]:
    out: dict[int, list[PlateResult]] = {}
    for script in scripts:
        for i, plates in script.items():
            out.setdefault(i, []).extend(plates)
    return out


@dataclass
class FakeServer:
    """Stores reads deduplicated by read id, like the ingest API; can be switched off."""

    up: bool = True
    stored: dict[str, ReadPayload] = field(default_factory=dict)
    order: list[str] = field(default_factory=list)
    requests: int = 0
    lose_next_answer: bool = False

    def send_reads(self, reads: Sequence[ReadPayload]) -> IngestResult:
        self.requests += 1
        if not self.up:
            raise IngestUnavailable("connection refused")
        statuses = []
        for read in reads:
            if read.read_id in self.stored:
                statuses.append(ReadStatus(read_id=read.read_id, status="duplicate"))
            else:
                self.stored[read.read_id] = read
                self.order.append(read.read_id)
                statuses.append(ReadStatus(read_id=read.read_id, status="accepted"))
        if self.lose_next_answer:
            self.lose_next_answer = False
            raise IngestUnavailable("timeout after the server stored the batch")
        return IngestResult(statuses=tuple(statuses))

    def plates(self) -> list[str]:
        return [self.stored[i].plate for i in self.order]
