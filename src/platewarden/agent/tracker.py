"""Following plates across frames: greedy IoU matching with a text fallback.

A plate moving through the view keeps overlapping its previous box from frame to frame;
when the motion is too fast for overlap, a reading whose canonical key matches an open track
close by still joins it. A track closes after ``max_gap`` frames without a sighting.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from platewarden.agent.vote import Observation
from platewarden.domain.plates import canonical_key


def iou(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    """Intersection over union of two ``(x, y, w, h)`` boxes."""
    ix = max(0, min(a[0] + a[2], b[0] + b[2]) - max(a[0], b[0]))
    iy = max(0, min(a[1] + a[3], b[1] + b[3]) - max(a[1], b[1]))
    inter = ix * iy
    union = a[2] * a[3] + b[2] * b[3] - inter
    return inter / union if union else 0.0


def _centre_distance(a: tuple[int, int, int, int], b: tuple[int, int, int, int]) -> float:
    dx = (a[0] + a[2] / 2) - (b[0] + b[2] / 2)
    dy = (a[1] + a[3] / 2) - (b[1] + b[3] / 2)
    return float((dx * dx + dy * dy) ** 0.5)


@dataclass
class Track:
    """An open or closed vehicle pass."""

    track_id: int
    observations: list[Observation] = field(default_factory=list)

    @property
    def last(self) -> Observation:
        """Most recent observation."""
        return self.observations[-1]


class Tracker:
    """Assigns each frame's observations to tracks and reports tracks that ended."""

    def __init__(self, *, min_iou: float = 0.1, max_gap: int = 4,
                 max_jump: float = 6.0) -> None:
        self._open: list[Track] = []
        self._next_id = 1
        self._min_iou = min_iou
        self._max_gap = max_gap
        self._max_jump = max_jump  # in plate widths, for the text fallback

    def _score(self, track: Track, obs: Observation) -> float:
        overlap = iou(track.last.box, obs.box)
        if overlap >= self._min_iou:
            return 1.0 + overlap
        same = canonical_key(track.last.text) == canonical_key(obs.text)
        near = _centre_distance(track.last.box, obs.box) <= self._max_jump * max(obs.box[2], 1)
        return 0.5 if same and near else 0.0

    def update(self, frame_index: int, observations: list[Observation]) -> list[Track]:
        """Add one frame's observations; return the tracks that closed before it."""
        pairs = sorted(
            ((self._score(t, o), ti, oi) for ti, t in enumerate(self._open)
             for oi, o in enumerate(observations)),
            reverse=True,
        )
        used_t: set[int] = set()
        used_o: set[int] = set()
        for score, ti, oi in pairs:
            if score <= 0 or ti in used_t or oi in used_o:
                continue
            self._open[ti].observations.append(observations[oi])
            used_t.add(ti)
            used_o.add(oi)
        for oi, obs in enumerate(observations):
            if oi not in used_o:
                self._open.append(Track(self._next_id, [obs]))
                self._next_id += 1
        closed = [t for t in self._open if frame_index - t.last.frame_index > self._max_gap]
        self._open = [t for t in self._open if t not in closed]
        return closed

    def flush(self) -> list[Track]:
        """Close and return every open track (end of the stream)."""
        closed, self._open = self._open, []
        return closed
