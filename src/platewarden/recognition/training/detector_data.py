"""Training data for the plate detector: real photos plus Uzbek plates drawn into them.

For each photo of the ``train`` split of end-to-end folders (benchmark layout) not held back,
the photo with its real plate and ``swaps`` copies with a synthetic Uzbek plate in its place
(:func:`~platewarden.recognition.training.plate_swap.swap`, one-line and two-line in turn)
become a YOLO data set (``images/train``, ``labels/train``, ``data.yaml``). One photo in
four (by default) is held back by a hash of the file name and written, in the benchmark
layout, as the tuning sets a choice is made on: the real photos (``tune/real``) and each with
Uzbek plates of two seeds in both layouts (``tune/swap``). The ``test`` split is never read.
"""

from __future__ import annotations

import hashlib
import random
import shutil
from dataclasses import dataclass
from pathlib import Path

import cv2

from platewarden.recognition.dataset import Sample, load_dataset
from platewarden.recognition.imageio import Frame, load_image
from platewarden.recognition.training.plate_swap import swap

TUNE_SEEDS = (515151, 616161)
_LAYOUTS = ("uz1", "uz2")


@dataclass(frozen=True, slots=True)
class DetectorData:
    """What :func:`build_detector_data` wrote: the YOLO data file and the photo counts."""

    data_yaml: Path
    trained_photos: int
    held_back_photos: int
    frames: int


def held_back(name: str, *, every: int) -> bool:
    """Whether the photo ``name`` is kept for the choice: one in ``every``, by its name."""
    digest = int(hashlib.sha1(f"det-tune:{name}".encode()).hexdigest(), 16)  # noqa: S324
    return digest % every == 0


def _write_jpeg(path: Path, image: Frame, quality: int) -> None:
    if not cv2.imwrite(str(path), image, [cv2.IMWRITE_JPEG_QUALITY, quality]):
        raise OSError(f"cannot write {path}")


def _box(sample: Sample) -> tuple[int, int, int, int]:
    assert sample.box is not None
    return sample.box.x, sample.box.y, sample.box.w, sample.box.h


def _training_frames(sample: Sample, data: Path, *, swaps: int, rng: random.Random) -> int:
    frame, box = load_image(sample.image), _box(sample)
    variants = [(frame, box)]
    for k in range(swaps):
        drawn, drawn_box, _ = swap(frame, box, country=sample.country, layout=_LAYOUTS[k % 2],
                                   rng=rng)
        variants.append((drawn, drawn_box))
    for k, (image, (x, y, w, h)) in enumerate(variants):
        stem = f"{sample.image.stem}-{k}"
        _write_jpeg(data / "images" / "train" / f"{stem}.jpg", image, 90)
        height, width = int(image.shape[0]), int(image.shape[1])
        (data / "labels" / "train" / f"{stem}.txt").write_text(
            f"0 {(x + w / 2) / width:.6f} {(y + h / 2) / height:.6f} {w / width:.6f} "
            f"{h / height:.6f}\n", encoding="utf-8")
    return len(variants)


def _tuning_photo(sample: Sample, tune: Path) -> None:
    box = _box(sample)
    real = tune / "real" / sample.country
    real.mkdir(parents=True, exist_ok=True)
    shutil.copy(sample.image, real / sample.image.name)
    (real / f"{sample.image.stem}.txt").write_text(
        f"{sample.image.name}\t{box[0]}\t{box[1]}\t{box[2]}\t{box[3]}\t{sample.text}\n",
        encoding="utf-8")
    frame = load_image(sample.image)
    name = sample.image.with_suffix(".jpg").name
    for seed in TUNE_SEEDS:
        rng = random.Random(f"{seed}:{sample.image.name}")  # noqa: S311 (reproducible data)
        for layout in _LAYOUTS:
            drawn, (x, y, w, h), text = swap(frame, box, country=sample.country, layout=layout,
                                             rng=rng)
            folder = tune / "swap" / f"{layout}-{seed}"
            folder.mkdir(parents=True, exist_ok=True)
            _write_jpeg(folder / name, drawn, 88)
            (folder / f"{sample.image.stem}.txt").write_text(
                f"{name}\t{x}\t{y}\t{w}\t{h}\t{text}\n", encoding="utf-8")


def build_detector_data(datasets: list[Path], out: Path, *, swaps: int = 6,
                        tune_every: int = 4, seed: int = 1) -> DetectorData:
    """Write the YOLO data set to ``out/data`` and the held-back tuning sets to ``out/tune``.

    Args:
        datasets: End-to-end folders (benchmark layout); only their ``train`` split is read.
        out: Output folder (created).
        swaps: Copies of each training photo with a synthetic Uzbek plate in its place.
        tune_every: One photo in this many is held back for the choice (by a hash of its
            name).
        seed: Seed of the drawn plates.

    Raises:
        ValueError: When the folders hold no annotated ``train`` photo.
    """
    samples = [s for d in datasets for s in load_dataset(d, split="train") if s.box is not None]
    if not samples:
        raise ValueError("no annotated train-split photos in the --data folders")
    data = out / "data"
    for part in ("images", "labels"):
        (data / part / "train").mkdir(parents=True, exist_ok=True)
    rng = random.Random(seed)  # noqa: S311 (reproducible data)
    frames = kept = 0
    for sample in samples:
        if held_back(sample.image.name, every=tune_every):
            _tuning_photo(sample, out / "tune")
            kept += 1
        else:
            frames += _training_frames(sample, data, swaps=swaps, rng=rng)
    data_yaml = data / "data.yaml"
    data_yaml.write_text(f"path: {data}\ntrain: images/train\nval: images/train\n"
                         "names:\n  0: License_Plate\n", encoding="utf-8")
    return DetectorData(data_yaml, len(samples) - kept, kept, frames)
