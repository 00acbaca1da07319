"""Test-time trims: every crop read at several vertical trims, the most confident wins."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import cv2
import numpy as np
from tests.unit.recognition.factories import plate_bgr

from platewarden.recognition.backends.crnn import CrnnReader
from platewarden.recognition.backends.trims import TrimsReader, trimmed
from platewarden.recognition.registry import Draft, build_reader
from platewarden.recognition.types import Alternative, Reading


class _ByHeight:
    """Reads a crop's height as its text; shorter crops are more confident."""

    name = "by-height"

    def __init__(self) -> None:
        self.batches: list[int] = []

    def read(self, crops: Sequence[Any]) -> list[Reading]:
        self.batches.append(len(crops))
        return [Reading(f"H{c.shape[0]}", 1.0 / c.shape[0], (0.5,),
                        (Alternative("ALT", 0.001),)) for c in crops]


def test_trim_cuts_top_and_bottom_and_keeps_tiny_crops_whole() -> None:
    crop = np.zeros((100, 300, 3), np.uint8)
    assert trimmed(crop, 0.15).shape[:2] == (70, 300)
    assert trimmed(crop, 0.0) is crop
    small = np.zeros((12, 50, 3), np.uint8)
    assert trimmed(small, 0.3) is small  # under 8 rows left: not trimmed


def test_every_crop_is_read_at_every_trim_in_one_batch() -> None:
    inner = _ByHeight()
    reader = TrimsReader(inner, trims=(0.0, 0.1, 0.2))
    out = reader.read([np.zeros((100, 300, 3), np.uint8), np.zeros((50, 200, 3), np.uint8)])
    assert inner.batches == [6]
    assert [r.text for r in out] == ["H60", "H30"]  # the tightest trim was most confident
    texts = [a.text for a in out[0].alternatives]
    assert {"H80", "H100", "ALT"} <= set(texts)
    confidences = [a.confidence for a in out[0].alternatives]
    assert confidences == sorted(confidences, reverse=True)


def test_trims_reader_is_registered() -> None:
    reader = build_reader({"type": "trims", "reader": {"type": "crnn-onnx"}, "trims": [0, 0.1]})
    assert reader.name.startswith("trims(")


class _CountingCrnn(CrnnReader):
    """The shipped CRNN, counting the grammar fits it runs."""

    def __init__(self) -> None:
        super().__init__(grammar_fit=True)
        self.finished = 0

    def finish(self, draft: Draft) -> Reading:
        self.finished += 1
        return super().finish(draft)


def test_grammar_fits_run_only_on_each_crops_winning_trim() -> None:
    crnn = _CountingCrnn()
    reader = TrimsReader(crnn)
    # A digit-heavy plate blurred so the greedy text does not fit a format.
    crops = [cv2.GaussianBlur(plate_bgr(text, height=60), (7, 7), 0)
             for text in ("01A123BC", "40M738GA")]
    out = reader.read(crops)
    assert crnn.finished == len(crops)
    variants = [trimmed(c, t) for c in crops for t in reader.trims]
    every = crnn.read(variants)  # fits on every trim, as before the change
    per = len(reader.trims)
    for i, got in enumerate(out):
        group = every[i * per:(i + 1) * per]
        best = max(group, key=lambda r: r.confidence)
        assert (got.text, got.confidence) == (best.text, best.confidence)
        assert {a.text for a in best.alternatives} <= {a.text for a in got.alternatives}
