"""Benchmark: signed reads/s through HTTP ingest on the embedded default, ack latency,
and read-to-violation latency for a section pair.

Run: ``.venv/bin/python bench/bench_ingest.py [--reads 6000] [--write-docs]``. The server runs
as its own process (``platewarden serve``), the load comes from a separate process over
keep-alive connections, and the HTTP floor (``GET /healthz``) is measured in the same run
as the baseline.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import random
import secrets
import sqlite3
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from ingest_offered import run_path, write_offered_docs
from latency_probe import hotlist_csv
from loadgen import LoadResult, build_request, run_load
from platewarden.adapters.crypto import Argon2PasswordHasher
from platewarden.bootstrap import bootstrap
from platewarden.camera.keys import private_key_from_raw
from platewarden.camera.payloads import Attachment, ReadPayload, build_envelope
from platewarden.config import Settings
from platewarden.domain.messages import RegisterCamera, RegisterSection

ROOT = Path(__file__).resolve().parents[1]
CAMERAS = 20


_BASES: list[bytes] = []


def crop_8kb(rng: random.Random) -> bytes:
    """A unique ~8 KB JPEG (noise compresses badly, like a real plate crop at high quality).

    Unique by a random comment segment over one of a few noise images: encoding a fresh
    image per read would make building tens of thousands of requests take minutes.
    """
    if len(_BASES) < 16:
        image = Image.effect_noise((160, 48), 40).convert("RGB")
        out = io.BytesIO()
        image.save(out, format="JPEG", quality=70)
        _BASES.append(out.getvalue())
    data = _BASES[rng.randrange(len(_BASES))]
    pad = max(0, 8192 - len(data) - 4)
    comment = rng.randbytes(min(pad, 65000))
    segment = b"\xff\xfe" + (len(comment) + 2).to_bytes(2, "big") + comment
    return data[:2] + segment + data[2:]


def setup(data_dir: Path) -> tuple[dict[str, bytes], dict[str, bytes]]:
    container = bootstrap(Settings(data_dir=data_dir),
                          hasher=Argon2PasswordHasher(fast_for_tests=True))
    keys = {}
    for n in range(CAMERAS):
        cid = f"anpr-{n:02d}"
        keys[cid] = container.cameras.register(RegisterCamera(
            camera_id=cid, name=cid, latitude=41.3, longitude=69.2, road="A", direction="n",
            lanes=2, kind="anpr")).private_key
    section_keys = {}
    for cid in ("sec-in", "sec-out"):
        section_keys[cid] = container.cameras.register(RegisterCamera(
            camera_id=cid, name=cid, latitude=40.9, longitude=68.8, road="M39",
            direction="towards Samarkand", lanes=3, kind="section-point",
            speed_limit_kmh=100)).private_key
    container.cameras.register_section(RegisterSection(
        section_id="bench-section", name="bench", entry_camera_id="sec-in",
        exit_camera_id="sec-out", distance_m=2000.0, speed_limit_kmh=100))
    container.hotlists.import_csv(hotlist_csv())
    container.stop()
    return keys, section_keys


def envelope_request(camera_id: str, key: bytes, reads: list[ReadPayload], path: str) -> bytes:
    envelope = build_envelope(camera_id=camera_id, private_key=private_key_from_raw(key),
                              reads=reads, sent_at=datetime.now(UTC),
                              nonce=secrets.token_hex(16))
    return build_request(method="POST", path=path, body=json.dumps(envelope).encode())


def reads_for(rng: random.Random, count: int, prefix: str) -> list[ReadPayload]:
    base = datetime.now(UTC) - timedelta(minutes=5)
    return [ReadPayload(read_id=f"{prefix}{n}", captured_at=base + timedelta(milliseconds=n),
                        plate=f"{rng.randrange(1, 99):02d}A{rng.randrange(1000):03d}"
                              f"{rng.choice('ABCEHKMPTX')}{rng.choice('AB')}",
                        confidence=0.9, vehicle_class="car",
                        images=(Attachment(role="plate", content_type="image/jpeg",
                                           data=crop_8kb(rng)),))
            for n in range(count)]


def start_server(data_dir: Path, port: int, workers: int) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PLATEWARDEN_DATA_DIR=str(data_dir), PLATEWARDEN_LOG_LEVEL="WARNING")
    process = subprocess.Popen([sys.executable, "-m", "platewarden.cli.main", "serve",
                                "--port", str(port), "--workers", str(workers)], env=env)
    for _ in range(300):
        try:
            httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1)
            return process
        except httpx.TransportError:
            time.sleep(0.1)
    raise RuntimeError("server did not start")


def peak_rss_mib(pid: int) -> float:
    """Peak resident memory of a process and its children (the workers), summed."""
    total = 0.0
    pids = [pid, *map(int, Path(f"/proc/{pid}/task/{pid}/children").read_text().split())]
    for one in pids:
        for line in Path(f"/proc/{one}/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                total += int(line.split()[1]) / 1024
    return total


def section_latency(url: str, keys: dict[str, bytes], rounds: int,
                    database: Path) -> list[float]:
    """Seconds from the exit read's acknowledgement to its violation being committed.

    Polls the database read-only (WAL lets it read beside the server): what is measured is
    the pipeline, not a login flow.
    """
    latencies = []
    db = sqlite3.connect(f"file:{database}?mode=ro", uri=True)
    with httpx.Client(base_url=url, timeout=10) as http:
        for n in range(rounds):
            t0 = datetime.now(UTC) - timedelta(minutes=2)
            plate = f"01A{n:03d}SX"
            for cid, at in (("sec-in", t0), ("sec-out", t0 + timedelta(seconds=50))):
                read = ReadPayload(read_id=f"lat{n}", captured_at=at, plate=plate,
                                   confidence=0.9)
                envelope = build_envelope(camera_id=cid,
                                          private_key=private_key_from_raw(keys[cid]),
                                          reads=[read], sent_at=datetime.now(UTC),
                                          nonce=secrets.token_hex(16))
                http.post("/api/v1/ingest/read", json=envelope).raise_for_status()
            acked = time.perf_counter()
            while db.execute("select 1 from violations where plate = ?",
                             (plate,)).fetchone() is None:
                time.sleep(0.002)
            latencies.append(time.perf_counter() - acked)
    db.close()
    return latencies


def summary(name: str, result: LoadResult, reads_per_request: int) -> dict[str, Any]:
    return {"phase": name, "requests": len(result.latencies),
            "reads_per_s": round(result.rate * reads_per_request),
            "requests_per_s": round(result.rate), "p50_ms": round(result.percentile(0.5), 1),
            "p99_ms": round(result.percentile(0.99), 1), "statuses": result.statuses}


def run_server_phases(args: argparse.Namespace, workers: int) -> dict[str, Any]:
    """A fresh installation and server with ``workers`` processes, and every phase on it."""
    rng = random.Random(7)
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        data_dir = Path(tmp) / "data"
        keys, section_keys = setup(data_dir)
        cams = list(keys)
        singles = [envelope_request(cams[n % CAMERAS], keys[cams[n % CAMERAS]], [read],
                                    "/api/v1/ingest/read")
                   for n, read in enumerate(reads_for(rng, args.reads, "s"))]
        batch_reads = reads_for(rng, args.reads, "b")
        batches = [envelope_request(cams[i % CAMERAS], keys[cams[i % CAMERAS]],
                                    batch_reads[s:s + args.batch], "/api/v1/ingest/batch")
                   for i, s in enumerate(range(0, len(batch_reads), args.batch))]
        floor = [build_request(method="GET", path="/healthz")] * 3000
        port = 18000 + rng.randrange(1000) + workers
        server = start_server(data_dir, port, workers)
        label = f"{workers} process{'es' if workers > 1 else ''}"
        try:
            phases = [
                summary(f"{label}: GET /healthz (HTTP floor, baseline)",
                        run_load(host="127.0.0.1", port=port, requests=floor,
                                 concurrency=args.concurrency), 1),
                summary(f"{label}: POST /ingest/read, 1 read + 8 KB crop, "
                        f"{args.concurrency} conns",
                        run_load(host="127.0.0.1", port=port, requests=singles,
                                 concurrency=args.concurrency), 1),
                summary(f"{label}: POST /ingest/batch, {args.batch} reads + 8 KB crops, "
                        "8 conns",
                        run_load(host="127.0.0.1", port=port, requests=batches,
                                 concurrency=8), args.batch),
            ]
            time.sleep(2)
            latencies = sorted(section_latency(f"http://127.0.0.1:{port}", section_keys, 40,
                                               data_dir / "platewarden.db"))
            rss = peak_rss_mib(server.pid)
        finally:
            server.terminate()
            server.wait(timeout=30)
    return {"phases": phases, "latency": latencies, "rss": rss, "workers": workers}


def offered_requests(keys: dict[str, bytes], reads: int, batch: int, prefix: str) -> list[bytes]:
    """Signed batch requests of ``batch`` reads each, spread over the cameras."""
    rng = random.Random(prefix)
    cams = list(keys)
    payloads = reads_for(rng, reads, prefix)
    return [envelope_request(cams[i % len(cams)], keys[cams[i % len(cams)]],
                             payloads[s:s + batch],
                             "/api/v1/ingest/batch" if batch > 1 else "/api/v1/ingest/read")
            for i, s in enumerate(range(0, len(payloads), batch))]


def run_offered(args: argparse.Namespace) -> dict[str, Any]:
    """Fixed offered loads on each path, side by side, in this one run."""
    runs = {path: run_path(path, args, setup=setup, requests_for=offered_requests)
            for path in args.paths.split(",")}
    return {"machine": machine(), "runs": runs,
            "command": "python bench/bench_ingest.py " + " ".join(sys.argv[1:])}


def machine() -> str:
    return (f"{platform.machine()}, {os.cpu_count()} cores, "
            f"{platform.python_implementation()} {platform.python_version()}, "
            f"load average {os.getloadavg()[0]:.1f} at the end")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--reads", type=int, default=6000)
    parser.add_argument("--concurrency", type=int, default=32)
    parser.add_argument("--batch", type=int, default=50)
    parser.add_argument("--workers", default="1,2", help="server process counts to compare")
    parser.add_argument("--dir", type=Path, default=None)
    parser.add_argument("--write-docs", action="store_true")
    parser.add_argument("--offered", type=lambda v: [float(x) for x in v.split(",")],
                        default=None, help="reads/s to offer, e.g. 250,500,1000,2000,3000: "
                        "compares the paths instead of the closed-loop phases")
    parser.add_argument("--paths", default="embedded,jetstream",
                        help="embedded, jetstream, jetstream-pg (PostgreSQL store), "
                             "jetstream-burst")
    parser.add_argument("--seconds", type=float, default=5.0, help="per offered load")
    parser.add_argument("--offered-batch", type=int, default=10, help="reads per request")
    parser.add_argument("--ingest-processes", type=int, default=1,
                        help="server processes taking the load (serve --workers) on each path")
    parser.add_argument("--postgres-admin-dsn", default="host=127.0.0.1 user=postgres "
                        "dbname=postgres", help="for the jetstream-pg path's own database")
    args = parser.parse_args()
    if args.offered:
        report = run_offered(args)
        print(json.dumps(report, indent=2))
        if args.write_docs:
            write_offered_docs(report, ROOT / "docs" / "benchmarks.md")
        return
    runs = [run_server_phases(args, int(n)) for n in args.workers.split(",")]
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, "
                   f"{platform.python_implementation()} {platform.python_version()}, "
                   f"load average {os.getloadavg()[0]:.1f} at the end",
        "command": "python bench/bench_ingest.py " + " ".join(sys.argv[1:]),
        "phases": [p for run in runs for p in run["phases"]],
        "section_read_to_violation_ms": {
            f"{run['workers']} process(es)": {
                "p50": round(run["latency"][len(run["latency"]) // 2] * 1000, 1),
                "p99": round(run["latency"][-1] * 1000, 1)} for run in runs},
        "server_peak_rss_mib": {f"{run['workers']} process(es)": round(run["rss"], 1)
                                for run in runs},
    }
    print(json.dumps(report, indent=2))
    if args.write_docs:
        write_docs(report)


def write_docs(report: dict[str, Any]) -> None:
    rows = "\n".join(f"| {p['phase']} | {p['reads_per_s']} | {p['requests_per_s']} | "
                     f"{p['p50_ms']} | {p['p99_ms']} | {p['statuses']} |"
                     for p in report["phases"])
    section = (
        "<!-- bench_ingest:start -->\n"
        f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {report['machine']}.\n"
        f"Command: `{report['command']}`\n\n"
        "| phase | reads/s | requests/s | p50 ack ms | p99 ack ms | statuses |\n"
        "|---|---|---|---|---|---|\n" + rows + "\n\n"
        "Section read-to-violation (exit read acknowledged → violation committed, "
        "40 pairs, after the load phases): "
        + "; ".join(f"{k}: p50 {v['p50']} ms, p99 {v['p99']} ms"
                    for k, v in report["section_read_to_violation_ms"].items())
        + ". Server peak RSS (all processes): "
        + "; ".join(f"{k}: {v} MiB" for k, v in report["server_peak_rss_mib"].items())
        + ".\n"
        "<!-- bench_ingest:end -->")
    path = ROOT / "docs" / "benchmarks.md"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Benchmarks\n"
    start, end = "<!-- bench_ingest:start -->", "<!-- bench_ingest:end -->"
    if start in text:
        text = text[:text.index(start)] + section + text[text.index(end) + len(end):]
    else:
        text += "\n## Ingest on the embedded default\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")


if __name__ == "__main__":
    main()
