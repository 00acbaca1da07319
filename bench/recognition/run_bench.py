"""Run the recognition benchmark exactly as ``platewarden bench recognition`` does.

    python bench/recognition/run_bench.py ../shared/datasets/openalpr-endtoend-dev test 500 300

writes ``bench/recognition/results.json``; ``results.md`` is written from it by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

from platewarden.cli.recognition import bench_recognition


def main() -> None:
    """``run_bench.py DATASET SPLIT SYNTHETIC [SYNTHETIC_TWO_LINE]``."""
    dataset, split, synthetic = Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
    two_line = int(sys.argv[4]) if len(sys.argv) > 4 else 0
    bench_recognition(dataset=dataset, split=split, preset=None, grammar="uz",
                      json_out=Path(__file__).with_name("results.json"), synthetic=synthetic,
                      synthetic_two_line=two_line)


if __name__ == "__main__":
    main()
