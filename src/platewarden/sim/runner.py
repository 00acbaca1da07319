"""Replay a scenario against a server through real signing camera clients.

Reads go out in capture-time order. Each camera batches its reads as a real one would:
a batch leaves when it is full or when its oldest read is ``max_batch_delay_s`` of scenario
time older than the read being handled, so batches from different cameras interleave
roughly in time order. ``sent_at`` is the real time of sending; ``captured_at`` comes from
the scenario and may lie in the past.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta

import httpx

from platewarden.camera.client import CameraClient, IngestRejected, IngestUnavailable
from platewarden.camera.payloads import MAX_BATCH_READS, ReadPayload
from platewarden.sim.images import with_evidence
from platewarden.sim.traffic import Scenario

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True, kw_only=True)
class SimProgress:
    """Progress so far, reported after every batch."""

    sent: int
    total: int
    accepted: int
    duplicates: int
    rejected: int
    elapsed_s: float


@dataclass(frozen=True, slots=True, kw_only=True)
class SimReport:
    """What a run did.

    Attributes:
        sent: Reads sent (each counted once, however often it was retried).
        accepted: Reads the server stored now.
        duplicates: Reads the server already had.
        rejected: Reads refused, by the contract's error code.
        unavailable: Reads given up on after the server stayed unreachable.
        batches: Requests that got an answer.
        seconds: Wall time of the run.
    """

    sent: int
    accepted: int
    duplicates: int
    rejected: dict[str, int] = field(default_factory=dict)
    unavailable: int = 0
    batches: int = 0
    seconds: float = 0.0

    @property
    def reads_per_s(self) -> float:
        """Throughput of the run."""
        return self.sent / self.seconds if self.seconds > 0 else 0.0


@dataclass(slots=True)
class _Tally:
    total: int
    started: float
    sent: int = 0
    accepted: int = 0
    duplicates: int = 0
    rejected: dict[str, int] = field(default_factory=dict)
    unavailable: int = 0
    batches: int = 0

    def progress(self) -> SimProgress:
        return SimProgress(sent=self.sent, total=self.total, accepted=self.accepted,
                           duplicates=self.duplicates, rejected=sum(self.rejected.values()),
                           elapsed_s=time.monotonic() - self.started)


@dataclass(frozen=True, slots=True, kw_only=True)
class _Options:
    retries: int
    retry_delay_s: float
    rate_per_s: float | None
    sleep: Callable[[float], None]


def _send(client: CameraClient, reads: list[ReadPayload], tally: _Tally,
          options: _Options) -> None:
    for attempt in range(options.retries + 1):
        try:
            result = client.send_reads(reads)
        except IngestRejected as exc:
            tally.rejected[exc.code] = tally.rejected.get(exc.code, 0) + len(reads)
            log.warning("camera %s: %d reads rejected: %s", client.camera_id, len(reads),
                        exc.code)
            tally.batches += 1
            break
        except IngestUnavailable as exc:
            if attempt == options.retries:
                tally.unavailable += len(reads)
                log.warning("camera %s: giving up on %d reads: %s", client.camera_id,
                            len(reads), exc)
                break
            options.sleep(options.retry_delay_s * 2 ** attempt)
        else:
            tally.accepted += len(result.accepted)
            tally.duplicates += len(result.duplicates)
            tally.batches += 1
            break
    tally.sent += len(reads)
    if options.rate_per_s:
        # Pace the run: never ahead of rate_per_s reads per second on average.
        ahead = tally.sent / options.rate_per_s - (time.monotonic() - tally.started)
        if ahead > 0:
            options.sleep(ahead)


def run_simulation(*, base_url: str, keys: Mapping[str, bytes], scenario: Scenario,
                   batch_size: int = 50, rate_per_s: float | None = None,
                   progress: Callable[[SimProgress], None] | None = None,
                   with_images: bool = True, max_batch_delay_s: float = 60.0,
                   timeout_s: float = 10.0, retries: int = 3, retry_delay_s: float = 0.5,
                   transport: httpx.BaseTransport | None = None,
                   sleep: Callable[[float], None] = time.sleep) -> SimReport:
    """Send every read of ``scenario`` and report what the server answered.

    Args:
        base_url: Server root, e.g. ``http://127.0.0.1:8000``.
        keys: Raw private key of every camera in the scenario.
        scenario: From ``generate_scenario``.
        batch_size: Reads per request (1 uses the single-read endpoint; at most 500).
        rate_per_s: Limit on reads per second, or ``None`` to send as fast as possible.
        progress: Called after every batch.
        with_images: Attach a plate crop and an overview JPEG to every read.
        max_batch_delay_s: Scenario seconds a read may wait for its batch to fill.
        timeout_s: HTTP timeout per request.
        retries: Retries of a batch while the server is unavailable (then counted).
        retry_delay_s: First retry delay; doubles each retry.
        transport: httpx transport for every camera client (tests).
        sleep: Sleep function (tests).

    Raises:
        ValueError: If a camera of the scenario has no key, or ``batch_size`` is out of range.
    """
    if not 1 <= batch_size <= MAX_BATCH_READS:
        raise ValueError(f"batch_size must be 1..{MAX_BATCH_READS}")
    missing = sorted({r.camera_id for r in scenario.reads} - set(keys))
    if missing:
        raise ValueError(f"no key for cameras: {', '.join(missing)}")
    options = _Options(retries=retries, retry_delay_s=retry_delay_s, rate_per_s=rate_per_s,
                       sleep=sleep)
    tally = _Tally(total=len(scenario.reads), started=time.monotonic())
    clients = {camera_id: CameraClient(base_url=base_url, camera_id=camera_id,
                                       private_key=key, timeout_s=timeout_s, transport=transport)
               for camera_id, key in keys.items()}
    pending: dict[str, list[ReadPayload]] = {}
    delay = timedelta(seconds=max_batch_delay_s)

    def flush(camera_id: str) -> None:
        _send(clients[camera_id], pending.pop(camera_id), tally, options)
        if progress is not None:
            progress(tally.progress())

    try:
        for read in scenario.reads:
            now = read.payload.captured_at
            for camera_id in [c for c, batch in pending.items()
                              if now - batch[0].captured_at > delay]:
                flush(camera_id)
            payload = read.payload
            if with_images:
                payload = with_evidence(payload, camera_id=read.camera_id, seed=scenario.seed)
            pending.setdefault(read.camera_id, []).append(payload)
            if len(pending[read.camera_id]) >= batch_size:
                flush(read.camera_id)
        for camera_id in sorted(pending, key=lambda c: pending[c][0].captured_at):
            flush(camera_id)
    finally:
        for client in clients.values():
            client.close()
    return SimReport(sent=tally.sent, accepted=tally.accepted, duplicates=tally.duplicates,
                     rejected=dict(tally.rejected), unavailable=tally.unavailable,
                     batches=tally.batches, seconds=time.monotonic() - tally.started)
