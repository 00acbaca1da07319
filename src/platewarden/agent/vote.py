"""One read per vehicle pass: vote over the frames a track saw, keep the best frame."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from platewarden.domain.plates import canonical_key


@dataclass(frozen=True, slots=True)
class Observation:
    """One plate reading of a track in one frame.

    Attributes:
        frame_index: Index of the frame in the source.
        captured_at_ms: Capture time of the frame (milliseconds since the epoch).
        text: Text read in this frame.
        confidence: Reader confidence.
        box: ``(x, y, w, h)`` in the frame.
        crop_jpeg: The plate crop, JPEG-encoded.
        frame: The full frame (BGR array), kept only for the best observation so far.
    """

    frame_index: int
    captured_at_ms: int
    text: str
    confidence: float
    box: tuple[int, int, int, int]
    crop_jpeg: bytes
    frame: Any


@dataclass(frozen=True, slots=True)
class Vote:
    """The outcome of a pass: the winning text, its support and the best frame."""

    text: str
    confidence: float
    support: int
    seen: int
    alternatives: tuple[tuple[str, float], ...]
    best: Observation


def vote(observations: list[Observation]) -> Vote:
    """Pick the text with the largest summed confidence; ties go to more frames.

    Readings that differ only by confusable characters (``0/O``, ``8/B``...) pool their
    votes under one canonical key, and the most confident spelling inside the winning
    pool is reported. The best frame is the most confident observation of the winner.

    Raises:
        ValueError: When ``observations`` is empty.
    """
    if not observations:
        raise ValueError("a pass needs at least one observation")
    pools: dict[str, list[Observation]] = defaultdict(list)
    for obs in observations:
        pools[canonical_key(obs.text)].append(obs)
    total = sum(o.confidence for o in observations) or 1.0

    def weight(group: list[Observation]) -> tuple[float, int]:
        return sum(o.confidence for o in group), len(group)

    ranked = sorted(pools.values(), key=weight, reverse=True)
    winner = ranked[0]
    spelling: dict[str, float] = defaultdict(float)
    for obs in winner:
        spelling[obs.text] += obs.confidence
    text = max(spelling, key=lambda t: spelling[t])
    best = max((o for o in winner if o.text == text), key=lambda o: o.confidence)
    alternatives = tuple(
        (max(g, key=lambda o: o.confidence).text, weight(g)[0] / total) for g in ranked[1:4]
    )
    return Vote(text=text, confidence=weight(winner)[0] / total * best.confidence,
                support=len(winner), seen=len(observations), alternatives=alternatives,
                best=best)
