"""Read-to-alert and read-to-violation latency while an offered load runs.

A thread beside the load sends, every ``interval_s``, one read of a hotlisted plate (from an
ANPR camera) and a section pair (entry, then an exit read 50 s later at 144 km/h over a
100 km/h limit), each as its own signed ``/ingest/read`` envelope, and notes the wall-clock
time just before posting the hit read and the exit read. After the run the latency of each
is the rule engine's ``created_us`` of the alert / violation (wall clock of the same machine)
minus that time: from the camera starting to send the read until the rule engine decided,
through ingest, the log or the group commit, the writer and the rules (its commit adds a few
ms more).
"""

from __future__ import annotations

import secrets
import statistics
import threading
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

import httpx
from sqlalchemy import Engine

from platewarden.camera.keys import private_key_from_raw
from platewarden.camera.payloads import ReadPayload, build_envelope

HOTLIST_PLATES = [f"01H{n:03d}XZ" for n in range(1000)]
HIT_CAMERA = "anpr-00"


def hotlist_csv() -> str:
    """The hotlist the probe's hit reads match (imported by the bench's set-up)."""
    lines = ["plate,list,reason,source,legal_basis,expires_at,priority"]
    lines += [f"{p},stolen,bench,bench,bench,2099-01-01T00:00:00+00:00,1"
              for p in HOTLIST_PLATES]
    return "\n".join(lines) + "\n"


@dataclass
class Probe:
    """Probe rounds sent during one offered load (``level``)."""

    url: str
    keys: dict[str, bytes]
    level: int
    interval_s: float = 0.25
    sent_hit: dict[str, float] = field(default_factory=dict)  # read pk -> wall time
    sent_exit: dict[str, float] = field(default_factory=dict)  # plate -> wall time
    _stop: threading.Event = field(default_factory=threading.Event)
    _thread: threading.Thread | None = None

    def start(self) -> None:
        self._thread = threading.Thread(target=self._run, daemon=True)
        self._thread.start()

    def stop(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()

    def _post(self, http: httpx.Client, camera: str, read: ReadPayload) -> None:
        envelope = build_envelope(camera_id=camera, private_key=private_key_from_raw(
            self.keys[camera]), reads=[read], sent_at=datetime.now(UTC),
            nonce=secrets.token_hex(16))
        http.post("/api/v1/ingest/read", json=envelope).raise_for_status()

    def _run(self) -> None:
        with httpx.Client(base_url=self.url, timeout=30) as http:
            n = 0
            while not self._stop.wait(self.interval_s if n else 0):
                tag = f"{(self.level * 250 + n) % 1000:03d}"  # unique: no repeats
                now = datetime.now(UTC)
                hit = ReadPayload(read_id=f"hit{self.level}-{n}", captured_at=now,
                                  plate=f"01H{tag}XZ", confidence=0.9)
                self.sent_hit[f"{HIT_CAMERA}:{hit.read_id}"] = time.time()
                self._post(http, HIT_CAMERA, hit)
                plate = f"01S{tag}X{'ABCDEFGHJ'[self.level % 9]}"
                t0 = now - timedelta(seconds=60)
                self._post(http, "sec-in", ReadPayload(read_id=f"in{self.level}-{n}",
                                                       captured_at=t0, plate=plate,
                                                       confidence=0.9))
                self.sent_exit[plate] = time.time()
                self._post(http, "sec-out", ReadPayload(
                    read_id=f"out{self.level}-{n}", captured_at=t0 + timedelta(seconds=50),
                    plate=plate, confidence=0.9))
                n += 1


def latencies(engine: Engine, probe: Probe) -> dict[str, dict[str, float | int]]:
    """p50/p99/max (ms) of read-to-alert and read-to-violation, and how many arrived."""
    with engine.connect() as db:
        alerts = dict(db.exec_driver_sql("SELECT read_pk, min(created_us) FROM alerts "
                                         "GROUP BY read_pk").all())
        violations = dict(db.exec_driver_sql("SELECT plate, min(created_us) FROM violations "
                                             "GROUP BY plate").all())
    out = {}
    for name, sent, found in (("read_to_alert", probe.sent_hit, alerts),
                              ("read_to_violation", probe.sent_exit, violations)):
        values = sorted((found[k] / 1e6 - t) * 1000 for k, t in sent.items() if k in found)
        out[name] = {"sent": len(sent), "found": len(values)}
        if values:
            out[name] |= {"p50_ms": round(statistics.median(values), 1),
                          "p99_ms": round(values[min(len(values) - 1,
                                                     int(0.99 * len(values)))], 1),
                          "max_ms": round(values[-1], 1)}
    return out
