"""A reader that runs several readers on each crop and keeps the most confident reading.

The readers fail differently (the CRNN on unusual fonts, PP-OCR on tight spacing and tilt),
so the more confident of two readings is right more often than either alone. The other
readings become alternatives.
"""

from __future__ import annotations

from collections.abc import Sequence

from platewarden.recognition.imageio import Frame
from platewarden.recognition.registry import Config, Reader, build_reader, register_reader
from platewarden.recognition.types import Alternative, Reading


class MaxConfidenceReader:
    """Runs every reader; per crop, the reading with the highest confidence wins."""

    def __init__(self, readers: Sequence[Reader]) -> None:
        self.readers = list(readers)
        self.name = "max(" + ",".join(r.name for r in self.readers) + ")"

    def read(self, crops: Sequence[Frame]) -> list[Reading]:
        """One reading per crop."""
        per_reader = [r.read(crops) for r in self.readers]
        out: list[Reading] = []
        for readings in zip(*per_reader, strict=True):
            ranked = sorted(readings, key=lambda r: -r.confidence)
            best = ranked[0]
            extra = [Alternative(r.text, r.confidence) for r in ranked[1:]
                     if r.text and r.text != best.text]
            out.append(Reading(best.text, best.confidence, best.char_confidences,
                               tuple(extra) + best.alternatives))
        return out


@register_reader("max-confidence")
def _build(config: Config) -> Reader:
    return MaxConfidenceReader([build_reader(c) for c in config["readers"]])
