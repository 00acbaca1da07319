"""Named pipeline configurations: every shipped backend pair, side by side."""

from __future__ import annotations

from platewarden.recognition.backends.onnx import models_dir
from platewarden.recognition.errors import BackendError
from platewarden.recognition.pipeline import Recognizer, RecognizerConfig

_YOLO = {"type": "yolov8-onnx", "model": "plate-detector-yolov8n.onnx"}

PRESETS: dict[str, RecognizerConfig] = {
    "platewarden": RecognizerConfig(
        detector=_YOLO, reader={"type": "crnn-onnx", "model": "plate-reader-crnn.onnx"},
        margin_x=0.0, margin_y=0.0, rectify=False, name="platewarden",
    ),
    "baseline": RecognizerConfig(
        detector=_YOLO, reader={"type": "ppocr-onnx"},
        margin_x=0.0, margin_y=0.0, rectify=True, name="baseline",
    ),
}


def default_preset() -> str:
    """``platewarden`` when its reader weights are shipped, else ``baseline``."""
    if (models_dir() / "plate-reader-crnn.onnx").is_file():
        return "platewarden"
    return "baseline"


def load_recognizer(preset: str | None = None, *, grammar: str | None = None) -> Recognizer:
    """Build the recogniser of a named preset (default: :func:`default_preset`).

    Raises:
        BackendError: When the preset is unknown or its models are missing.
    """
    name = preset or default_preset()
    if name not in PRESETS:
        raise BackendError(f"unknown preset {name!r}; known: {sorted(PRESETS)}")
    config = PRESETS[name]
    if grammar is not None:
        from dataclasses import replace

        config = replace(config, grammar=grammar)
    return Recognizer(config)
