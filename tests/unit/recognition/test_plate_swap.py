"""training.plate_swap: the Uzbek plate it draws is where its label says, and reads there."""

from __future__ import annotations

import random

import numpy as np
import pytest

from platewarden.domain.plates import parse
from platewarden.recognition.formats import TWO_LINE_UZ_KINDS
from platewarden.recognition.presets import load_recognizer
from platewarden.recognition.training.plate_swap import swap
from platewarden.recognition.types import Box

from .factories import street_frame


@pytest.mark.parametrize("layout", ["uz1", "uz2"])
def test_the_drawn_plate_is_labelled_where_it_is_and_is_read_there(layout: str) -> None:
    recognizer = load_recognizer()
    rng = random.Random(7)
    read = 0
    for seed in range(4):
        # The scene's own plate is Uzbek, 520 mm wide like the EU plates it stands in for.
        frame, (x, y, w, h) = street_frame("01A123BC", seed=seed, plate_height=36)
        out, (bx, by, bw, bh), text = swap(frame, (x, y, w, h), country="eu", layout=layout,
                                           rng=rng)
        two_line = parse(text).format in TWO_LINE_UZ_KINDS
        assert two_line is (layout == "uz2")
        # Drawn at the original's scale: 110 mm (one-line) or 170 mm (two-line) high.
        assert abs(bh - (170 if two_line else 110) * w / 520) <= 1
        changed = np.any(out[by:by + bh, bx:bx + bw] != frame[by:by + bh, bx:bx + bw], axis=2)
        assert changed.mean() > 0.5  # drawn there (a white plate over a white plate)
        assert np.array_equal(out[:by - h], frame[:by - h])  # and nothing far from it
        plates = recognizer.recognize(out)
        label = Box(bx, by, bw, bh)
        best = max(plates, key=lambda p: p.box.iou(label), default=None)
        read += best is not None and best.box.iou(label) >= 0.5 and best.text == text
    assert read >= 3
