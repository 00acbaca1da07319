"""CPU seconds spent by processes (user + system, from /proc), for CPU-per-read figures."""

from __future__ import annotations

import os
from pathlib import Path

_TICKS = os.sysconf("SC_CLK_TCK")
SERVICES = ("nats-server", "postgres")


def _own_cpu_s(pid: int) -> float:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (FileNotFoundError, ProcessLookupError):
        return 0.0
    return (int(fields[11]) + int(fields[12])) / _TICKS  # utime, stime


def _children(pid: int) -> list[int]:
    try:
        return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]
    except (FileNotFoundError, ProcessLookupError):
        return []


def tree_cpu_s(pid: int) -> float:
    """CPU seconds of ``pid`` and its live descendants (``serve --workers N``)."""
    return _own_cpu_s(pid) + sum(tree_cpu_s(child) for child in _children(pid))


def services_cpu_s() -> dict[str, float]:
    """CPU seconds of every running NATS server and PostgreSQL process, by name."""
    totals = dict.fromkeys(SERVICES, 0.0)
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            name = (entry / "comm").read_text().strip()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        if name in totals:
            totals[name] += _own_cpu_s(int(entry.name))
    return totals
