"""Fine-tune the plate detector (YOLOv8n) on real photos plus Uzbek plates drawn into them.

Needs Ultralytics (AGPL-3.0, like the weights it starts from) and a torchvision built for the
installed torch. Starts from fastanpr's ``best.pt``, trains with Ultralytics' defaults at 416
px for a wall-clock budget, and exports the two ONNX files the default preset runs: 416 x 416
(the first pass) and 160 x 320 (the refining pass), weights stored as float16.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from platewarden.recognition.training.detector_data import DetectorData, build_detector_data
from platewarden.recognition.training.onnx_fp16 import fp16_storage

EXPORTS = {"plate-detector-416.onnx": 416, "plate-detector-160x320.onnx": [160, 320]}


@dataclass(frozen=True, slots=True)
class DetectorTrainOptions:
    """Options of :func:`train_detector` (the CLI's ``train detector``)."""

    data: tuple[str, ...]
    init: str
    out: str
    minutes: float = 25.0
    seed: int = 1
    swaps: int = 6
    tune_every: int = 4
    batch: int = 16
    workers: int = 2


def _yolo(weights: Path) -> Any:
    from ultralytics import YOLO  # type: ignore[import-not-found]  # the train extra

    return YOLO(str(weights))


def _export(weights: Path, out: Path) -> list[Path]:
    written = []
    for name, size in EXPORTS.items():
        with tempfile.TemporaryDirectory() as tmp:
            copy = Path(tmp) / "best.pt"
            shutil.copy(weights, copy)
            exported = _yolo(copy).export(format="onnx", imgsz=size, opset=17, simplify=False,
                                          dynamic=False)
            fp16_storage(Path(exported), out / name)
        written.append(out / name)
    return written


def train_detector(options: DetectorTrainOptions) -> dict[str, Any]:
    """Build the data, fine-tune, export; returns what was written and counted.

    Raises:
        ValueError: When the data folders hold no annotated ``train`` photo.
    """
    out = Path(options.out)
    data: DetectorData = build_detector_data(
        [Path(d) for d in options.data], out, swaps=options.swaps,
        tune_every=options.tune_every, seed=options.seed)
    # 30 epochs is a first guess that Ultralytics rescales to the time budget after one; it
    # also decides the optimizer from it (AdamW, lr 0.002, for this data), so it stays fixed.
    _yolo(Path(options.init)).train(
        data=str(data.data_yaml), imgsz=416, epochs=30, time=options.minutes / 60.0,
        batch=options.batch, workers=options.workers, device="cpu", seed=options.seed,
        deterministic=True, val=False, plots=False, project=str(out / "runs"), name="ft",
        exist_ok=True)
    weights = out / "runs" / "ft" / "weights" / "last.pt"
    shutil.copy(weights, out / "plate-detector.pt")
    onnx_files = _export(out / "plate-detector.pt", out)
    return {"trained_photos": data.trained_photos, "held_back_photos": data.held_back_photos,
            "frames": data.frames, "weights": str(out / "plate-detector.pt"),
            "onnx": [str(p) for p in onnx_files], "tune": str(out / "tune")}
