"""Benchmark: a million-entry hotlist checked in memory per read, and reloaded without a restart.

Run: ``.venv/bin/python bench/bench_hotlist.py [--entries 1000000] [--with-full-index]
[--write-docs]``. Builds a fresh SQLite installation in a temporary directory, imports the
entries through the repository (``HotlistRepository.upsert``), then measures what a rule
worker does: load the canonical keys (``HotlistKeys``; the reload after a change), their
memory, the in-memory check per read, and the whole rule path for a read that hits (the
key's entries fetched and matched). ``--with-full-index`` also builds the old all-entries
``HotlistIndex`` in the same run as the baseline.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import sys
import tempfile
import time
import tracemalloc
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from platewarden.adapters.db.engine import make_engine, migrate
from platewarden.adapters.db.uow import SqlUnitOfWorkFactory
from platewarden.domain.clock import EPOCH
from platewarden.domain.plates import canonical_key
from platewarden.domain.reads import ClockSync, PlateRead
from platewarden.domain.rules.hotlist import HotlistIndex, HotlistKeys, match
from platewarden.domain.violations import HotlistEntry

ROOT = Path(__file__).resolve().parents[1]
LETTERS = "ABCDEHKMPTXYZ"
NOW = datetime(2026, 11, 26, 12, 0, tzinfo=UTC)


def plate(rng: random.Random) -> str:
    return (f"{rng.randrange(1, 99):02d}{rng.choice(LETTERS)}{rng.randrange(1000):03d}"
            f"{rng.choice(LETTERS)}{rng.choice(LETTERS)}")


def entries(count: int, rng: random.Random) -> list[HotlistEntry]:
    out = []
    for n in range(count):
        text = plate(rng)
        out.append(HotlistEntry(
            id=f"{n:032x}", plate=text, plate_key=canonical_key(text),
            list_name=("stolen", "wanted", "uninsured")[n % 3], reason=f"case {n % 997}",
            source="national register", legal_basis="art. 12",
            expires_at=NOW + timedelta(days=30 + n % 300), priority=1 + n % 5))
    return out


def read_of(text: str, n: int) -> PlateRead:
    return PlateRead(id=f"cam:{n}", camera_id="cam", read_id=str(n), captured_at=NOW,
                     clock_sync=ClockSync.SYNCED, plate_raw=text, plate=text,
                     plate_key=canonical_key(text), country="UZ", region=None,
                     plate_format="private", confidence=0.9)


def rss_mib() -> float:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def timed(fn: Any) -> tuple[Any, float]:
    start = time.perf_counter()
    value = fn()
    return value, time.perf_counter() - start


def run(args: argparse.Namespace) -> dict[str, Any]:
    rng = random.Random(11)
    listed = entries(args.entries, rng)
    report: dict[str, Any] = {"entries": args.entries}
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        engine = make_engine(f"sqlite:///{tmp}/platewarden.db")
        migrate(engine)
        uow_factory = SqlUnitOfWorkFactory(engine)

        def import_all() -> None:
            with uow_factory() as uow:
                uow.hotlist.upsert(listed, at=NOW)
                uow.commit()
        _, report["import_s"] = timed(import_all)

        def load() -> HotlistKeys:
            with uow_factory(read_only=True) as uow:
                uow.hotlist.version()
                return HotlistKeys(uow.hotlist.keys())
        keys, report["reload_s"] = timed(load)
        del keys
        gc.collect()
        tracemalloc.start()
        keys = load()
        report["keys_memory_mib"] = round(tracemalloc.get_traced_memory()[0] / 2**20, 1)
        tracemalloc.stop()
        report["process_rss_mib"] = round(rss_mib(), 1)

        # Reads as traffic brings them: 1 in 1000 on the list, the rest random plates.
        probes = [listed[rng.randrange(len(listed))].plate if n % 1000 == 0 else plate(rng)
                  for n in range(args.reads)]
        hits, seconds = timed(lambda: sum(keys.key_of(p) is not None for p in probes))
        report["checks_per_s"] = round(len(probes) / seconds)
        report["key_hits"] = hits

        hit_reads = [read_of(p, n) for n, p in enumerate(probes) if keys.key_of(p)][:2000]

        def match_hits() -> int:
            found = 0
            with uow_factory(read_only=True) as uow:
                for read in hit_reads:
                    key = keys.key_of(read.plate)
                    found += len(match(read, uow.hotlist.for_keys([key] if key else [])))
            return found
        alerts, seconds = timed(match_hits)
        report["hit_path_per_s"] = round(len(hit_reads) / seconds)
        report["alerts_from_hits"] = alerts
        if args.with_full_index:
            # The old reload, the baseline: every entry from the database into an index.
            def load_full() -> HotlistIndex:
                with uow_factory(read_only=True) as uow:
                    return HotlistIndex(uow.hotlist.active(at=EPOCH))
            del keys
            gc.collect()
            before = rss_mib()
            index, report["full_index_build_s"] = timed(load_full)
            report["full_index_rss_growth_mib"] = round(rss_mib() - before, 1)
            del index
        engine.dispose()
    return report


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--entries", type=int, default=1_000_000)
    parser.add_argument("--reads", type=int, default=1_000_000)
    parser.add_argument("--with-full-index", action="store_true")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    report = run(args)
    report["machine"] = (f"{platform.machine()}, {os.cpu_count()} cores, "
                         f"{platform.python_implementation()} {platform.python_version()}, "
                         f"load average {os.getloadavg()[0]:.1f} at the end")
    report["command"] = "python bench/bench_hotlist.py " + " ".join(sys.argv[1:])
    print(json.dumps(report, indent=2))
    if args.write_docs:
        write_docs(report)


def write_docs(r: dict[str, Any]) -> None:
    full = ""
    if "full_index_build_s" in r:
        full = (f"| baseline, the old reload: every entry loaded into a `HotlistIndex` | "
                f"{r['full_index_build_s']:.1f} s | +{r['full_index_rss_growth_mib']} MiB "
                "RSS |\n")
    section = (
        "<!-- bench_hotlist:start -->\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {r['machine']}.\n"
        f"Command: `{r['command']}`\n\n"
        f"| {r['entries']:,} entries | figure | note |\n|---|---|---|\n"
        f"| import (`hotlist import` path, SQLite) | {r['import_s']:.1f} s | one transaction |\n"
        f"| reload: version polled, keys loaded, swapped | {r['reload_s']:.2f} s | "
        "no restart; rules wait this long once |\n"
        f"| memory of the key set | {r['keys_memory_mib']} MiB | tracemalloc; process RSS "
        f"{r['process_rss_mib']} MiB |\n"
        f"| in-memory check per read | {r['checks_per_s']:,} reads/s | one core, "
        f"{r['key_hits']:,} key hits |\n"
        f"| read that hits: entries fetched by key and matched | {r['hit_path_per_s']:,} "
        f"reads/s | {r['alerts_from_hits']:,} alerts |\n" + full +
        "<!-- bench_hotlist:end -->")
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- bench_hotlist:start -->", "<!-- bench_hotlist:end -->"
    if start in text:
        text = text[:text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        text += ("\n## Hotlist at scale\n\n`bench/bench_hotlist.py`: a rule worker holds only "
                 "the canonical keys of the list (`HotlistKeys`); a read whose key is absent "
                 "is decided in memory, a read whose key is present fetches that key's "
                 "entries (indexed) and matches them. The worker polls the list's version "
                 "before each batch and reloads the keys, outside any write transaction, "
                 "when it changed.\n\n" + section + "\n")
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
