"""A second, zoomed detector pass that tightens the first pass's boxes.

A 1280 x 720 frame letterboxed to 416 x 416 leaves a typical plate about 35 pixels wide, so
the detector's box edges are off by several frame pixels. Running the detector again on a
region a few times the box's size around each of the best boxes puts the plate at about
three times that scale, and the box found there is the tighter one.
"""

from __future__ import annotations

from platewarden.recognition.imageio import Frame
from platewarden.recognition.registry import (
    Config,
    Detector,
    build_detector,
    register_detector,
)
from platewarden.recognition.types import Box, Detection


class RefiningDetector:
    """Finds plates with ``first``, then re-finds each of the best ``top`` in a zoomed region.

    Args:
        first: The full-frame detector.
        second: The detector run on each region (may be ``first`` itself).
        grow: Region width as a multiple of the box width (height: half the width, at least
            ``grow`` box heights).
        top: At most this many boxes (best first) are refined; the rest pass unchanged.
        min_overlap: A refined box overlapping the first box less than this (IoU) is a
            different plate; the first box is kept.
    """

    def __init__(self, *, first: Detector, second: Detector, grow: float = 3.0, top: int = 3,
                 min_overlap: float = 0.2, name: str = "refine") -> None:
        self.name = name
        self._first = first
        self._second = second
        self._grow = grow
        self._top = top
        self._min_overlap = min_overlap

    def detect(self, frame: Frame) -> list[Detection]:
        """Plates in ``frame`` (BGR), best score first, the best ones with refined boxes."""
        found = self._first.detect(frame)
        refined = [Detection(self.refine(frame, d.box), d.score) for d in found[: self._top]]
        return refined + found[self._top:]

    def region(self, frame: Frame, box: Box) -> Box:
        """The zoomed region around ``box``, clipped to the frame."""
        fh, fw = frame.shape[:2]
        width = max(box.w * self._grow, box.h * self._grow * 2)
        cx, cy = box.x + box.w / 2, box.y + box.h / 2
        x0, y0 = max(0, int(cx - width / 2)), max(0, int(cy - width / 4))
        x1, y1 = min(fw, int(cx + width / 2)), min(fh, int(cy + width / 4))
        return Box(x0, y0, x1 - x0, y1 - y0)

    def refine(self, frame: Frame, box: Box) -> Box:
        """``box`` re-found in its zoomed region; ``box`` itself when nothing fits there."""
        area = self.region(frame, box)
        if area.w < 8 or area.h < 8:
            return box
        patch = frame[area.y:area.y + area.h, area.x:area.x + area.w]
        local = Box(box.x - area.x, box.y - area.y, box.w, box.h)
        candidates = [d.box for d in self._second.detect(patch)]
        best = max(candidates, key=local.iou, default=None)
        if best is None or best.iou(local) < self._min_overlap:
            return box
        return Box(best.x + area.x, best.y + area.y, best.w, best.h)


@register_detector("refine")
def _build(config: Config) -> Detector:
    first = build_detector(config["detector"])
    second = build_detector(config["second"]) if "second" in config else first
    return RefiningDetector(
        first=first, second=second, grow=float(config.get("grow", 3.0)),
        top=int(config.get("top", 3)), min_overlap=float(config.get("min_overlap", 0.2)),
    )
