"""NATS JetStream as the event log, used from Platewarden's synchronous services.

nats-py is asyncio; the services run on HTTP worker threads. One connection therefore lives
on a private event-loop thread and the synchronous methods hand coroutines to it, so many
threads' publishes are pipelined on one connection.

Topology (one stream, ``<prefix>.>``, interest retention: a message goes once every consumer
that wants it has acknowledged it):

- ``<prefix>.read.<partition>``: ``ReadRecorded``, id = the read id (JetStream drops a second
  publish of one read within the duplicate window). Durable consumer ``writer``.
- ``<prefix>.stored.<partition>``: ``ReadStored``, published by the writer after its commit.
  One durable consumer per partition, ``rules-<nnn>``: all reads of one plate reach one
  rule worker, in order.
- ``<prefix>.event.<EventType>``: what the rules found. Durable consumer ``alerts`` on
  ``AlertRaised``.
- A key-value bucket ``<stream>_nonces`` holds each camera nonce for twice the clock skew.
"""

from __future__ import annotations

import asyncio
import hashlib
import logging
import threading
import time
from collections.abc import Coroutine, Iterable, Sequence
from typing import Any, TypeVar

import nats
from nats.aio.client import Client
from nats.js import JetStreamContext
from nats.js.api import (
    AckPolicy,
    ConsumerConfig,
    DiscardPolicy,
    KeyValueConfig,
    RetentionPolicy,
    StorageType,
    StreamConfig,
)
from nats.js.errors import KeyWrongLastSequenceError
from nats.js.kv import KeyValue

from platewarden.adapters.bus import codec
from platewarden.adapters.bus.registry import NatsBusConfig
from platewarden.domain.messages import AlertRaised, Event, ReadRecorded, ReadStored
from platewarden.domain.partitioning import partition_of

log = logging.getLogger(__name__)
T = TypeVar("T")
WRITER = "writer"
ALERTS = "alerts"


def rules_consumer(partition: int) -> str:
    """The durable consumer name of one partition's rule worker."""
    return f"rules-{partition:03d}"


def _message_id(event: Event) -> str | None:
    """The de-duplication id: a redelivered batch that publishes again adds nothing."""
    for name in ("violation_id", "alert_id"):
        value = getattr(event, name, None)
        if isinstance(value, str):
            return f"{type(event).__name__}:{value}"
    return None


class JetStreamBus:
    """The event publisher, read log and consumer host for one process."""

    def __init__(self, config: NatsBusConfig, *, nonce_ttl_s: float) -> None:
        self.config = config
        self._nonce_ttl_s = nonce_ttl_s
        self._loop = asyncio.new_event_loop()  # replaced by a fresh one at each start
        self._loop.close()
        self._thread: threading.Thread | None = None
        self._nc: Client | None = None
        self._js: JetStreamContext | None = None
        self._kv: KeyValue | None = None
        self._tasks: list[asyncio.Task[None]] = []
        self._lifecycle = threading.Lock()
        self.prefix = config.subject_prefix

    # -- life cycle ------------------------------------------------------------------------

    def start(self) -> None:
        """Connect and make sure the stream, bucket and consumers exist (idempotent)."""
        with self._lifecycle:
            if self._thread is not None:
                return
            self._loop = asyncio.new_event_loop()
            thread = threading.Thread(target=self._loop.run_forever, name="jetstream",
                                      daemon=True)
            thread.start()
            asyncio.run_coroutine_threadsafe(self._connect(), self._loop).result()
            self._thread = thread

    def stop(self) -> None:
        """Stop the consumers, flush and close the connection."""
        with self._lifecycle:
            if self._thread is None:
                return
            asyncio.run_coroutine_threadsafe(self._close(), self._loop).result()
            self._loop.call_soon_threadsafe(self._loop.stop)
            self._thread.join(timeout=10)
            self._thread = None
            self._loop.close()

    def call(self, coro: Coroutine[Any, Any, T], *, timeout_s: float | None = None) -> T:
        """Run ``coro`` on the connection's loop and wait for its result.

        Connects first if needed: CLI commands publish (a camera registered) without
        starting any worker.
        """
        if self._thread is None:
            self.start()
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        return future.result(timeout=timeout_s)

    def track(self, task: asyncio.Task[None]) -> None:
        """Keep a consumer task, to cancel it on ``stop``."""
        self._tasks.append(task)

    @property
    def js(self) -> JetStreamContext:
        """The JetStream context (after ``start``)."""
        if self._js is None:
            raise RuntimeError("the JetStream bus is not started")
        return self._js

    async def _connect(self) -> None:
        self._nc = await nats.connect(self.config.url, name="platewarden",
                                      max_reconnect_attempts=-1)
        self._js = self._nc.jetstream(timeout=self.config.publish_timeout_s)
        await self._ensure_topology()

    async def _ensure_topology(self) -> None:
        cfg, js = self.config, self.js
        await js.add_stream(StreamConfig(
            name=cfg.stream, subjects=[f"{self.prefix}.>"], retention=RetentionPolicy.INTEREST,
            storage=StorageType.FILE, duplicate_window=cfg.duplicate_window_s,
            max_bytes=cfg.max_stream_bytes, discard=DiscardPolicy.NEW))
        # Consumers exist before anything is published: with interest retention a message
        # nobody is interested in yet would be dropped.
        wanted = {WRITER: f"{self.prefix}.read.*",
                  ALERTS: f"{self.prefix}.event.{AlertRaised.__name__}"}
        wanted |= {rules_consumer(p): f"{self.prefix}.stored.{p}"
                   for p in range(cfg.partitions)}
        for durable, subject in wanted.items():
            await js.add_consumer(cfg.stream, ConsumerConfig(
                durable_name=durable, filter_subject=subject, ack_policy=AckPolicy.EXPLICIT,
                ack_wait=cfg.ack_wait_s, max_ack_pending=20_000))
        self._kv = await js.create_key_value(KeyValueConfig(
            bucket=f"{cfg.stream}_nonces", ttl=self._nonce_ttl_s, history=1))

    async def _close(self) -> None:
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks.clear()
        if self._nc is not None and not self._nc.is_closed:
            # Not drain(): every publish was already acknowledged, and what a consumer had
            # not acknowledged is redelivered to the next worker anyway.
            await self._nc.close()

    def backlog(self) -> int:
        """Messages the workers have not acknowledged yet, over every consumer."""
        async def count() -> int:
            names = [WRITER, ALERTS, *(rules_consumer(p)
                                       for p in range(self.config.partitions))]
            total = 0
            for name in names:
                info = await self.js.consumer_info(self.config.stream, name)
                total += (info.num_pending or 0) + (info.num_ack_pending or 0)
            return total
        return self.call(count())

    def wait_idle(self, timeout_s: float = 30.0) -> bool:
        """Block until the workers acknowledged everything published (tests, the CLI)."""
        deadline = time.monotonic() + timeout_s
        while time.monotonic() < deadline:
            if self.backlog() == 0:
                return True
            time.sleep(0.05)
        return False

    # -- publishing ------------------------------------------------------------------------

    def subject_for(self, event: Event) -> str:
        """Where ``event`` goes: reads by plate partition, other events by type."""
        partitions = self.config.partitions
        if isinstance(event, ReadRecorded):
            return f"{self.prefix}.read.{partition_of(event.read.plate_key, partitions=partitions)}"
        if isinstance(event, ReadStored):
            return f"{self.prefix}.stored.{partition_of(event.plate_key, partitions=partitions)}"
        return f"{self.prefix}.event.{type(event).__name__}"

    def publish(self, events: Iterable[Event]) -> None:
        """Store ``events`` in the stream; returns once JetStream acknowledged all of them."""
        batch = list(events)
        if batch:
            self.call(self._publish_all([(e, _message_id(e)) for e in batch]))

    def append(self, records: Sequence[ReadRecorded]) -> list[bool]:
        """Store reads in the log; ``False`` where the log already held that read id."""
        if not records:
            return []
        return self.call(self._publish_all([(r, r.read.id) for r in records]))

    async def _publish_all(self, items: list[tuple[Event, str | None]]) -> list[bool]:
        futures = []
        for event, msg_id in items:
            headers = {"Nats-Msg-Id": msg_id} if msg_id is not None else None
            futures.append(await self.js.publish_async(
                self.subject_for(event), codec.encode(event), headers=headers,
                stream=self.config.stream))
        acks = await asyncio.wait_for(asyncio.gather(*futures),
                                      timeout=self.config.publish_timeout_s)
        return [not ack.duplicate for ack in acks]

    def claim_nonce(self, *, camera_id: str, nonce: str, envelope_sha256: str) -> str | None:
        """Claim the nonce in the bucket; the envelope digest that holds it if taken."""
        return self.call(self._claim(camera_id, nonce, envelope_sha256))

    async def _claim(self, camera_id: str, nonce: str, envelope_sha256: str) -> str | None:
        assert self._kv is not None
        # Hashed: camera ids and nonces may hold characters a key may not.
        key = hashlib.sha256(f"{camera_id}\x00{nonce}".encode()).hexdigest()
        try:
            await self._kv.create(key, envelope_sha256.encode())
            return None
        except KeyWrongLastSequenceError:
            entry = await self._kv.get(key)
            return entry.value.decode() if entry.value is not None else ""
