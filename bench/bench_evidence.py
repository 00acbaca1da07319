"""Throughput of the local evidence store: small images put+sync, and a streamed clip.

Run: ``.venv/bin/python bench/bench_evidence.py [--objects 5000] [--clip-mb 50] [--dir DIR]``.
``--dir`` should be on the filesystem that will hold evidence (tmpfs flatters ``sync``).
"""

from __future__ import annotations

import argparse
import hashlib
import os
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from platewarden.adapters.evidence.durability import SyncStrategy, syncfs_available
from platewarden.adapters.evidence.local import LocalEvidenceStore

MIB = 1024 * 1024


def bench_small(root: Path, *, objects: int, size: int, batch: int,
                strategy: SyncStrategy) -> float:
    """Objects per second for ``put`` of distinct objects with a ``sync`` every ``batch``."""
    store = LocalEvidenceStore(root, master_key=os.urandom(32), sync_strategy=strategy)
    payloads = [i.to_bytes(8, "big") + os.urandom(size - 8) for i in range(objects)]
    start = time.perf_counter()
    for i, data in enumerate(payloads, 1):
        store.put(data)
        if i % batch == 0:
            store.sync()
    store.sync()
    return objects / (time.perf_counter() - start)


def bench_plain_files(root: Path, *, objects: int, size: int) -> float:
    """Baseline: files per second for bare create+write+close and one ``sync()``."""
    root.mkdir()
    payload = os.urandom(size)
    start = time.perf_counter()
    for i in range(objects):
        fd = os.open(root / f"{i}", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        os.write(fd, payload)
        os.close(fd)
    os.sync()
    return objects / (time.perf_counter() - start)


def clip(total: int, chunk: int = MIB) -> Iterator[bytes]:
    block = os.urandom(chunk)
    for i in range(total // chunk):
        yield i.to_bytes(8, "big") + block[8:]


def bench_clip(root: Path, *, megabytes: int) -> tuple[float, float, float]:
    """MB/s for put_stream (+sync), for open (decrypt and verify), and plain SHA-256."""
    store = LocalEvidenceStore(root, master_key=os.urandom(32))
    total = megabytes * MIB
    start = time.perf_counter()
    stored = store.put_stream(clip(total), max_bytes=total)
    store.sync()
    put_s = time.perf_counter() - start
    start = time.perf_counter()
    read = sum(len(part) for part in store.open(stored.sha256))
    open_s = time.perf_counter() - start
    assert read == total
    start = time.perf_counter()
    digest = hashlib.sha256()
    for part in clip(total):
        digest.update(part)
    hash_s = time.perf_counter() - start
    return megabytes / put_s, megabytes / open_s, megabytes / hash_s


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--objects", type=int, default=5000)
    parser.add_argument("--object-kb", type=int, default=8)
    parser.add_argument("--clip-mb", type=int, default=50)
    parser.add_argument("--dir", type=Path, default=None)
    args = parser.parse_args()
    strategies: list[SyncStrategy] = ["fsync"]
    if syncfs_available():
        strategies.append("syncfs")
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        print(f"evidence store benchmark in {tmp} ({os.cpu_count()} CPUs)")
        plain = bench_plain_files(Path(tmp) / "plain", objects=args.objects,
                                  size=args.object_kb * 1024)
        print(f"(baseline: bare {args.object_kb} KB file create+write, one sync: "
              f"{plain:,.0f} files/s)")
        for strategy in strategies:
            for batch in (100, args.objects):
                rate = bench_small(Path(tmp) / f"small-{strategy}-{batch}", objects=args.objects,
                                   size=args.object_kb * 1024, batch=batch, strategy=strategy)
                print(f"put {args.object_kb} KB x {args.objects}, sync every {batch} "
                      f"({strategy}): {rate:,.0f} objects/s")
        put_rate, open_rate, hash_rate = bench_clip(Path(tmp) / "clip", megabytes=args.clip_mb)
        print(f"clip {args.clip_mb} MB put_stream+sync: {put_rate:,.0f} MB/s")
        print(f"clip {args.clip_mb} MB open (decrypt+verify): {open_rate:,.0f} MB/s")
        print(f"(reference: plain SHA-256 of the same bytes: {hash_rate:,.0f} MB/s)")


if __name__ == "__main__":
    main()
