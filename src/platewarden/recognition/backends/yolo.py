"""YOLOv8 single-class plate detector exported to ONNX (output ``1 x 5 x N``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from platewarden.recognition.backends.onnx import make_session, resolve_model
from platewarden.recognition.errors import BackendError
from platewarden.recognition.imageio import Frame
from platewarden.recognition.registry import Config, Detector, register_detector
from platewarden.recognition.types import Box, Detection


class YoloOnnxDetector:
    """Letterboxes the frame, runs the network, decodes boxes and applies NMS.

    The network's input size is read from the model (square or not, as exported); ``size``
    is needed only for a model exported with a dynamic size, and must match a fixed one.
    """

    def __init__(self, *, model: str, size: int | None = None, score: float = 0.25,
                 iou: float = 0.45, threads: int = 1, name: str = "yolov8-onnx") -> None:
        self.name = name
        self._session: Any = make_session(resolve_model(model), threads=threads)
        net_input = self._session.get_inputs()[0]
        self._input = net_input.name
        self._height, self._width = _input_size(model, net_input.shape, size)
        self._score = score
        self._iou = iou

    def _letterbox(self, frame: Frame) -> tuple[Any, float, int, int]:
        h, w = frame.shape[:2]
        scale = min(self._height / h, self._width / w)
        nh, nw = round(h * scale), round(w * scale)
        resized = cv2.resize(frame, (nw, nh), interpolation=cv2.INTER_LINEAR)
        top, left = (self._height - nh) // 2, (self._width - nw) // 2
        canvas = np.full((self._height, self._width, 3), 114, np.uint8)
        canvas[top:top + nh, left:left + nw] = resized
        blob = canvas[:, :, ::-1].transpose(2, 0, 1)[None].astype(np.float32) / 255.0
        return blob, scale, left, top

    def detect(self, frame: Frame) -> list[Detection]:
        """Plates in ``frame`` (BGR), best score first."""
        blob, scale, left, top = self._letterbox(frame)
        out = self._session.run(None, {self._input: blob})[0][0]  # 5 x N
        scores = out[4]
        keep = scores >= self._score
        if not keep.any():
            return []
        cx, cy, bw, bh = (out[i][keep] for i in range(4))
        scores = scores[keep]
        x = (cx - bw / 2 - left) / scale
        y = (cy - bh / 2 - top) / scale
        boxes = np.stack([x, y, bw / scale, bh / scale], axis=1)
        chosen = cv2.dnn.NMSBoxes(boxes.tolist(), scores.tolist(), self._score, self._iou)
        h, w = frame.shape[:2]
        found: list[Detection] = []
        for i in np.array(chosen).reshape(-1):
            bx, by, bw_, bh_ = boxes[i]
            x0, y0 = max(0, round(float(bx))), max(0, round(float(by)))
            x1, y1 = min(w, round(float(bx + bw_))), min(h, round(float(by + bh_)))
            if x1 - x0 >= 4 and y1 - y0 >= 4:
                found.append(Detection(Box(x0, y0, x1 - x0, y1 - y0), float(scores[i])))
        return sorted(found, key=lambda d: -d.score)


def _input_size(model: str, shape: Sequence[object], size: int | None) -> tuple[int, int]:
    """(height, width) of the network input: the model's own, else ``size`` square.

    Raises:
        BackendError: When ``size`` contradicts a fixed input, or neither gives one.
    """
    height, width = shape[2:4] if len(shape) == 4 else (None, None)
    if isinstance(height, int) and isinstance(width, int):
        if size is not None and (height, width) != (size, size):
            raise BackendError(f"detector {model!r} takes {width} x {height} input, not "
                               f"size {size}")
        return height, width
    if size is None:
        raise BackendError(f"detector {model!r} has a dynamic input size: give \"size\"")
    return size, size


@register_detector("yolov8-onnx")
def _build(config: Config) -> Detector:
    size = config.get("size")
    return YoloOnnxDetector(
        model=str(config.get("model", "plate-detector-yolov8n.onnx")),
        size=None if size is None else int(size),
        score=float(config.get("score", 0.25)),
        iou=float(config.get("iou", 0.45)),
        threads=int(config.get("threads", 1)),
    )
