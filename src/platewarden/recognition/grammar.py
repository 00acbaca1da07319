"""Choosing the final text among a reader's candidates with the plate grammar.

Uses :func:`platewarden.domain.plates.parse`. With ``mode="uz"`` (the default deployment) a
candidate that is exactly an Uzbek format outweighs one that needed positional corrections,
which outweighs a generic text, and a format printed on the number of lines the reader saw
outweighs one printed on the other; with ``mode="any"`` only the reader's confidence counts and
no correction is applied (foreign plates).
"""

from __future__ import annotations

from dataclasses import dataclass

from platewarden.domain.plates import parse
from platewarden.recognition.formats import TWO_LINE_UZ_KINDS
from platewarden.recognition.types import Alternative, Reading

_WEIGHTS = {"exact": 1.0, "corrected": 0.6, "generic": 0.35, "invalid": 0.0}
# An Uzbek format printed on the other number of lines than the reader saw (a trailer's
# two-line format read off a one-line crop) is unlikely but possible: the row finder misses
# some degraded two-line plates, so the candidate is weighed down, not ruled out.
LAYOUT_MISMATCH_WEIGHT = 0.5


@dataclass(frozen=True, slots=True)
class GrammarChoice:
    """The chosen text, its country and format, and the remaining alternatives."""

    text: str
    confidence: float
    country: str
    format: str
    alternatives: tuple[Alternative, ...]


def _kind(country: str, fmt: str, corrected: bool) -> str:
    if fmt == "invalid":
        return "invalid"
    if country == "UZ":
        return "corrected" if corrected else "exact"
    return "generic"


def _layout_weight(layout: str, country: str, fmt: str) -> float:
    """Down-weight for an Uzbek format whose line count differs from the crop's layout."""
    if not layout or country != "UZ":
        return 1.0
    two_line_format = fmt in TWO_LINE_UZ_KINDS
    return LAYOUT_MISMATCH_WEIGHT if two_line_format != (layout == "two-line") else 1.0


def choose(reading: Reading, *, mode: str = "uz") -> GrammarChoice:
    """Pick the best candidate of ``reading`` under the grammar ``mode`` (``uz``/``any``)."""
    candidates = [Alternative(reading.text, reading.confidence), *reading.alternatives]
    scored: list[tuple[float, str, str, str, float]] = []
    for cand in candidates:
        parsed = parse(cand.text)
        kind = _kind(parsed.country, parsed.format, parsed.corrected)
        if mode == "uz":
            weight = _WEIGHTS[kind] * _layout_weight(reading.layout, parsed.country,
                                                     parsed.format)
            text = parsed.text
        else:
            weight = 0.0 if kind == "invalid" else 1.0
            text = cand.text
        scored.append((cand.confidence * weight, text, parsed.country, parsed.format,
                       cand.confidence))
    best = max(scored, key=lambda s: s[0]) if scored else None
    if best is None or best[0] <= 0.0:
        parsed = parse(reading.text)
        return GrammarChoice(reading.text, reading.confidence, parsed.country, parsed.format,
                             reading.alternatives)
    seen = {best[1]}
    rest: list[Alternative] = []
    for _, text, _, _, conf in sorted(scored, key=lambda s: -s[0]):
        if text not in seen and text:
            seen.add(text)
            rest.append(Alternative(text, conf))
    return GrammarChoice(best[1], best[4], best[2], best[3], tuple(rest))
