"""Choose the default preset on tuning data only (never the held-out ``test`` split).

    OMP_NUM_THREADS=1 python bench/recognition/tune_readers.py [--one-line N] [--two-line N]
        [--preset-file FILE ...] PRESET [PRESET ...]

Tuning sets: the ``train`` split of ``openalpr-endtoend-dev`` end to end, synthetic
one-line Uzbek plates (seed 555; 300, or ``--one-line N``) and synthetic two-line ones
(seed 556; 300, or ``--two-line N``: larger sets once a reader saturates these), all through
the full pipeline with grammar ``uz``; and as many two-line plates of seed 557, a check set
nobody looks into (failures are studied on seed 556 only). The rule
(:func:`platewarden.recognition.choice.choose_default`), fixed before the candidates are
measured: the default is the preset with the highest sum of the first three exact-read
figures, provided that sum beats the current default's (the first preset named) by at least
0.5 points and none of its four figures is more than 0.5 points below the current default's.
(Until 2026-11-27 12:35 UTC the rule had no check set and no minimum gain.) A candidate built
on a model of one's own comes in as a preset file (``--preset-file``, docs/recognition.md).
Prints one row per preset and the choice.
"""

from __future__ import annotations

import argparse
from pathlib import Path

from platewarden.recognition.bench import (
    run_bench,
    run_synthetic,
    synthetic_two_line_crops,
    synthetic_uz_crops,
)
from platewarden.recognition.choice import TuningFigures, choose_default
from platewarden.recognition.dataset import load_dataset
from platewarden.recognition.preset_file import side_by_side

DATASET = Path("../shared/datasets/openalpr-endtoend-dev")


def main(presets: list[str], *, one_line: int = 300, two_line: int = 300,
         files: list[Path] | None = None) -> None:
    recognizers = side_by_side(presets, files or [], grammar="uz")
    presets = list(recognizers)
    real = run_bench(recognizers, load_dataset(DATASET, split="train"))
    one = run_synthetic(recognizers, synthetic_uz_crops(one_line, seed=555))
    two = run_synthetic(recognizers, synthetic_two_line_crops(two_line, seed=556))
    check = run_synthetic(recognizers, synthetic_two_line_crops(two_line, seed=557))
    figures = {n: TuningFigures(train_e2e=real[n]["overall"]["e2e_exact"],
                                one_line=one[n]["crop_exact"], two_line=two[n]["crop_exact"],
                                two_line_check=check[n]["crop_exact"]) for n in presets}
    print("preset\ttrain e2e\ttrain true box\tsyn555\tsyn556 two-line\tsum"
          "\tsyn557 two-line (check)\tms median")
    for n, f in figures.items():
        row = real[n]["overall"]
        print(f"{n}\t{f.train_e2e:.1f}\t{row['crop_exact']:.1f}\t{f.one_line:.1f}\t"
              f"{f.two_line:.1f}\t{f.score:.1f}\t{f.two_line_check:.1f}\t{row['ms_median']:.1f}")
    print("choice:", choose_default(figures, current=presets[0]))


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Choose the default preset on tuning data.")
    parser.add_argument("presets", nargs="+", help="the current default first")
    parser.add_argument("--one-line", type=int, default=300)
    parser.add_argument("--two-line", type=int, default=300)
    parser.add_argument("--preset-file", type=Path, action="append", default=[],
                        help="a candidate preset in a JSON file (after the named ones)")
    args = parser.parse_args()
    main(args.presets, one_line=args.one_line, two_line=args.two_line, files=args.preset_file)
