"""Benchmark: the database side of ingest on SQLite and PostgreSQL, side by side in one run.

The group commit (``GroupCommitter`` + ``IngestService.apply_group``: nonce and read-id
decisions, then the inserts, one durable commit) is driven directly from many threads with
pre-built envelopes, so the figures are the database's share of ingest, without HTTP,
signatures or evidence. Every read carries one image row, as a camera read with its plate
crop does. Phases, per engine:

- one commit per read: the writer takes one envelope of one read per transaction;
- group commit, 1 read per envelope (``/ingest/read``), 32 submitting threads;
- group commit, 50 reads per envelope (``/ingest/batch``), 8 submitting threads;
- on PostgreSQL the group-commit phases also with multi-row INSERT instead of COPY.

Both engines commit durably (SQLite ``synchronous=FULL``, PostgreSQL ``synchronous_commit``
on). PostgreSQL gets its own throw-away database and login role, dropped afterwards.

Each phase runs ``--rounds`` times, interleaved in alternating order on the same database.

Run: ``nice -n 19 .venv/bin/python bench/bench_db_ingest.py [--reads 6000] [--rounds 3]
[--write-docs]``
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import platform
import secrets
import statistics
import tempfile
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import psycopg
from psycopg import sql

from command_line import command_line
from platewarden.adapters.db import read_repository
from platewarden.adapters.db.engine import make_engine, migrate
from platewarden.adapters.db.partitions import ReadPartitions
from platewarden.adapters.db.uow import SqlUnitOfWorkFactory
from platewarden.adapters.evidence.fake import FakeEvidenceStore
from platewarden.domain.cameras import Camera, CameraKind
from platewarden.domain.plates import canonical_key
from platewarden.domain.reads import ClockSync, ImageRef, PlateRead
from platewarden.services.camera_directory import CameraDirectory
from platewarden.services.group_commit import GroupCommitter
from platewarden.services.ingest import Envelope, IngestPolicy, IngestService, SubmitReads

ROOT = Path(__file__).resolve().parents[1]
CAMERAS = 20
_TAGS = itertools.count()
NOW = datetime.now(UTC)


@contextmanager
def postgres_database(admin_dsn: str) -> Iterator[str]:
    """A throw-away database with its own login role; yields the SQLAlchemy URL."""
    name, password = f"pw_bench_{secrets.token_hex(5)}", secrets.token_urlsafe(18)
    with psycopg.connect(admin_dsn, autocommit=True) as admin:
        admin.execute(sql.SQL("CREATE ROLE {} LOGIN PASSWORD {}").format(
            sql.Identifier(name), sql.Literal(password)))
        admin.execute(sql.SQL("CREATE DATABASE {} OWNER {}").format(
            sql.Identifier(name), sql.Identifier(name)))
        host = admin.info.host
        port = admin.info.port
    try:
        yield f"postgresql+psycopg://{name}:{password}@{host}:{port}/{name}"
    finally:
        with psycopg.connect(admin_dsn, autocommit=True) as admin:
            admin.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(
                sql.Identifier(name)))
            admin.execute(sql.SQL("DROP ROLE IF EXISTS {}").format(sql.Identifier(name)))


@contextmanager
def prepared(url: str) -> Iterator[SqlUnitOfWorkFactory]:
    """A migrated database with today's partitions and the bench cameras."""
    engine = make_engine(url)
    migrate(engine)
    ReadPartitions(engine).ensure(first_day=NOW.date() - timedelta(days=1), days=3)
    with SqlUnitOfWorkFactory(engine)() as uow:
        for n in range(CAMERAS):
            uow.cameras.add(Camera(
                id=f"cam-{n}", name=f"cam {n}", latitude=41.3, longitude=69.2, road="M39",
                direction="west", lanes=3, kind=CameraKind.ANPR, public_key=bytes(32)),
                created_at=NOW)
        uow.commit()
    try:
        yield SqlUnitOfWorkFactory(engine)
    finally:
        engine.dispose()


def make_envelopes(count: int, per_envelope: int, tag: str) -> list[Envelope]:
    """Envelopes of distinct reads, each read with one plate-crop image row."""
    envelopes = []
    for e in range(count):
        camera = f"cam-{e % CAMERAS}"
        reads = []
        for r in range(per_envelope):
            plate = f"{(e * 7 + r) % 100:02d}A{(e + r) % 1000:03d}BC"
            read_id = f"{tag}-{e}-{r}"
            reads.append((PlateRead(
                id=f"{camera}:{read_id}", camera_id=camera, read_id=read_id,
                captured_at=NOW - timedelta(milliseconds=e * per_envelope + r),
                clock_sync=ClockSync.SYNCED, plate_raw=plate, plate=plate,
                plate_key=canonical_key(plate), country="UZ", region=None,
                plate_format="uz-private", confidence=0.97, alternatives=(),
                vehicle_class="car", lane=1, direction="west", speed_kmh=87.0,
                images=(ImageRef(role="plate", sha256=secrets.token_hex(32),
                                 content_type="image/jpeg", size_bytes=8192),)),
                secrets.token_hex(32)))
        command = SubmitReads(camera_id=camera, sent_at=NOW, nonce=secrets.token_hex(16),
                              reads=(), blobs={}, signed_bytes=b"", signature=b"")
        envelopes.append(Envelope(command=command, envelope_sha256=secrets.token_hex(32),
                                  reads=reads))
    return envelopes


def drive(uow_factory: SqlUnitOfWorkFactory, envelopes: list[Envelope], *, threads: int,
          max_jobs: int) -> dict[str, Any]:
    """Submit every envelope from ``threads`` threads; reads/s and per-envelope latency."""
    ingest = IngestService(
        uow_factory=uow_factory, evidence=FakeEvidenceStore(), verifier=None,  # type: ignore[arg-type]
        publisher=None, clock=lambda: NOW,  # type: ignore[arg-type]
        policy=IngestPolicy(max_clock_skew_s=300, max_batch_reads=500, max_image_bytes=1 << 20),
        cameras=CameraDirectory(uow_factory=uow_factory, ttl_s=2))
    committer = GroupCommitter(uow_factory=uow_factory, before_commit=lambda: None,
                               apply=ingest.apply_group, max_jobs=max_jobs)
    committer.start()
    latencies: list[float] = []
    lock = threading.Lock()
    queue = list(reversed(envelopes))

    def worker() -> None:
        while True:
            with lock:
                if not queue:
                    return
                envelope = queue.pop()
            started = time.perf_counter()
            outcomes = committer.run(envelope)
            elapsed = time.perf_counter() - started
            assert all(o.status == "accepted" for o in outcomes), outcomes
            with lock:
                latencies.append(elapsed)

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    started = time.perf_counter()
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    seconds = time.perf_counter() - started
    committer.stop()
    latencies.sort()
    reads = sum(len(e.reads) for e in envelopes)
    return {"reads": reads, "seconds": round(seconds, 2), "reads_per_s": round(reads / seconds),
            "p50_ms": round(statistics.median(latencies) * 1000, 1),
            "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1] * 1000, 1)}


@contextmanager
def inserts_instead_of_copy() -> Iterator[None]:
    """Make the SQL repository use executemany INSERT on PostgreSQL too, for comparison."""
    original: Callable[..., None] = read_repository.SqlReads.__init__

    def without_copy(self: read_repository.SqlReads, conn: Any) -> None:
        original(self, conn)
        self._copy = False

    read_repository.SqlReads.__init__ = without_copy  # type: ignore[method-assign]
    try:
        yield
    finally:
        read_repository.SqlReads.__init__ = original  # type: ignore[method-assign]


def phases(engine_name: str, url: str, args: argparse.Namespace) -> list[dict[str, Any]]:
    """Every phase on a fresh database of one engine, ``args.rounds`` times interleaved.

    Rounds alternate the order of the phases, so neither a warmer cache nor a change in the
    machine's load favours one of them; the table gives the median round and the range.
    """
    plans: list[tuple[str, int, int, int, bool]] = [
        # label, reads per envelope, threads, max jobs per transaction, COPY off
        ("one commit per read (1 read/envelope, 32 threads)", 1, 32, 1, False),
        ("group commit, 1 read/envelope, 32 threads", 1, 32, 1000, False),
        ("group commit, 50 reads/envelope, 8 threads", 50, 8, 1000, False),
    ]
    if engine_name == "PostgreSQL":
        plans += [("group commit, 1 read/envelope, 32 threads, INSERT not COPY", 1, 32, 1000,
                   True),
                  ("group commit, 50 reads/envelope, 8 threads, INSERT not COPY", 50, 8, 1000,
                   True)]
    rounds: dict[str, list[dict[str, Any]]] = {label: [] for label, *_ in plans}
    with prepared(url) as uow_factory:
        for round_no in range(args.rounds):
            order = plans if round_no % 2 == 0 else list(reversed(plans))
            for label, per, threads, max_jobs, no_copy in order:
                total = args.per_read_reads if max_jobs == 1 else args.reads
                envelopes = make_envelopes(total // per, per, f"t{next(_TAGS)}")
                with inserts_instead_of_copy() if no_copy else _nothing():
                    result = drive(uow_factory, envelopes, threads=threads, max_jobs=max_jobs)
                rounds[label].append(result)
                print(json.dumps({"engine": engine_name, "phase": label, **result}), flush=True)
    return [{"engine": engine_name, "phase": label, **_median_round(results)}
            for label, results in rounds.items()]


def _median_round(results: list[dict[str, Any]]) -> dict[str, Any]:
    ordered = sorted(results, key=lambda r: r["reads_per_s"])
    median = ordered[len(ordered) // 2]
    return {**median, "range": f"{ordered[0]['reads_per_s']}-{ordered[-1]['reads_per_s']}"}


@contextmanager
def _nothing() -> Iterator[None]:
    yield


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reads", type=int, default=6000, help="reads per group phase")
    parser.add_argument("--per-read-reads", type=int, default=1500,
                        help="reads in the one-commit-per-read phase")
    parser.add_argument("--rounds", type=int, default=3, help="rounds of every phase")
    parser.add_argument("--postgres-admin-dsn", default="host=127.0.0.1 user=postgres "
                        "dbname=postgres")
    parser.add_argument("--write-docs", action="store_true")
    args = parser.parse_args()
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="pw-bench-db-") as tmp:
        results += phases("SQLite", f"sqlite:///{tmp}/bench.db", args)
    with postgres_database(args.postgres_admin_dsn) as url:
        results += phases("PostgreSQL", url, args)
    with psycopg.connect(args.postgres_admin_dsn) as admin:
        server = admin.execute("SHOW server_version").fetchone()
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"{platform.python_implementation()} {platform.python_version()}, "
                   f"PostgreSQL {server[0] if server else '?'} on the same machine, "
                   f"load average {os.getloadavg()[0]:.1f} at the end",
        "command": command_line(),
        "results": results,
    }
    print(json.dumps(report, indent=2))
    if args.write_docs:
        write_docs(report)


def write_docs(report: dict[str, Any]) -> None:
    rows = "\n".join(f"| {r['engine']} | {r['phase']} | {r['reads']} | {r['reads_per_s']} | "
                     f"{r['range']} | {r['p50_ms']} | {r['p99_ms']} |"
                     for r in report["results"])
    section = (
        "<!-- bench_db_ingest:start -->\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {report['machine']}.\n"
        f"Command: `{report['command']}`\n\n"
        "| engine | phase | reads per round | reads/s (median round) | range of rounds | "
        "p50 commit ms | p99 commit ms |\n"
        "|---|---|---|---|---|---|---|\n" + rows + "\n"
        "<!-- bench_db_ingest:end -->")
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- bench_db_ingest:start -->", "<!-- bench_db_ingest:end -->"
    if start in text:
        text = text[:text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        text += "\n## Database ingest: SQLite and PostgreSQL\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
