"""A reader wrapper that reads two-line plates: rows found, joined into one line, read.

Every crop is read as it is by the wrapped reader. A crop whose layout shows two rows of
characters (:mod:`platewarden.recognition.twoline`) is also read with its rows joined left
to right; that reading wins, and the as-is reading stays an alternative, so the grammar can
still pick it. One-line crops pay only the layout check (a few connected-component passes
on a small image). A crop shaped like a two-line plate (no wider than 1.5 x its height) is
also read cut where the Uzbek layout puts the rows; that reading counts only if it is
exactly an Uzbek two-line format. It replaces the crop's reading when that is less
confident, or when rows were found but their reading is no such format (a wrong cut): for
blurred crops without rows, tuning seed 556 92.7 -> 94.7 % of two-line plates; for crops
with rows, 96.5 -> 97.2 % (none of 750 real US crops switched). Such a crop is then not
read as it is (seed 556 97.2 -> 97.3 %, 32 % less time per two-line crop).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from platewarden.domain.plates import parse
from platewarden.recognition.formats import TWO_LINE_UZ_KINDS
from platewarden.recognition.imageio import Frame
from platewarden.recognition.registry import Config, Reader, build_reader, register_reader
from platewarden.recognition.twoline import (
    MAX_TWO_LINE_ASPECT,
    find_rows,
    join_rows,
    layout_rows,
)
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
        lines = [self.joined(c) for c in crops]
        at_layout = self._read_at_layout(crops)
        # A crop whose layout cut reads exactly as a two-line format is not read as it is:
        # squeezed into one line, a two-line plate's as-is reading rarely beats it, and it
        # was 2 of the pair's 6 model runs there (tuning seed 556 +1 plate, 557 the same).
        as_is = [i for i in range(len(crops)) if not _exact_two_line_at(at_layout, i)]
        current: list[Reading | None] = [None] * len(crops)
        plain = self.reader.read([crops[i] for i in as_is]) if as_is else []
        for i, one in zip(as_is, plain, strict=True):
            current[i] = replace(one, layout="one-line")
        which = [i for i, line in enumerate(lines) if line is not None]
        if which:
            joined = self.reader.read([line for line in lines if line is not None])
            for i, two in zip(which, joined, strict=True):
                current[i] = _prefer(two, current[i])
        return [self._settle(at_layout.get(i), current[i], rows_found=lines[i] is not None)
                for i in range(len(crops))]

    def _read_at_layout(self, crops: Sequence[Frame]) -> dict[int, Reading]:
        """Crops shaped like a two-line plate read cut where the layout has rows, by index."""
        guesses = [(i, rows) for i, crop in enumerate(crops)
                   if (rows := layout_rows(crop)) is not None]
        if not guesses:
            return {}
        read = self.reader.read([join_rows(crops[i], rows) for i, rows in guesses])
        return {i: two for (i, _), two in zip(guesses, read, strict=True)}

    @staticmethod
    def _settle(two: Reading | None, current: Reading | None, *, rows_found: bool) -> Reading:
        """The layout-cut reading ``two`` against the crop's other reading ``current``.

        ``two`` counts only when it is exactly an Uzbek two-line format: then it wins over a
        rows-found reading that is not, or that is less confident (the blobs gave a wrong
        cut), and over the as-is reading of a crop without rows (too blurred for blobs) that
        is less confident. A one-line plate cut in two reads as neither format.
        """
        if two is None or not _exact_two_line(two):
            assert current is not None  # every crop without an exact layout reading was read
            return current
        if current is None:
            return replace(two, layout="two-line")
        wrong_cut = rows_found and not _exact_two_line(current)
        if wrong_cut or two.confidence > current.confidence:
            return _prefer(two, current)
        return current


def _exact_two_line_at(readings: dict[int, Reading], i: int) -> bool:
    return i in readings and _exact_two_line(readings[i])


def _exact_two_line(reading: Reading) -> bool:
    """The text is exactly an Uzbek trailer or motorcycle number, without corrections."""
    parsed = parse(reading.text)
    return parsed.format in TWO_LINE_UZ_KINDS and not parsed.corrected


def _prefer(two: Reading, one: Reading | None) -> Reading:
    """The joined-rows reading first, the as-is reading (if read) among its alternatives."""
    if one is None:
        return replace(two, layout="two-line")
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
