"""Built-in backends; importing this package registers them."""

from platewarden.recognition.backends import (
    crnn,
    ensemble,
    ppocr,
    refine,
    trims,
    twoline,
    whole,
    yolo,
)

__all__ = ["crnn", "ensemble", "ppocr", "refine", "trims", "twoline", "whole", "yolo"]
