"""PP-OCRv4 text recogniser from the ``rapidocr-onnxruntime`` wheel, limited to A-Z 0-9.

The model reads 6,623 characters (mostly Chinese). For plates only letters and digits
matter, so the probability of every other class is folded into the CTC blank: a dash or
a space then separates characters the way a blank does, and a Chinese look-alike can no
longer win over the digit it resembles.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from platewarden.recognition.backends.ctc import ALPHABET, decode
from platewarden.recognition.backends.onnx import make_session
from platewarden.recognition.errors import BackendError
from platewarden.recognition.imageio import Frame
from platewarden.recognition.rectify import rectify as rectify_crop
from platewarden.recognition.registry import Config, Reader, register_reader
from platewarden.recognition.types import Reading

_HEIGHT = 48


def ppocr_model_path() -> Path:
    """The PP-OCRv4 recogniser's ONNX file inside the ``rapidocr-onnxruntime`` wheel.

    Raises:
        BackendError: When the package or the file is missing.
    """
    try:
        # Untyped, and optional: the import may fail on a machine without the baseline.
        import rapidocr_onnxruntime  # type: ignore[import-untyped,import-not-found,unused-ignore]
    except ImportError as exc:
        raise BackendError("reader 'ppocr-onnx' needs the package rapidocr-onnxruntime") from exc
    path = Path(rapidocr_onnxruntime.__file__).parent / "models" / "ch_PP-OCRv4_rec_infer.onnx"
    if not path.is_file():
        raise BackendError(f"PP-OCRv4 recogniser missing at {path}")
    return path


class PpocrReader:
    """Runs the PP-OCRv4 recogniser on plate crops, decoding only letters and digits."""

    def __init__(self, *, threads: int = 1, top_n: int = 5, rectify: bool = False) -> None:
        self.name = "ppocr-v4"
        self._rectify = rectify
        self._session: Any = make_session(ppocr_model_path(), threads=threads)
        self._input = self._session.get_inputs()[0].name
        meta = self._session.get_modelmeta().custom_metadata_map
        charset = meta["character"].splitlines()
        index = {ch: i + 1 for i, ch in enumerate(charset)}
        # Upper and lower case of each letter both count for the capital.
        self._groups = [
            [index[c] for c in {ch, ch.lower()} if c in index] for ch in ALPHABET
        ]
        self._top_n = top_n

    def _prepare(self, crop: Frame) -> Any:
        h, w = crop.shape[:2]
        width = min(320, max(16, math.ceil(_HEIGHT * w / max(h, 1))))
        resized = cv2.resize(crop, (width, _HEIGHT)).astype(np.float32)
        return (resized / 255.0 - 0.5) / 0.5

    def read(self, crops: Sequence[Frame]) -> list[Reading]:
        """One reading per BGR crop."""
        out: list[Reading] = []
        for crop in crops:
            # PP-OCR reads best from a level, tight text line (the rectifier's output).
            ready = rectify_crop(crop) if self._rectify else crop
            img = self._prepare(ready).transpose(2, 0, 1)[None]
            probs = self._session.run(None, {self._input: img})[0][0]  # T x C
            folded = np.stack([probs[:, g].sum(axis=1) for g in self._groups], axis=1)
            blank = np.clip(1.0 - folded.sum(axis=1, keepdims=True), 0.0, 1.0)
            out.append(decode(np.concatenate([blank, folded], axis=1), top_n=self._top_n))
        return out


@register_reader("ppocr-onnx")
def _build(config: Config) -> Reader:
    return PpocrReader(threads=int(config.get("threads", 1)), top_n=int(config.get("top_n", 5)),
                       rectify=bool(config.get("rectify", False)))
