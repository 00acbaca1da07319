"""Paired A/B: the CRNN's grammar fits on every trimmed read (before) or on the winner only.

    OMP_NUM_THREADS=1 python bench/recognition/ab_grammar_fits.py platewarden-ensemble \\
        train syn555 test

Both pipelines share one detector and read the same frames in turn, so load on the machine
hits both alike. Prints end-to-end exact, exact given the true box and median ms per frame
for each split (``synNNN``: 300 synthetic Uzbek plates drawn with seed NNN).
"""

from __future__ import annotations

import statistics
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from platewarden.recognition.backends.trims import TrimsReader
from platewarden.recognition.bench import Tally, score_sample, synthetic_uz_crops
from platewarden.recognition.dataset import load_dataset
from platewarden.recognition.grammar import choose
from platewarden.recognition.pipeline import Recognizer
from platewarden.recognition.presets import load_recognizer
from platewarden.recognition.registry import Reader
from platewarden.recognition.types import Reading

DATASET = Path("../shared/datasets/openalpr-endtoend-dev")


class _PlainReader:
    """Hides the CRNN's draft/finish steps, so the trims reader fits every read."""

    def __init__(self, reader: Reader) -> None:
        self.reader, self.name = reader, reader.name

    def read(self, crops: Sequence[Any]) -> list[Reading]:
        return self.reader.read(crops)


def _trims_of(reader: Any) -> TrimsReader:
    stack = [reader]
    while stack:
        current = stack.pop()
        if isinstance(current, TrimsReader):
            return current
        stack += [r for r in (getattr(current, "reader", None),) if r is not None]
        stack += list(getattr(current, "readers", []))
    raise SystemExit("the preset has no trims reader")


def _synthetic(pipelines: dict[str, Recognizer], seed: int) -> None:
    crops = synthetic_uz_crops(300, seed=seed)
    for name, rec in pipelines.items():
        ok = 0
        for crop, truth in crops:
            reading = rec.read_crops([crop])[0]
            ok += int(bool(reading.text) and choose(reading, mode="uz").text == truth)
        print(f"syn{seed} {name}: exact {100 * ok / len(crops):.1f} %")


def _real(pipelines: dict[str, Recognizer], split: str) -> None:
    samples = [s for s in load_dataset(DATASET, split=split) if s.box is not None]
    tallies = {name: Tally() for name in pipelines}
    for sample in samples:
        for name, rec in pipelines.items():
            tallies[name].add(score_sample(rec, sample))
    for name, tally in tallies.items():
        row = tally.row()
        print(f"{split} {name}: n {tally.plates} e2e {row['e2e_exact']:.1f} % "
              f"true box {row['crop_exact']:.1f} % median {statistics.median(tally.ms):.1f} ms")


def main() -> None:
    """``ab_grammar_fits.py PRESET SPLIT|synSEED...``."""
    after = load_recognizer(sys.argv[1])
    before = load_recognizer(sys.argv[1])
    before.detector = after.detector
    trims = _trims_of(before.reader)
    trims.reader = _PlainReader(trims.reader)
    pipelines = {"fits on every trim": before, "fits on the winner": after}
    for split in sys.argv[2:]:
        if split.startswith("syn"):
            _synthetic(pipelines, int(split[3:]))
        else:
            _real(pipelines, split)


if __name__ == "__main__":
    main()
