"""Where one read's CPU goes in ingest, without HTTP: the budget behind the reads/s figures.

Builds an installation in ``--dir`` (the disk under test: the evidence store creates one file
per image there), signs ``--envelopes`` envelopes of 10 reads with a unique ~8 KB crop each,
and calls what the HTTP route calls (``parse_envelope`` then ``IngestService.submit``) one
envelope after another in this process. Prints the process CPU (user + system, all threads)
per read, then, from a second set of envelopes under cProfile, the time of the main stages,
for the embedded default (``--bus embedded``: SQLite group commit) or JetStream (``--bus
nats``: nonce claim, publish).

Run: ``.venv/bin/python bench/profile_ingest.py --bus nats --dir /tmp`` and again with
``--dir /dev/shm`` (a tmpfs: file creation costs next to nothing there).
"""

from __future__ import annotations

import argparse
import cProfile
import json
import pstats
import random
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from bench_ingest import reads_for, setup
from ingest_offered import delete_stream, nats_toml
from platewarden.adapters.crypto import Argon2PasswordHasher
from platewarden.api.routes.ingest import parse_envelope
from platewarden.bootstrap import bootstrap
from platewarden.camera.keys import private_key_from_raw
from platewarden.camera.payloads import build_envelope
from platewarden.config import load_settings

READS_PER_ENVELOPE = 10
WARM_UP = 20
# (label, file suffix, function name) of the stages reported, as cProfile names them.
STAGES = [
    ("parse JSON + validate + base64", "routes/ingest.py", "parse_envelope"),
    ("authenticate (Ed25519)", "services/ingest.py", "authenticate"),
    ("evidence put (seal + file)", "evidence/local.py", "put"),
    ("  of which: create the temp file", "evidence/files.py", "__init__"),
    ("journal (dedupe, nonce, sync, log)", "services/log_ingest.py", "run"),
    ("  of which: evidence sync", "services/log_ingest.py", "__call__"),
    ("  of which: JetStream round trips", "bus/jetstream.py", "call"),
    ("journal (group commit, waiting)", "services/group_commit.py", "run"),
]


def bodies(keys: dict[str, bytes], envelopes: int) -> list[bytes]:
    rng = random.Random(1)
    cams = list(keys)
    payloads = reads_for(rng, envelopes * READS_PER_ENVELOPE, "p")
    out = []
    for i in range(envelopes):
        cid = cams[i % len(cams)]
        chunk = payloads[i * READS_PER_ENVELOPE:(i + 1) * READS_PER_ENVELOPE]
        out.append(json.dumps(build_envelope(
            camera_id=cid, private_key=private_key_from_raw(keys[cid]), reads=chunk,
            sent_at=datetime.now(UTC), nonce=secrets.token_hex(16))).encode())
    return out


def stage_seconds(stats: pstats.Stats) -> dict[str, float]:
    raw = stats.stats  # type: ignore[attr-defined]
    found = dict.fromkeys((label for label, _, _ in STAGES), 0.0)
    for (filename, _, name), (_, _, _, cumulative, _) in raw.items():
        for label, suffix, function in STAGES:
            if filename.endswith(suffix) and name == function:
                found[label] += cumulative
    return found


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--bus", choices=("embedded", "nats"), default="nats")
    parser.add_argument("--dir", type=Path, default=Path(tempfile.gettempdir()))
    parser.add_argument("--envelopes", type=int, default=300)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(dir=args.dir) as tmp:
        data_dir = Path(tmp) / "data"
        keys, _ = setup(data_dir)
        stream = "PROFILE_" + secrets.token_hex(4).upper()
        if args.bus == "nats":
            (data_dir / "platewarden.toml").write_text(nats_toml(stream), encoding="utf-8")
        container = bootstrap(load_settings(data_dir=data_dir),
                              hasher=Argon2PasswordHasher(fast_for_tests=True))
        try:
            signed = bodies(keys, 2 * args.envelopes + WARM_UP)
            for body in signed[:WARM_UP]:
                container.ingest.submit(parse_envelope(body))
            wall0, cpu0 = time.perf_counter(), time.process_time()
            for body in signed[WARM_UP:WARM_UP + args.envelopes]:
                container.ingest.submit(parse_envelope(body))
            wall, cpu = time.perf_counter() - wall0, time.process_time() - cpu0
            profile = cProfile.Profile()  # a second set of envelopes, under the profiler
            profile.enable()
            for body in signed[WARM_UP + args.envelopes:]:
                container.ingest.submit(parse_envelope(body))
            profile.disable()
        finally:
            container.stop()
            if args.bus == "nats":
                delete_stream(stream)
    reads = args.envelopes * READS_PER_ENVELOPE
    print(f"bus {args.bus}, evidence on {args.dir}: {reads} reads, one envelope at a time: "
          f"{reads / wall:.0f} reads/s, process CPU {cpu / reads * 1e6:.0f} µs per read "
          "(user + system, every thread; measured without the profiler)")
    for label, seconds in stage_seconds(pstats.Stats(profile)).items():
        if seconds:
            print(f"  {label:<38} {seconds / reads * 1e6:6.0f} µs per read (main thread, profiled)")


if __name__ == "__main__":
    main()
