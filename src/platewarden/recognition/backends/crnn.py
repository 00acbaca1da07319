"""Platewarden's own plate readers, trained with CTC and exported to ONNX.

Any model ``platewarden train reader`` writes runs here: the small CRNN and the PP-OCRv4
and PP-OCRv6 recognisers fine-tuned on plates. The ONNX file carries its input geometry,
channel order and alphabet in its metadata (``height``, ``width``, ``channel_order``,
``alphabet``); crops are stretched to that size and scaled to ``[-1, 1]``, RGB unless
``channel_order`` says ``bgr``; the output is ``N x T x (1 + len(alphabet))``
log-probabilities or probabilities (``output`` metadata says which).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np

from platewarden.recognition.backends.constrained import with_grammar_fits
from platewarden.recognition.backends.ctc import ALPHABET, decode
from platewarden.recognition.backends.onnx import make_session, resolve_model
from platewarden.recognition.imageio import Frame
from platewarden.recognition.registry import Config, Draft, Reader, register_reader
from platewarden.recognition.types import Reading

DEFAULT_MODEL = "plate-reader-crnn.onnx"


def resize_for_reader(crop: Frame, *, height: int, width: int) -> Frame:
    """BGR crop stretched to ``height x width`` (the training data goes through this too)."""
    out: Frame = cv2.resize(crop, (width, height), interpolation=cv2.INTER_AREA)
    return out


def normalise_batch(batch: Any, *, channel_order: str = "rgb") -> Any:
    """``N x H x W x 3`` BGR uint8 to ``N x 3 x H x W`` float32 in ``[-1, 1]``, channels in
    ``channel_order`` (``rgb`` or ``bgr``)."""
    ordered = batch[..., ::-1] if channel_order == "rgb" else batch
    return ((ordered.astype(np.float32) / 127.5) - 1.0).transpose(0, 3, 1, 2).copy()


class CrnnReader:
    """Batch-runs the CRNN on plate crops and CTC-decodes each.

    With ``grammar_fit`` the Uzbek-format fits join each reading's alternatives. A wrapper
    that keeps only some readings (the trims reader) calls :meth:`draft` and then
    :meth:`finish` on the readings it keeps, so the fits are not paid for the others.
    """

    def __init__(self, *, model: str = DEFAULT_MODEL, threads: int = 1, top_n: int = 5,
                 grammar_fit: bool = False, name: str = "platewarden-crnn") -> None:
        self.name = name
        self._session: Any = make_session(resolve_model(model), threads=threads)
        self._input = self._session.get_inputs()[0].name
        meta = self._session.get_modelmeta().custom_metadata_map
        self._height = int(meta.get("height", 48))
        self._width = int(meta.get("width", 192))
        self._alphabet = meta.get("alphabet", ALPHABET)
        # PP-OCR-derived readers were trained on BGR (as OpenCV loads); the CRNN on RGB.
        self._channel_order = meta.get("channel_order", "rgb")
        self._log = meta.get("output", "log_probs") == "log_probs"
        self._top_n = top_n
        self._grammar_fit = grammar_fit

    def read(self, crops: Sequence[Frame]) -> list[Reading]:
        """One reading per BGR crop."""
        return [self.finish(d) for d in self.draft(crops)]

    def draft(self, crops: Sequence[Frame]) -> list[Draft]:
        """Greedy readings with their lattices, one per BGR crop (no grammar fits yet)."""
        if not crops:
            return []
        batch = np.stack([resize_for_reader(c, height=self._height, width=self._width)
                          for c in crops])
        x = normalise_batch(batch, channel_order=self._channel_order)
        out = self._session.run(None, {self._input: x})[0]
        log_probs = out if self._log else np.log(np.maximum(out, 1e-12))
        return [Draft(decode(np.exp(lp), self._alphabet, top_n=self._top_n), lp)
                for lp in log_probs]

    def finish(self, draft: Draft) -> Reading:
        """The drafted reading, with the grammar fits when the reader is configured so.

        The fits only add alternatives; the text and confidence stay the greedy ones.
        """
        if not self._grammar_fit:
            return draft.reading
        return with_grammar_fits(draft.reading, draft.lattice, alphabet=self._alphabet)


@register_reader("crnn-onnx")
def _build(config: Config) -> Reader:
    return CrnnReader(
        model=str(config.get("model", DEFAULT_MODEL)),
        threads=int(config.get("threads", 1)),
        top_n=int(config.get("top_n", 5)),
        grammar_fit=bool(config.get("grammar_fit", False)),
        name=str(config.get("name", "platewarden-crnn")),
    )
