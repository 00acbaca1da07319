"""A detector that returns the whole frame: for inputs that are already plate crops."""

from __future__ import annotations

from platewarden.recognition.imageio import Frame
from platewarden.recognition.registry import Config, Detector, register_detector
from platewarden.recognition.types import Box, Detection


class WholeFrame:
    """Treats the frame itself as one plate (a camera that sends crops, or a bench)."""

    name = "whole-frame"

    def detect(self, frame: Frame) -> list[Detection]:
        """The full frame as a single detection with score 1."""
        h, w = frame.shape[:2]
        return [Detection(Box(0, 0, int(w), int(h)), 1.0)]


@register_detector("whole-frame")
def _build(config: Config) -> Detector:
    del config
    return WholeFrame()
