"""Fixed offered loads through HTTP ingest: the embedded default beside HTTP → JetStream.

Used by ``bench_ingest.py --offered R1,R2,...``. For each path a fresh installation and its
processes: the embedded default is one ``platewarden serve``; the JetStream path is
``serve --role ingest`` and ``serve --role worker`` on the machine's NATS server, with a
stream of its own (deleted afterwards) and the same SQLite database as the writer's target.
Each offered load runs for ``--seconds``; the acknowledgement latency is measured from each
request's due time (open loop). After the loads, the JetStream path's backlog is timed until
the writer and rules have caught up.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import random
import secrets
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import httpx
import nats
from sqlalchemy import Engine

from bench_db_ingest import postgres_database
from cpu_meter import services_cpu_s, tree_cpu_s
from latency_probe import Probe, latencies
from loadgen import LoadResult, run_paced
from platewarden.adapters.db.engine import make_engine

Crop = Callable[[random.Random], bytes]


def nats_toml(stream: str) -> str:
    return (f'[bus]\ntype = "nats"\nurl = "nats://127.0.0.1:4222"\nstream = "{stream}"\n'
            f'subject_prefix = "{stream.lower().replace("_", "-")}"\npartitions = 4\n')


def delete_stream(stream: str) -> None:
    async def delete() -> None:
        nc = await nats.connect("nats://127.0.0.1:4222")
        js = nc.jetstream()
        for name in (stream, f"KV_{stream}_nonces"):
            with contextlib.suppress(nats.js.errors.NotFoundError):
                await js.delete_stream(name)
        await nc.close()
    asyncio.run(delete())


def spawn(data_dir: Path, *args: str) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PLATEWARDEN_DATA_DIR=str(data_dir), PLATEWARDEN_LOG_LEVEL="WARNING",
               PLATEWARDEN_INGEST_REQUESTS_PER_S="1000000")
    return subprocess.Popen([sys.executable, "-m", "platewarden.cli.main", "serve", *args],
                            env=env)


def wait_http(port: int) -> None:
    for _ in range(600):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def stored(engine: Engine) -> int:
    with engine.connect() as conn:
        return int(conn.exec_driver_sql("SELECT count(*) FROM reads WHERE evaluated")
                   .scalar_one())


def rss_mib(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return 0.0


def log_path(path: str) -> bool:
    """Whether ``path`` runs over JetStream (``jetstream``, ``jetstream-burst``)."""
    return path.startswith("jetstream")


def run_path(path: str, args: Any, *, setup: Callable[[Path], tuple[dict[str, bytes], Any]],
             requests_for: Callable[[dict[str, bytes], int, int, str], list[bytes]]
             ) -> dict[str, Any]:
    """Every offered load on a fresh installation of ``path``.

    ``embedded``: one ``serve``. ``jetstream``: ``serve --role ingest`` and a worker during
    the loads. ``jetstream-burst``: only ingest during the loads (the log takes the burst);
    the worker starts afterwards and the catch-up is timed.
    """
    stream = f"PWBENCH_{secrets.token_hex(3).upper()}"
    with contextlib.ExitStack() as stack:
        tmp = stack.enter_context(tempfile.TemporaryDirectory(dir=args.dir))
        data_dir = Path(tmp) / "data"
        data_dir.mkdir()
        # "-pg": the worker (and everything else) stores into a throw-away PostgreSQL database.
        url = (stack.enter_context(postgres_database(args.postgres_admin_dsn))
               if path.endswith("-pg") else "")
        toml = (f'database_url = "{url}"\n' if url else "") + (
            nats_toml(stream) if log_path(path) else "")
        (data_dir / "platewarden.toml").write_text(toml, encoding="utf-8")
        engine = make_engine(url or f"sqlite:///{data_dir / 'platewarden.db'}")
        stack.callback(engine.dispose)
        keys, section_keys = setup(data_dir)
        port = 19000 + random.randrange(900)
        log = log_path(path)
        procs = {"ingest" if log else "server": spawn(
            data_dir, "--port", str(port), "--role", "ingest" if log else "all",
            "--workers", str(args.ingest_processes))}
        if path in ("jetstream", "jetstream-pg"):
            procs["worker"] = spawn(data_dir, "--role", "worker")
        if log:  # the operator tier, idle here: its footprint beside the others'
            procs["web"] = spawn(data_dir, "--port", str(port + 1), "--role", "web")
        rows: list[dict[str, Any]] = []
        probes: list[Probe] = []
        try:
            wait_http(port)
            # Warm-up, not measured: first connections, camera cache, lazy imports.
            run_paced(host="127.0.0.1", port=port, rate_per_s=20,
                      requests=requests_for(keys, 20 * args.offered_batch,
                                            args.offered_batch, f"{path}-warm-"))
            cpu_before = {name: tree_cpu_s(p.pid) for name, p in procs.items()}
            cpu_before |= services_cpu_s()
            load_cpu_s = 0.0
            for level, rate in enumerate(args.offered):
                reads = int(rate * args.seconds)
                requests = requests_for(keys, reads, args.offered_batch, f"{path}{level}-")
                if path != "jetstream-burst":  # no rules run during a burst's load
                    probes.append(Probe(url=f"http://127.0.0.1:{port}",
                                        keys={**keys, **section_keys},
                                        level=level))
                    probes[-1].start()
                load_started = time.process_time()
                try:
                    result: LoadResult = run_paced(host="127.0.0.1", port=port,
                                                   requests=requests,
                                                   rate_per_s=rate / args.offered_batch)
                finally:
                    load_cpu_s += time.process_time() - load_started
                    if probes:
                        probes[-1].stop()
                rows.append({"path": path, "offered_reads_per_s": rate,
                             "acked_reads_per_s": round(
                                 result.statuses.get(200, 0) * args.offered_batch
                                 / result.seconds),
                             "p50_ms": round(result.percentile(0.5), 1),
                             "p99_ms": round(result.percentile(0.99), 1),
                             "statuses": result.statuses})
                print(json.dumps(rows[-1]), flush=True)
                if rows[-1]["acked_reads_per_s"] < 0.9 * rate:
                    break  # saturated: it cannot keep up, higher loads only queue up
            total = sum(r["statuses"].get(200, 0) for r in rows) * args.offered_batch
            if path == "jetstream-burst":
                # The log absorbed the loads alone; now the worker catches up.
                procs["worker"] = spawn(data_dir, "--role", "worker")
            started = time.perf_counter()
            while stored(engine) < total:
                if time.perf_counter() - started > 600:
                    break
                time.sleep(0.2)
            drained_s = time.perf_counter() - started
            time.sleep(1)  # the last probe rounds' findings
            for row, probe in zip(rows, probes, strict=False):
                row |= latencies(engine, probe)
            rss = {name: round(rss_mib(p.pid), 1) for name, p in procs.items()}
            cpu_after = {name: tree_cpu_s(p.pid) for name, p in procs.items()}
            cpu_after |= services_cpu_s()
            cpu_after["load generator"] = load_cpu_s
            cpu_us = {name: round((cpu_after[name] - cpu_before.get(name, 0.0))
                                  / max(total, 1) * 1e6)
                      for name in cpu_after}
        finally:
            for proc in procs.values():
                proc.terminate()
            for proc in procs.values():
                proc.wait(timeout=60)
            if log_path(path):
                delete_stream(stream)
    return {"rows": rows, "evaluated_after_s": round(drained_s, 1), "reads": total,
            "peak_rss_mib": rss, "cpu_us_per_read": cpu_us}


def _probe(row: dict[str, Any], name: str) -> str:
    probe = row.get(name)
    if not probe:
        return "-"
    if "p50_ms" not in probe:
        return f"none ({probe['found']}/{probe['sent']})"
    return f"{probe['p50_ms']} / {probe['p99_ms']} ({probe['found']}/{probe['sent']})"


def write_offered_docs(report: dict[str, Any], path: Path) -> None:
    """Replace (or add) the offered-load section of docs/benchmarks.md."""
    rows = []
    for run in report["runs"].values():
        for r in run["rows"]:
            rows.append(f"| {r['path']} | {r['offered_reads_per_s']:.0f} | "
                        f"{r['acked_reads_per_s']} | {r['p50_ms']} | {r['p99_ms']} | "
                        f"{_probe(r, 'read_to_alert')} | {_probe(r, 'read_to_violation')} | "
                        f"{r['statuses']} |")
    after = "; ".join(f"{path}: {run['reads']} reads all evaluated {run['evaluated_after_s']} s "
                      f"after the last load ended, peak RSS {run['peak_rss_mib']} MiB, CPU µs "
                      f"per read {run.get('cpu_us_per_read', {})}"
                      for path, run in report["runs"].items())
    section = (
        "<!-- bench_ingest_offered:start -->\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {report['machine']}.\n"
        f"Command: `{report['command']}`\n\n"
        "| path | offered reads/s | acknowledged reads/s | p50 ack ms | p99 ack ms | "
        "read-to-alert p50 / p99 ms (found/sent) | read-to-violation p50 / p99 ms "
        "(found/sent) | statuses |\n|---|---|---|---|---|---|---|---|\n"
        + "\n".join(rows) + "\n\n"
        f"After the loads: {after}.\n<!-- bench_ingest_offered:end -->")
    text = path.read_text(encoding="utf-8")
    start, end = "<!-- bench_ingest_offered:start -->", "<!-- bench_ingest_offered:end -->"
    if start in text:
        text = text[:text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        marker = "## Evidence store"
        text = text.replace(marker, "## Ingest at fixed offered loads: embedded and JetStream"
                            "\n\n" + section + "\n\n" + marker, 1)
    path.write_text(text, encoding="utf-8")
