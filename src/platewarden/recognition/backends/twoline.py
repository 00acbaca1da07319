"""A reader wrapper that reads two-line plates: rows found, joined into one line, read.

Every crop is read as it is by the wrapped reader. A crop whose layout shows two rows of
characters (:mod:`platewarden.recognition.twoline`) is also read with its rows joined left
to right; that reading wins, and the as-is reading stays an alternative, so the grammar can
still pick it. One-line crops pay only the layout check (a few connected-component passes
on a small image).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from platewarden.recognition.imageio import Frame
from platewarden.recognition.registry import Config, Reader, build_reader, register_reader
from platewarden.recognition.twoline import MAX_TWO_LINE_ASPECT, find_rows, join_rows
from platewarden.recognition.types import Alternative, Reading


class TwoLineReader:
    """Reads one-line crops with ``reader``; two-line crops with their rows joined."""

    def __init__(self, reader: Reader, *, max_aspect: float = MAX_TWO_LINE_ASPECT) -> None:
        self.reader = reader
        self.max_aspect = max_aspect
        self.name = f"two-line({reader.name})"

    def joined(self, crop: Frame) -> Frame | None:
        """The crop as one text line when it shows two rows, else ``None``."""
        rows = find_rows(crop, max_aspect=self.max_aspect)
        return None if rows is None else join_rows(crop, rows)

    def read(self, crops: Sequence[Frame]) -> list[Reading]:
        """One reading per crop, in order."""
        readings = [replace(r, layout="one-line") for r in self.reader.read(crops)]
        lines = [self.joined(c) for c in crops]
        which = [i for i, line in enumerate(lines) if line is not None]
        if not which:
            return readings
        joined = self.reader.read([line for line in lines if line is not None])
        for i, two in zip(which, joined, strict=True):
            readings[i] = _prefer(two, readings[i])
        return readings


def _prefer(two: Reading, one: Reading) -> Reading:
    """The joined-rows reading first, the as-is reading among its alternatives."""
    if not two.text:
        return one
    extra = (Alternative(one.text, one.confidence),) if one.text and one.text != two.text \
        else ()
    return Reading(two.text, two.confidence, two.char_confidences,
                   two.alternatives + extra + one.alternatives, layout="two-line")


@register_reader("two-line")
def _build(config: Config) -> Reader:
    return TwoLineReader(build_reader(config["reader"]),
                         max_aspect=float(config.get("max_aspect", MAX_TWO_LINE_ASPECT)))
