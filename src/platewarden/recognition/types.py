"""Result types of the recognition pipeline (plain frozen dataclasses)."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Box:
    """Axis-aligned box in frame pixels: top-left corner, width and height."""

    x: int
    y: int
    w: int
    h: int

    def iou(self, other: Box) -> float:
        """Intersection over union with ``other`` (0 when disjoint)."""
        ix = max(0, min(self.x + self.w, other.x + other.w) - max(self.x, other.x))
        iy = max(0, min(self.y + self.h, other.y + other.h) - max(self.y, other.y))
        inter = ix * iy
        union = self.w * self.h + other.w * other.h - inter
        return inter / union if union > 0 else 0.0

    def as_list(self) -> list[int]:
        """``[x, y, w, h]`` for JSON."""
        return [self.x, self.y, self.w, self.h]


@dataclass(frozen=True, slots=True)
class Detection:
    """A plate found by a detector."""

    box: Box
    score: float


@dataclass(frozen=True, slots=True)
class Alternative:
    """One candidate reading with its confidence (product of character confidences)."""

    text: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Reading:
    """What a reader made of one plate crop.

    Attributes:
        text: Best text, upper-case letters and digits only.
        confidence: Overall confidence in ``[0, 1]``.
        char_confidences: One confidence per character of ``text``.
        alternatives: Further candidates, best first, excluding ``text``.
        layout: ``one-line`` or ``two-line`` when the reader checked the crop's rows,
            ``""`` when it did not.
    """

    text: str
    confidence: float
    char_confidences: tuple[float, ...]
    alternatives: tuple[Alternative, ...] = ()
    layout: str = ""


@dataclass(frozen=True, slots=True)
class PlateResult:
    """One plate in a frame: where, what it says, and which grammar it fits."""

    box: Box
    text: str
    confidence: float
    char_confidences: tuple[float, ...]
    alternatives: tuple[Alternative, ...]
    country: str
    format: str
    detection_score: float

    def to_json(self) -> dict[str, object]:
        """JSON form used by ``platewarden recognize --format json``."""
        return {
            "text": self.text,
            "box": self.box.as_list(),
            "confidence": round(self.confidence, 4),
            "char_confidences": [round(c, 4) for c in self.char_confidences],
            "alternatives": [
                {"text": a.text, "confidence": round(a.confidence, 4)} for a in self.alternatives
            ],
            "country": self.country,
            "format": self.format,
        }


@dataclass(frozen=True, slots=True)
class FrameResult:
    """All plates of one frame (an image, or one frame of a video) and the time taken."""

    file: str
    plates: tuple[PlateResult, ...]
    ms: float
    frame_index: int | None = None

    def to_json(self) -> dict[str, object]:
        """``{"file": ..., "plates": [...], "ms": ...}`` (plus ``frame`` for videos)."""
        out: dict[str, object] = {
            "file": self.file,
            "plates": [p.to_json() for p in self.plates],
            "ms": round(self.ms, 2),
        }
        if self.frame_index is not None:
            out["frame"] = self.frame_index
        return out
