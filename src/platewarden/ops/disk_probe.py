"""``platewarden doctor --probe-disk``: how much one evidence file costs on this volume.

The local evidence store writes every image as its own file: a private temp file, written,
linked into place, the temp name unlinked. What that costs depends on the file system and
its state far more than on Platewarden: on one ext4 volume it took 46 µs in one directory
and 990 µs in another (docs/benchmarks.md), and at 1,000 reads/s each 250 µs is a quarter
of a core. The probe does the same steps with throw-away 8 KB files in the store's own
``tmp`` directory (same file system as the objects) and removes them all; if it is killed
half-way, the store's sweep of temp files older than a day removes what is left.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import time
from collections.abc import Callable

from platewarden.adapters.evidence.files import TempFile
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
    # Plain files in the store's own tmp, never a directory: if the doctor is killed
    # mid-probe, the store's sweep of stale temp files removes what is left.
    prefix = f"{tmp}/doctor-{secrets.token_hex(6)}"
    made: list[str] = []
    try:
        per_object = _time_objects(prefix, objects=objects, timer=timer, made=made)
        fsync_s = _time_fsync(str(tmp), timer=timer)
    finally:
        for path in made:
            with contextlib.suppress(FileNotFoundError):
                os.unlink(path)
    detail = (f"one {OBJECT_BYTES // 1024} KB object (create, write, link, unlink) "
              f"{per_object * 1e6:.0f} µs, fsync {fsync_s * 1e3:.1f} ms")
    if per_object > SLOW_OBJECT_S:
        return Finding(check=CHECK, status=Status.WARN,
                       detail=f"{detail}: slow (over {SLOW_OBJECT_S * 1e6:.0f} µs, a quarter "
                              "of a core at 1,000 reads/s); try another volume or directory")
    return Finding(check=CHECK, status=Status.OK, detail=detail)


def _time_objects(prefix: str, *, objects: int, timer: Callable[[], float],
                  made: list[str]) -> float:
    payload = os.urandom(OBJECT_BYTES)
    directory = os.path.dirname(prefix)
    started = timer()
    for n in range(objects):
        made.append(f"{prefix}-{n}")
        with TempFile(directory) as temp:  # the store's own temp file: removed on exit
            temp.write_at(0, payload)
            os.link(temp.path, made[-1])
    return (timer() - started) / max(objects, 1)


def _time_fsync(directory: str, *, timer: Callable[[], float]) -> float:
    started = timer()
    with TempFile(directory) as temp:
        temp.write_at(0, b"x" * OBJECT_BYTES)
        temp.fsync()
    return timer() - started
