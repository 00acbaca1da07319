"""``platewarden doctor --probe-disk``: how much one evidence file costs on this volume.

The local evidence store writes every image as its own file: a private temp file, written,
linked into place, the temp name unlinked. What that costs depends on the file system and
its state far more than on Platewarden: on one ext4 volume it took 46 µs in one directory
and 990 µs in another (docs/benchmarks.md), and at 1,000 reads/s each 250 µs is a quarter
of a core. The probe does the same steps with throw-away 8 KB files in the store's own
``tmp`` directory (same file system as the objects) and removes them all.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import shutil
import time
from collections.abc import Callable
from pathlib import Path

from platewarden.adapters.evidence.registry import LocalEvidenceStoreConfig
from platewarden.config import Settings
from platewarden.ops.findings import Finding, Status

CHECK = "evidence disk"
OBJECT_BYTES = 8192
SLOW_OBJECT_S = 250e-6  # a quarter of a core at 1,000 reads/s


def probe_evidence_disk(settings: Settings, *, objects: int = 200,
                        timer: Callable[[], float] = time.perf_counter) -> Finding:
    """Time writing ``objects`` small files as the local evidence store does, then remove them.

    Args:
        settings: The installation's settings (the evidence store's place).
        objects: How many 8 KB files to write.
        timer: Seconds, for the per-file figure (a test's clock).
    """
    config = settings.evidence
    if not isinstance(config, LocalEvidenceStoreConfig):
        return Finding(check=CHECK, status=Status.OK,
                       detail="evidence is in S3: nothing local to probe")
    tmp = settings.data_dir / config.path / "tmp"
    if not tmp.is_dir():
        return Finding(check=CHECK, status=Status.WARN,
                       detail=f"{tmp} does not exist yet: run `platewarden init` first")
    probe = tmp / f"doctor-{secrets.token_hex(6)}"
    probe.mkdir(mode=0o700)
    try:
        per_object = _time_objects(probe, objects=objects, timer=timer)
        fsync_s = _time_fsync(probe, timer=timer)
    finally:
        shutil.rmtree(probe, ignore_errors=True)
    detail = (f"one {OBJECT_BYTES // 1024} KB object (create, write, link, unlink) "
              f"{per_object * 1e6:.0f} µs, fsync {fsync_s * 1e3:.1f} ms")
    if per_object > SLOW_OBJECT_S:
        return Finding(check=CHECK, status=Status.WARN,
                       detail=f"{detail}: slow (over {SLOW_OBJECT_S * 1e6:.0f} µs, a quarter "
                              "of a core at 1,000 reads/s); try another volume or directory")
    return Finding(check=CHECK, status=Status.OK, detail=detail)


def _time_objects(probe: Path, *, objects: int, timer: Callable[[], float]) -> float:
    payload = os.urandom(OBJECT_BYTES)
    (probe / "objects").mkdir(mode=0o700)
    started = timer()
    for n in range(objects):
        temp = f"{probe}/{os.urandom(12).hex()}.tmp"
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            os.write(fd, payload)
        finally:
            os.close(fd)
        os.link(temp, f"{probe}/objects/{n}")
        os.unlink(temp)
    return (timer() - started) / max(objects, 1)


def _time_fsync(probe: Path, *, timer: Callable[[], float]) -> float:
    path = probe / "fsync"
    started = timer()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
    try:
        os.write(fd, b"x" * OBJECT_BYTES)
        os.fsync(fd)
    finally:
        os.close(fd)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
    return timer() - started
