"""Re-create ``plate-detector-yolov8n.onnx`` from the ``fastanpr`` wheel (run once, offline).

Needs a separate environment with ``ultralytics`` (any 8.x), ``torch`` and ``onnx``; the
project itself never imports ultralytics. Steps, as run for the shipped file:

    pip download fastanpr==0.1.13 --no-deps -d dl && unzip dl/fastanpr-*.whl -d dl/x
    python bench/recognition/export_detector.py dl/x/fastanpr/best.pt \
        src/platewarden/recognition/models/plate-detector-yolov8n.onnx

The export is YOLOv8 at 640 x 640, opset 17, output ``1 x 5 x 8400``; weights are then
stored as float16 with Cast nodes in front (compute stays float32), halving the file to
about 6 MB so it ships in the repository.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from platewarden.recognition.training.onnx_fp16 import fp16_storage


def _size(args: list[str]) -> int | list[int]:
    """640 by default; ``416`` for the fast variant; ``224x416`` (height x width) for the
    refining pass's 2:1 regions."""
    if not args:
        return 640
    if "x" in args[0]:
        height, width = args[0].split("x")
        return [int(height), int(width)]
    return int(args[0])


def main() -> None:
    """``export_detector.py BEST_PT OUT_ONNX [SIZE | HEIGHTxWIDTH]``."""
    from ultralytics import YOLO

    best, out = Path(sys.argv[1]), Path(sys.argv[2])
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "best.pt"
        copy.write_bytes(best.read_bytes())
        exported = YOLO(str(copy)).export(format="onnx", imgsz=_size(sys.argv[3:]), opset=17,
                                          simplify=False, dynamic=False)
        fp16_storage(Path(exported), out)


if __name__ == "__main__":
    main()
