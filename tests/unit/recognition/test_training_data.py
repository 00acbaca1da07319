"""Training data for the reader (numpy only): synthetic two-line plates and real-crop
augmentation produce reader-sized images, deterministically from a seed."""

from __future__ import annotations

import random
from pathlib import Path

import numpy as np

from platewarden.domain.plates import parse
from platewarden.recognition.backends.crnn import resize_for_reader
from platewarden.recognition.dataset import split_of
from platewarden.recognition.training.data import (
    HEIGHT,
    WIDTH,
    augment_real,
    is_tuning,
    real_crops,
    synth_arrays,
    tuning_view,
    two_line_crop,
)

from .factories import plate_bgr, street_frame, write_jpeg


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


def test_a_fixed_share_of_real_crops_is_held_back_in_both_splits() -> None:
    names = [f"car{i}.jpg" for i in range(2000)]
    assert not any(is_tuning(n, share=0.0) for n in names)
    held = [n for n in names if is_tuning(n, share=0.2)]
    assert held == [n for n in names if is_tuning(n, share=0.2)]  # fixed, not drawn
    assert 320 <= len(held) <= 480
    for split in ("train", "test"):  # salted apart from the train/test split
        part = [n for n in names if split_of(n) == split]
        assert 0.15 <= sum(is_tuning(n, share=0.2) for n in part) / len(part) <= 0.25


def test_real_end_to_end_crops_keep_their_name_and_the_tuning_view_is_fixed(
        tmp_path: Path) -> None:
    frame, (x, y, w, h) = street_frame("01A123BC", seed=2, plate_height=40)
    names = [n for n in (f"img{i}.jpg" for i in range(40)) if split_of(n) == "train"][:2]
    folder = tmp_path / "uz"
    folder.mkdir()
    for name in names:
        write_jpeg(folder / name, frame)
        (folder / name).with_suffix(".txt").write_text(f"{name}\t{x}\t{y}\t{w}\t{h}\t01A123BC\n")
    (folder / "other.jpg").write_bytes(b"")  # unannotated: ignored
    crops = real_crops(tmp_path)
    assert [(c.name, c.text, c.context) for c in crops] == [(n, "01A123BC", 0.35) for n in names]
    view = tuning_view(crops[0])
    assert view.shape == (HEIGHT, WIDTH, 3)
    assert np.array_equal(view, tuning_view(crops[0]))
    # The view is the plate box grown like the detector's median box (1.1 x w, 1.45 x h).
    decoded = crops[0].image  # the JPEG-decoded context crop around the plate
    ch, cw = decoded.shape[:2]
    pw, ph = cw / 1.7, ch / 2.4
    expected = resize_for_reader(decoded[round((ch - 1.45 * ph) / 2):round((ch + 1.45 * ph) / 2),
                                         round((cw - 1.1 * pw) / 2):round((cw + 1.1 * pw) / 2)],
                                 height=HEIGHT, width=WIDTH)
    assert float(np.abs(view.astype(int) - expected.astype(int)).mean()) < 3
    assert abs(ph - h) <= 2
    assert abs(pw - w) <= 2
