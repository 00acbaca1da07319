"""Benchmark data sets: the OpenALPR end-to-end layout, the crop CSV, and the fixed split.

End-to-end layout: images with a ``.txt`` beside each holding ``file x y w h PLATE``
(tab or space separated, one plate per line); the country is the name of the folder right
under the data set root. Crop layout: a ``groundtruth.csv`` with ``file,state,plate`` and
the crops in ``images/``.

The split is fixed by a hash of the file name, so it never depends on the order of files or
on a random seed: about 40 % ``train`` (used for training and every tuning decision),
the rest ``test`` (held out, reported).
"""

from __future__ import annotations

import csv
import hashlib
from dataclasses import dataclass
from pathlib import Path

from platewarden.domain.plates import normalise
from platewarden.recognition.types import Box

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".bmp", ".webp"})
TRAIN_SHARE = 4  # out of 10


@dataclass(frozen=True, slots=True)
class Sample:
    """One annotated plate in one image."""

    image: Path
    country: str
    box: Box | None  # None for crops (the whole image is the plate)
    text: str


def split_of(name: str) -> str:
    """``train`` or ``test`` for a file name, fixed by its SHA-1."""
    digit = int(hashlib.sha1(name.encode()).hexdigest(), 16) % 10  # noqa: S324 (not security)
    return "train" if digit < TRAIN_SHARE else "test"


def _parse_txt(path: Path, root: Path) -> list[Sample]:
    parts = path.relative_to(root).parts
    country = parts[0] if len(parts) > 1 else "all"
    samples: list[Sample] = []
    for line in path.read_text(encoding="utf-8", errors="replace").splitlines():
        fields = line.split()
        if len(fields) < 6:
            continue
        name, x, y, w, h = fields[:5]
        text = normalise("".join(fields[5:]))
        image = path.parent / name
        if not image.is_file():
            continue
        box = Box(int(float(x)), int(float(y)), int(float(w)), int(float(h)))
        samples.append(Sample(image, country, box, text))
    return samples


def load_endtoend(root: Path) -> list[Sample]:
    """Every annotated plate under ``root`` (end-to-end layout), sorted by path."""
    samples: list[Sample] = []
    for txt in sorted(root.rglob("*.txt")):
        samples.extend(_parse_txt(txt, root))
    return samples


def load_crops(root: Path) -> list[Sample]:
    """Plates of a crop data set (``groundtruth.csv`` + ``images/``)."""
    samples: list[Sample] = []
    with (root / "groundtruth.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            image = root / "images" / row["file"]
            if image.is_file():
                samples.append(Sample(image, row.get("state", "all") or "all", None,
                                      normalise(row["plate"])))
    return samples


def load_dataset(root: Path, *, split: str = "all") -> list[Sample]:
    """Load either layout and keep the ``split`` asked for (``all``, ``train``, ``test``)."""
    samples = load_crops(root) if (root / "groundtruth.csv").is_file() else load_endtoend(root)
    if split == "all":
        return samples
    return [s for s in samples if split_of(s.image.name) == split]
