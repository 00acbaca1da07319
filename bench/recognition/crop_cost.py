"""Milliseconds per crop through a preset's reader: one-line and two-line synthetic plates.

    OMP_NUM_THREADS=1 python bench/recognition/crop_cost.py [--preset NAME] [--count N]
        [--against OLD_TWOLINE_PY]

Reads ``N`` held-out one-line (seed 424242) and two-line (seed 434343) synthetic Uzbek crops
twice each with the preset's reader (``Recognizer.read_crops``, no detector) and prints the
median and p90. With ``--against`` the preset's two-line step is also run with the
``TwoLineReader`` class of an older ``backends/twoline.py`` (for instance ``git show
REV:src/platewarden/recognition/backends/twoline.py > old.py``) around the same inner
reader, interleaved crop by crop and in alternating order, so both are timed in the same
minutes: this machine's speed varies twofold between hours.
"""

from __future__ import annotations

import argparse
import importlib.util
import statistics
import time
from pathlib import Path
from typing import Any

from platewarden.recognition.backends.twoline import TwoLineReader
from platewarden.recognition.bench import synthetic_two_line_crops, synthetic_uz_crops
from platewarden.recognition.presets import PRESETS
from platewarden.recognition.registry import Reader, build_reader


def _older_class(path: Path) -> Any:
    spec = importlib.util.spec_from_file_location("older_twoline", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.TwoLineReader


def _readers(preset: str, against: Path | None) -> dict[str, Reader]:
    config = PRESETS[preset].reader
    if against is None:
        return {"current": build_reader(config)}
    if config.get("type") != "two-line":
        raise SystemExit(f"--against needs a preset whose reader is two-line, not {preset}")
    inner = build_reader(config["reader"])
    # The older module registers its class under "two-line" again: build nothing after it.
    older = _older_class(against)(inner)
    return {"current": TwoLineReader(inner), "older": older}


def main(*, preset: str, count: int, against: Path | None) -> None:
    readers = _readers(preset, against)
    sets = (("one-line", synthetic_uz_crops(count, seed=424242)),
            ("two-line", synthetic_two_line_crops(count, seed=434343)))
    print("crops\treader\tms median\tms p90")
    for label, crops in sets:
        ms: dict[str, list[float]] = {name: [] for name in readers}
        for rep in range(2):
            order = list(readers.items()) if rep == 0 else list(reversed(readers.items()))
            for crop, _ in crops:
                for name, reader in order:
                    start = time.perf_counter()
                    reader.read([crop])
                    ms[name].append((time.perf_counter() - start) * 1000.0)
        for name, values in ms.items():
            values.sort()
            p90 = values[min(len(values) - 1, round(0.9 * (len(values) - 1)))]
            print(f"{label}\t{name}\t{statistics.median(values):.1f}\t{p90:.1f}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description="Milliseconds per crop through a reader.")
    parser.add_argument("--preset", default="platewarden-pair")
    parser.add_argument("--count", type=int, default=200)
    parser.add_argument("--against", type=Path, default=None,
                        help="an older backends/twoline.py to time beside the current one")
    args = parser.parse_args()
    main(preset=args.preset, count=args.count, against=args.against)
