"""The command a benchmark was run with, as written into docs/benchmarks.md."""

from __future__ import annotations

import os
import sys
from pathlib import Path


def command_line() -> str:
    """``[nice -n N ]python bench/<script> <args>``, with the niceness it really ran at."""
    niceness = os.nice(0)
    prefix = f"nice -n {niceness} " if niceness else ""
    return f"{prefix}python bench/{Path(sys.argv[0]).name} " + " ".join(sys.argv[1:])
