"""Training data for the reader (numpy only): synthetic two-line plates and real-crop
augmentation produce reader-sized images, deterministically from a seed."""

from __future__ import annotations

import random

import numpy as np

from platewarden.domain.plates import parse
from platewarden.recognition.training.data import (
    HEIGHT,
    WIDTH,
    augment_real,
    synth_arrays,
    two_line_crop,
)

from .factories import plate_bgr


def test_two_line_samples_are_joined_rows_of_trailer_and_motorcycle_plates() -> None:
    data = synth_arrays(12, seed=5, uz_share=1.0, two_line_share=1.0)
    assert data.images.shape == (12, HEIGHT, WIDTH, 3)
    assert {parse(t).format for t in data.texts} <= {"trailer", "motorcycle"}
    line, text = two_line_crop(random.Random(9))
    assert line.shape[1] > 2.5 * line.shape[0]  # two rows side by side: one long line
    assert parse(text).format in ("trailer", "motorcycle")


def test_synthetic_data_is_reproducible_and_mixes_layouts() -> None:
    a = synth_arrays(40, seed=8, two_line_share=0.3)
    b = synth_arrays(40, seed=8, two_line_share=0.3)
    assert a.texts == b.texts
    assert np.array_equal(a.images, b.images)
    formats = {parse(t).format for t in a.texts}
    assert formats & {"trailer", "motorcycle"}
    assert formats - {"trailer", "motorcycle"}


def test_real_crop_augmentation_gives_reader_sized_images() -> None:
    crop = plate_bgr("01A123BC", height=60)
    rng = random.Random(3)
    outs = [augment_real(crop, rng, context=0.0) for _ in range(20)]
    assert all(o.shape == (HEIGHT, WIDTH, 3) and o.dtype == np.uint8 for o in outs)
    assert len({o.tobytes() for o in outs}) == 20  # every draw differs
