"""A picture of every synthetic two-line plate a preset misreads, to judge them by eye.

    OMP_NUM_THREADS=1 python bench/recognition/failure_mosaic.py SEED COUNT OUT_PREFIX \\
        [PRESET]

Reads ``COUNT`` synthetic two-line Uzbek plates of ``SEED`` (as ``tune_readers.py`` does:
the whole pipeline's reader, grammar ``uz``) with ``PRESET`` (default ``platewarden-pair``),
prints each misread plate's index, truth, reading and size, and writes mosaics of them, ten
to an image (``OUT_PREFIX_0.png``, ...): each crop scaled to 160 px high, truth in green,
reading in red. Only for study seeds (556, 558), never the check seed 557 or the held-out
seeds: looking decides nothing, but what was looked at cannot check a change any more.
"""

from __future__ import annotations

import sys
from typing import Any

import cv2
import numpy as np

from platewarden.recognition.bench import chosen_text, synthetic_two_line_crops
from platewarden.recognition.presets import load_recognizer

TILE_W, TILE_H, CROP_H = 260, 200, 160
PER_IMAGE, PER_ROW = 10, 5


def misread(seed: int, count: int, preset: str) -> list[tuple[int, Any, str, str]]:
    """(index, crop, truth, reading) of every plate ``preset`` reads wrong."""
    recognizer = load_recognizer(preset, grammar="uz")
    out = []
    for i, (crop, truth) in enumerate(synthetic_two_line_crops(count, seed=seed)):
        text = chosen_text(recognizer, recognizer.read_crops([crop])[0])
        if text != truth:
            out.append((i, crop, truth, text))
    return out


def _tile(index: int, crop: Any, truth: str, text: str) -> Any:
    h, w = crop.shape[:2]
    big = cv2.resize(crop, (max(1, round(w * CROP_H / h)), CROP_H),
                     interpolation=cv2.INTER_NEAREST)[:, :TILE_W]
    tile = np.full((TILE_H, TILE_W, 3), 255, np.uint8)
    tile[:CROP_H, :big.shape[1]] = big
    cv2.putText(tile, f"{index} {truth}", (2, 178), cv2.FONT_HERSHEY_SIMPLEX, 0.5,
                (0, 120, 0), 1)
    cv2.putText(tile, f"-> {text}", (2, 196), cv2.FONT_HERSHEY_SIMPLEX, 0.5, (0, 0, 200), 1)
    return tile


def write_mosaics(failures: list[tuple[int, Any, str, str]], prefix: str) -> None:
    """Ten tiles to an image, five to a row."""
    blank = np.full((TILE_H, TILE_W, 3), 255, np.uint8)
    tiles = [_tile(*f) for f in failures]
    for n, start in enumerate(range(0, len(tiles), PER_IMAGE)):
        chunk = tiles[start:start + PER_IMAGE]
        rows = [np.hstack(chunk[k:k + PER_ROW] + [blank] * (PER_ROW - len(chunk[k:k + PER_ROW])))
                for k in range(0, len(chunk), PER_ROW)]
        cv2.imwrite(f"{prefix}_{n}.png", np.vstack(rows))


def main(argv: list[str]) -> None:
    seed, count, prefix = int(argv[0]), int(argv[1]), argv[2]
    failures = misread(seed, count, argv[3] if len(argv) > 3 else "platewarden-pair")
    print(f"{len(failures)} of {count} misread")
    for index, crop, truth, text in failures:
        print(index, truth, text or "-", f"{crop.shape[1]}x{crop.shape[0]}")
    write_mosaics(failures, prefix)


if __name__ == "__main__":
    main(sys.argv[1:])
