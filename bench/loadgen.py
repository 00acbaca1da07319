"""A minimal keep-alive HTTP/1.1 load generator: pre-built requests, asyncio sockets.

Python HTTP clients cost more CPU per request than the server under test, on a 2-core
machine that would measure the client. This one writes pre-serialised requests and parses
only the status line and Content-Length of each answer.
"""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass(slots=True)
class LoadResult:
    """Latencies (seconds) and statuses of a run."""

    latencies: list[float] = field(default_factory=list)
    statuses: dict[int, int] = field(default_factory=dict)
    seconds: float = 0.0

    def percentile(self, q: float) -> float:
        """The ``q`` quantile of the latencies, in milliseconds."""
        if not self.latencies:
            return float("nan")
        ordered = sorted(self.latencies)
        index = min(len(ordered) - 1, max(0, round(q * (len(ordered) - 1))))
        return ordered[index] * 1000

    @property
    def rate(self) -> float:
        """Requests per second."""
        return len(self.latencies) / self.seconds if self.seconds else 0.0

    @property
    def mean_ms(self) -> float:
        """Mean latency in milliseconds."""
        return statistics.fmean(self.latencies) * 1000 if self.latencies else float("nan")


def build_request(*, method: str, path: str, body: bytes = b"", host: str = "127.0.0.1",
                  headers: dict[str, str] | None = None) -> bytes:
    """A serialised HTTP/1.1 request with keep-alive."""
    lines = [f"{method} {path} HTTP/1.1", f"Host: {host}", "Connection: keep-alive"]
    if body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(body)}"]
    lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + body


async def _read_response(reader: asyncio.StreamReader) -> int:
    status_line = await reader.readline()
    status = int(status_line.split()[1])
    length = 0
    while (line := await reader.readline()) not in (b"\r\n", b""):
        name, _, value = line.decode("latin-1").partition(":")
        if name.lower() == "content-length":
            length = int(value.strip())
    if length:
        await reader.readexactly(length)
    return status


async def _worker(host: str, port: int, requests: asyncio.Queue[bytes],
                  result: LoadResult) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    try:
        while True:
            try:
                request = requests.get_nowait()
            except asyncio.QueueEmpty:
                return
            started = time.perf_counter()
            writer.write(request)
            await writer.drain()
            status = await _read_response(reader)
            result.latencies.append(time.perf_counter() - started)
            result.statuses[status] = result.statuses.get(status, 0) + 1
    finally:
        writer.close()


async def _run(host: str, port: int, requests: Sequence[bytes], concurrency: int) -> LoadResult:
    queue: asyncio.Queue[bytes] = asyncio.Queue()
    for request in requests:
        queue.put_nowait(request)
    result = LoadResult()
    started = time.perf_counter()
    await asyncio.gather(*(_worker(host, port, queue, result) for _ in range(concurrency)))
    result.seconds = time.perf_counter() - started
    return result


def run_load(*, host: str, port: int, requests: Sequence[bytes],
             concurrency: int) -> LoadResult:
    """Send every request over ``concurrency`` keep-alive connections as fast as answered."""
    return asyncio.run(_run(host, port, requests, concurrency))


async def _paced(host: str, port: int, requests: Sequence[bytes], rate_per_s: float,
                 connections: int) -> LoadResult:
    pool: asyncio.Queue[tuple[asyncio.StreamReader, asyncio.StreamWriter]] = asyncio.Queue()
    for _ in range(connections):
        pool.put_nowait(await asyncio.open_connection(host, port))
    result = LoadResult()

    async def one(request: bytes, due: float) -> None:
        reader, writer = await pool.get()
        try:
            writer.write(request)
            await writer.drain()
            status = await _read_response(reader)
        finally:
            pool.put_nowait((reader, writer))
        # From when it was due, not when a connection was free: no coordinated omission.
        result.latencies.append(time.perf_counter() - due)
        result.statuses[status] = result.statuses.get(status, 0) + 1

    started = time.perf_counter()
    tasks = []
    for n, request in enumerate(requests):
        due = started + n / rate_per_s
        delay = due - time.perf_counter()
        if delay > 0:
            await asyncio.sleep(delay)
        tasks.append(asyncio.create_task(one(request, due)))
    await asyncio.gather(*tasks)
    result.seconds = time.perf_counter() - started
    while not pool.empty():
        pool.get_nowait()[1].close()
    return result


def run_paced(*, host: str, port: int, requests: Sequence[bytes], rate_per_s: float,
              connections: int = 64) -> LoadResult:
    """Offer ``requests`` at a fixed rate (open loop) over a pool of keep-alive connections.

    Latency runs from each request's due time, so a server that falls behind shows it in the
    percentiles instead of slowing the offered load down.
    """
    return asyncio.run(_paced(host, port, requests, rate_per_s, connections))
