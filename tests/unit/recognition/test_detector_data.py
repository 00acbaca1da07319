"""Detector training data: real photos plus Uzbek plates drawn in, a share held back by name."""

from __future__ import annotations

from pathlib import Path

import pytest

from platewarden.recognition.dataset import load_dataset, split_of
from platewarden.recognition.training.detector_data import build_detector_data, held_back

from .factories import street_frame, write_jpeg


def _dataset(root: Path, count: int) -> list[tuple[str, tuple[int, int, int, int]]]:
    """``count`` street scenes in the benchmark layout, all in the ``train`` split."""
    folder = root / "eu"
    folder.mkdir(parents=True)
    written: list[tuple[str, tuple[int, int, int, int]]] = []
    i = 0
    while len(written) < count:
        name = f"car{i}.jpg"
        i += 1
        if split_of(name) != "train":
            continue
        frame, box = street_frame("01A123BC", seed=i, plate_height=36)
        write_jpeg(folder / name, frame)
        (folder / f"car{i - 1}.txt").write_text(
            f"{name}\t{box[0]}\t{box[1]}\t{box[2]}\t{box[3]}\t01A123BC\n", encoding="utf-8")
        written.append((name, box))
    return written


def test_training_frames_are_labelled_and_a_share_is_held_back(tmp_path: Path) -> None:
    photos = _dataset(tmp_path / "in", 8)
    kept = [name for name, _ in photos if held_back(name, every=4)]
    built = build_detector_data([tmp_path / "in"], tmp_path / "out", swaps=2, tune_every=4)
    assert (built.trained_photos, built.held_back_photos) == (8 - len(kept), len(kept))
    assert built.frames == 3 * built.trained_photos
    labels = sorted((tmp_path / "out" / "data" / "labels" / "train").glob("*.txt"))
    assert len(labels) == built.frames
    for name, (x, y, w, h) in photos:
        if name in kept:
            continue
        # The real plate's label, normalised to the 1280 x 720 frame.
        first = (labels[0].parent / f"{Path(name).stem}-0.txt").read_text().split()
        assert first[0] == "0"
        expected = [(x + w / 2) / 1280, (y + h / 2) / 720, w / 1280, h / 720]
        assert [float(v) for v in first[1:]] == pytest.approx(expected, abs=1e-5)
    # The held-back photos: as they are, and with Uzbek plates of two seeds in both layouts.
    real = load_dataset(tmp_path / "out" / "tune" / "real")
    assert sorted(s.image.name for s in real) == sorted(kept)
    swap_sets = sorted((tmp_path / "out" / "tune" / "swap").iterdir())
    assert [p.name for p in swap_sets] == ["uz1-515151", "uz1-616161", "uz2-515151",
                                           "uz2-616161"]
    assert all(len(load_dataset(p)) == len(kept) for p in swap_sets)
    assert "train: images/train" in built.data_yaml.read_text()


def test_no_train_photos_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="no annotated train-split photos"):
        build_detector_data([tmp_path], tmp_path / "out")
