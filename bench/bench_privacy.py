"""Benchmark: the privacy lifecycle's costs on the embedded default.

Run: ``.venv/bin/python bench/bench_privacy.py [--reads 5000] [--batch 100]``.

Measures, each with its baseline in the same run:
- ingest through the service (no HTTP) of batches of signed reads with an 8 KB crop each,
  and the extra evidence object per envelope that keeps the camera's signed bytes
  (``put`` of the envelope vs ``put`` of the crops, same store);
- a retention run that pseudonymises every read (after 72 h) and one that deletes them all
  with their images and destroys the day keys (after 31 days), per 1,000 reads;
- redaction of a 640 x 400 overview (3 plates, 1 face) and an evidence export and verify.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import platform
import secrets
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

from PIL import Image

from platewarden.adapters.crypto import Argon2PasswordHasher, Ed25519Verifier
from platewarden.api.routes.ingest import parse_envelope
from platewarden.bootstrap import bootstrap
from platewarden.camera.keys import private_key_from_raw
from platewarden.camera.payloads import Attachment, ReadPayload, build_envelope
from platewarden.config import Settings
from platewarden.domain.access import EVERYWHERE
from platewarden.domain.messages import RegisterCamera
from platewarden.domain.violations import ViolationStatus
from platewarden.services.evidence_packages import verify
from platewarden.services.unit_of_work import ViolationFilter

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
from support.scenes import OFFENDER, street_scene  # noqa: E402


class Clock:
    def __init__(self) -> None:
        self.now = datetime(2026, 3, 2, 10, tzinfo=UTC)

    def __call__(self) -> datetime:
        return self.now


def crop(seed: int) -> bytes:
    img = Image.frombytes("RGB", (120, 40), os.urandom(120 * 40 * 3) if seed else bytes(14400))
    out = io.BytesIO()
    img.save(out, "JPEG", quality=90)
    return out.getvalue()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reads", type=int, default=5000)
    parser.add_argument("--batch", type=int, default=100)
    args = parser.parse_args()
    clock = Clock()
    with tempfile.TemporaryDirectory(prefix="pw-bench-privacy-") as tmp:
        container = bootstrap(Settings(data_dir=Path(tmp)), clock=clock,
                              hasher=Argon2PasswordHasher(fast_for_tests=True))
        container.start()
        registered = container.cameras.register(RegisterCamera(
            camera_id="bench-1", name="bench", latitude=41.3, longitude=69.2, road="M39",
            direction="east", lanes=3, kind="spot-speed", speed_limit_kmh=60,
            calibration_expires_at=datetime(2030, 1, 1, tzinfo=UTC)))
        key = private_key_from_raw(registered.private_key)
        results: dict[str, str] = {}

        envelopes = []
        for start in range(0, args.reads, args.batch):
            reads = [ReadPayload(read_id=f"r{n}", captured_at=clock.now, plate=f"01A{n:05d}",
                                 confidence=0.9, images=(Attachment(
                                     role="plate", content_type="image/jpeg", data=crop(n)),))
                     for n in range(start, min(args.reads, start + args.batch))]
            envelopes.append(json.dumps(build_envelope(
                camera_id="bench-1", private_key=key, reads=reads, sent_at=clock.now,
                nonce=secrets.token_hex(16))).encode())
        began = time.perf_counter()
        for body in envelopes:
            container.ingest.submit(parse_envelope(body))
        container.bus.wait_idle()
        took = time.perf_counter() - began
        results["ingest via the service"] = f"{args.reads / took:,.0f} reads/s " \
            f"({args.batch} per envelope)"

        store = container.evidence
        signed = [parse_envelope(b).signed_bytes + b" " for b in envelopes[:50]]
        crops = [crop(10_000 + n) for n in range(50)]
        t0 = time.perf_counter()
        for data in crops:
            store.put(data)
        store.sync()
        t1 = time.perf_counter()
        for data in signed:
            store.put(data)
        store.sync()
        t2 = time.perf_counter()
        results["evidence put, 8 KB crop (baseline)"] = f"{(t1 - t0) / 50 * 1000:.2f} ms each"
        results[f"evidence put, signed envelope ({len(signed[0]) // 1024} KB)"] = \
            f"{(t2 - t1) / 50 * 1000:.2f} ms each (one per envelope)"

        clock.now += timedelta(hours=73)
        t0 = time.perf_counter()
        counts = container.retention.run().counts
        t1 = time.perf_counter()
        results["retention run: pseudonymise"] = \
            f"{counts.reads_pseudonymised} reads in {t1 - t0:.2f} s " \
            f"({(t1 - t0) / max(1, counts.reads_pseudonymised) * 1e6:.0f} µs/read)"
        clock.now += timedelta(days=31)
        t0 = time.perf_counter()
        counts = container.retention.run().counts
        t1 = time.perf_counter()
        results["retention run: delete + shred"] = \
            f"{counts.reads_deleted} reads, {counts.objects_deleted} objects, " \
            f"{counts.evidence_keys_destroyed} day keys in {t1 - t0:.2f} s"

        scene = street_scene()
        t0 = time.perf_counter()
        redactions = [container.packages._redactor.redact(scene, keep_plate=OFFENDER)
                      for _ in range(3)]
        t1 = time.perf_counter()
        assert redactions[0].plate_kept
        results["redact 640x400 overview (3 plates, 1 face), incl. first model load"] = \
            f"{(t1 - t0) / 3:.2f} s each"

        clock.now += timedelta(days=1)
        body = json.dumps(build_envelope(camera_id="bench-1", private_key=key, reads=[
            ReadPayload(read_id="v1", captured_at=clock.now, plate=OFFENDER, confidence=0.9,
                        speed_kmh=120.0, speed_method="radar", images=(
                            Attachment(role="overview", content_type="image/jpeg", data=scene),
                            Attachment(role="plate", content_type="image/jpeg",
                                       data=crop(1))))],
            sent_at=clock.now, nonce=secrets.token_hex(16))).encode()
        container.ingest.submit(parse_envelope(body))
        container.bus.wait_idle()
        [violation] = container.queries.violations(ViolationFilter(), scope=EVERYWHERE)
        container.queries.review(violation.id, decision=ViolationStatus.CONFIRMED,
                                 reviewer="bench", note=None, scope=EVERYWHERE)
        times = []
        for redact in (False, True):
            t0 = time.perf_counter()
            package = container.packages.export(violation.id, redact=redact)
            times.append(time.perf_counter() - t0)
        verifier = Ed25519Verifier()
        t0 = time.perf_counter()
        report = verify(package.data, signature_ok=lambda k, m, s: verifier.verify(
            public_key=k, message=m, signature=s))
        t1 = time.perf_counter()
        assert report.ok
        results["evidence export, unredacted / redacted"] = \
            f"{times[0]:.2f} s / {times[1]:.2f} s ({len(package.data) // 1024} KB zip)"
        results["evidence verify (redacted package)"] = f"{(t1 - t0) * 1000:.0f} ms"
        container.stop()

    load = os.getloadavg()[0]
    print(f"Measured {datetime.now(UTC):%Y-%m-%d %H:%M} UTC on {platform.machine()}, "
          f"{os.cpu_count()} cores, CPython {platform.python_version()}, load average "
          f"{load:.1f} at the end.")
    print(f"Command: `python bench/bench_privacy.py --reads {args.reads} --batch {args.batch}`")
    print()
    print("| measurement | result |\n|---|---|")
    for name, value in results.items():
        print(f"| {name} | {value} |")


if __name__ == "__main__":
    main()
