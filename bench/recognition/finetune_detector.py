"""Experiment: the shipped plate detector fine-tuned on Uzbek plates drawn into real photos.

    python bench/recognition/finetune_detector.py data DATASET OUT      # YOLO data + tuning sets
    python bench/recognition/finetune_detector.py train BEST_PT OUT     # needs ultralytics

Not the documented training command of a shipped detector (there is none yet: the shipped
one is fastanpr's, not retrained). ``data`` takes the ``train`` photos of ``DATASET``
(benchmark layout), holds a quarter back by a hash of the file name (``det-tune:NAME``), and
writes for each other photo its real plate and six Uzbek swaps (``training.plate_swap.swap``,
one-line and two-line alternately, seed 1) as a YOLO data set in ``OUT/data``; the held-back
photos go to ``OUT/tune/real`` as they are and to ``OUT/tune/swap`` with Uzbek plates (seeds
515151 and 616161, both layouts), in the benchmark layout, for ``platewarden bench
recognition --split all``. ``train`` fine-tunes ``BEST_PT`` (``best.pt`` from the fastanpr
0.1.13 wheel) with Ultralytics' defaults at 416 px, seed 1, for 25 minutes of wall clock on
the CPU; export the result with ``export_detector.py``. The ``test`` photos are never touched.

Ultralytics needs a torchvision built for the installed torch: here the CPU torch 2.13 wheel
and PyPI's torchvision 0.28 do not load together (``operator torchvision::nms does not
exist``); the 2026-11-27 run used a stand-in module giving ``torchvision.ops.nms`` in plain
torch, which training with ``val=False`` reaches only for its final check.
"""

from __future__ import annotations

import hashlib
import random
import shutil
import sys
from pathlib import Path

import cv2

from platewarden.recognition.dataset import Sample, load_dataset
from platewarden.recognition.imageio import load_image
from platewarden.recognition.training.plate_swap import swap

SWAPS_PER_PHOTO = 6
TUNE_SEEDS = (515151, 616161)


def held_back(name: str) -> bool:
    """A quarter of the photos, fixed by their file name, kept for the choice."""
    return int(hashlib.sha1(f"det-tune:{name}".encode()).hexdigest(), 16) % 4 == 0


def _yolo_label(path: Path, box: tuple[int, int, int, int], width: int, height: int) -> None:
    x, y, w, h = box
    path.write_text(f"0 {(x + w / 2) / width:.6f} {(y + h / 2) / height:.6f} "
                    f"{w / width:.6f} {h / height:.6f}\n", encoding="utf-8")


def _training_photo(sample: Sample, out: Path, rng: random.Random) -> None:
    assert sample.box is not None
    frame = load_image(sample.image)
    box = (sample.box.x, sample.box.y, sample.box.w, sample.box.h)
    variants = [(frame, box)]
    for k in range(SWAPS_PER_PHOTO):
        drawn, drawn_box, _ = swap(frame, box, country=sample.country,
                                        layout="uz1" if k % 2 == 0 else "uz2", rng=rng)
        variants.append((drawn, drawn_box))
    for k, (image, (x, y, w, h)) in enumerate(variants):
        stem = f"{sample.image.stem}-{k}"
        cv2.imwrite(str(out / "images" / "train" / f"{stem}.jpg"), image,
                    [cv2.IMWRITE_JPEG_QUALITY, 90])
        _yolo_label(out / "labels" / "train" / f"{stem}.txt", (x, y, w, h),
                    int(image.shape[1]), int(image.shape[0]))


def _tuning_photo(sample: Sample, out: Path) -> None:
    assert sample.box is not None
    box = (sample.box.x, sample.box.y, sample.box.w, sample.box.h)
    real = out / "real" / sample.country
    real.mkdir(parents=True, exist_ok=True)
    shutil.copy(sample.image, real / sample.image.name)
    (real / f"{sample.image.stem}.txt").write_text(
        f"{sample.image.name}\t{box[0]}\t{box[1]}\t{box[2]}\t{box[3]}\t{sample.text}\n",
        encoding="utf-8")
    frame = load_image(sample.image)
    name = sample.image.with_suffix(".jpg").name
    for seed in TUNE_SEEDS:
        rng = random.Random(f"{seed}:{sample.image.name}")
        for layout in ("uz1", "uz2"):
            drawn, (x, y, w, h), text = swap(frame, box, country=sample.country,
                                                  layout=layout, rng=rng)
            folder = out / "swap" / f"{layout}-{seed}"
            folder.mkdir(parents=True, exist_ok=True)
            cv2.imwrite(str(folder / name), drawn, [cv2.IMWRITE_JPEG_QUALITY, 88])
            (folder / f"{sample.image.stem}.txt").write_text(
                f"{name}\t{x}\t{y}\t{w}\t{h}\t{text}\n", encoding="utf-8")


def build(dataset: Path, out: Path) -> None:
    """YOLO training data in ``out/data`` and the held-back tuning sets in ``out/tune``."""
    rng = random.Random(1)
    data = out / "data"
    for part in ("images", "labels"):
        (data / part / "train").mkdir(parents=True, exist_ok=True)
    samples = [s for s in load_dataset(dataset, split="train") if s.box is not None]
    for sample in samples:
        if held_back(sample.image.name):
            _tuning_photo(sample, out / "tune")
        else:
            _training_photo(sample, data, rng)
    (data / "data.yaml").write_text(f"path: {data}\ntrain: images/train\nval: images/train\n"
                                    "names:\n  0: License_Plate\n", encoding="utf-8")
    kept = sum(held_back(s.image.name) for s in samples)
    print(f"{len(samples) - kept} photos for training, {kept} held back")


def train(best_pt: Path, out: Path) -> None:
    """Fine-tune ``best_pt`` on ``out/data``; weights land in ``out/runs/ft/weights``."""
    from ultralytics import YOLO  # type: ignore[import-not-found]  # not a dependency

    YOLO(str(best_pt)).train(
        data=str(out / "data" / "data.yaml"), imgsz=416, epochs=30, time=0.42, batch=16,
        workers=2, device="cpu", seed=1, deterministic=True, val=False, plots=False,
        project=str(out / "runs"), name="ft", exist_ok=True)


if __name__ == "__main__":
    if len(sys.argv) != 4 or sys.argv[1] not in ("data", "train"):
        raise SystemExit(__doc__)
    if sys.argv[1] == "data":
        build(Path(sys.argv[2]), Path(sys.argv[3]))
    else:
        train(Path(sys.argv[2]), Path(sys.argv[3]))
