"""Built-in backends; importing this package registers them."""

from platewarden.recognition.backends import crnn, ppocr, whole, yolo

__all__ = ["crnn", "ppocr", "whole", "yolo"]
