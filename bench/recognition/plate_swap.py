"""Real road photos with their plate replaced by a synthetic Uzbek one, in the benchmark layout.

    python bench/recognition/plate_swap.py DATASET OUT [--split test] [--seed 515151]
    OMP_NUM_THREADS=1 platewarden bench recognition --dataset OUT --split all

No labelled Uzbek photos are at hand, and the synthetic benchmark sets are crops: they never
meet the detector. Here every photo of ``DATASET`` (end-to-end layout, the ``split`` asked
for) is written twice into ``OUT``: in ``uz1/`` with a one-line Uzbek plate, in ``uz2/``
with a two-line one (a trailer or motorcycle plate), each where the photo's own plate was
and at its scale. The original plate is painted out (OpenCV inpainting of its box, a little
grown); the new one is drawn at the original's pixels per millimetre (its width over the
country's plate width: US 305, EU 520, BR 400 mm), centred on it, lit like it (mean
brightness matched within limits), slightly blurred, and the frame saved as JPEG. Each image
gets a ``.txt`` beside it (``file x y w h PLATE``, the drawn plate's box), so ``platewarden
bench recognition`` reports detection recall, end-to-end and true-box reads for Uzbek plates
in real scenes. Upright plates without the photo's perspective or dirt: an easier task for
the reader than the degraded crops, and a first look at the detector on Uzbek layouts.
"""

from __future__ import annotations

import argparse
import random
from pathlib import Path

import cv2

from platewarden.recognition.dataset import load_dataset
from platewarden.recognition.imageio import load_image
from platewarden.recognition.training.plate_swap import swap


def main(dataset: Path, out: Path, *, split: str, seed: int) -> None:
    rng = random.Random(seed)
    samples = [s for s in load_dataset(dataset, split=split) if s.box is not None]
    for layout in ("uz1", "uz2"):
        folder = out / layout
        folder.mkdir(parents=True, exist_ok=True)
        for sample in samples:
            assert sample.box is not None
            box = (sample.box.x, sample.box.y, sample.box.w, sample.box.h)
            frame, (x, y, w, h), text = swap(load_image(sample.image), box,
                                             country=sample.country, layout=layout, rng=rng)
            name = sample.image.with_suffix(".jpg").name
            ok, data = cv2.imencode(".jpg", frame, [cv2.IMWRITE_JPEG_QUALITY,
                                                    rng.randint(80, 92)])
            if not ok:
                raise SystemExit(f"cannot encode {name}")
            (folder / name).write_bytes(data.tobytes())
            (folder / f"{Path(name).stem}.txt").write_text(
                f"{name}\t{x}\t{y}\t{w}\t{h}\t{text}\n", encoding="utf-8")
    print(f"{len(samples)} photos x 2 layouts written to {out}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Swap real plates for synthetic Uzbek ones.")
    parser.add_argument("dataset", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--split", default="test", choices=["all", "train", "test"])
    parser.add_argument("--seed", type=int, default=515151)
    args = parser.parse_args()
    main(args.dataset, args.out, split=args.split, seed=args.seed)
