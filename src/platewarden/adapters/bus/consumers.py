"""Consumers of the JetStream log: the writer, rule and alert workers, and the live overview.

A batch is acknowledged only after its handler returned, so a worker killed mid-batch has
its messages redelivered (after ``ack_wait_s``) to whichever worker binds the consumer next.
Every handler is idempotent (reads keyed by id, violations and alerts by deterministic ids,
evaluation marks reads evaluated in its own transaction), so redelivery adds nothing twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Sequence

import nats.errors
from nats.aio.msg import Msg
from nats.js.api import DeliverPolicy

from platewarden.adapters.bus import codec
from platewarden.adapters.bus.jetstream import ALERTS, WRITER, JetStreamBus, rules_consumer
from platewarden.domain.messages import AlertRaised, Event, ReadRecorded, ViolationDetected

log = logging.getLogger(__name__)
Handler = Callable[[list[Event]], None]
_RETRY_DELAY_S = 2.0


async def _consume(bus: JetStreamBus, *, durable: str, handler: Handler, batch: int) -> None:
    subscription = await bus.js.pull_subscribe_bind(durable=durable, stream=bus.config.stream)
    while True:
        try:
            messages = await subscription.fetch(batch, timeout=1.0)
        except (nats.errors.TimeoutError, TimeoutError):
            continue
        except Exception:  # a lost connection: nats-py reconnects; try again shortly
            log.exception("fetch from %s failed", durable)
            await asyncio.sleep(_RETRY_DELAY_S)
            continue
        events, good = [], []
        for message in messages:
            try:
                events.append(codec.decode(message.data))
                good.append(message)
            except codec.UndecodableMessage:
                # Redelivering a message nobody can read would block the partition forever.
                log.error("dropping an undecodable message on %s", message.subject)
                await message.term()
        try:
            await asyncio.to_thread(handler, events)
        except Exception:
            log.exception("%s failed on a batch of %d; it will be redelivered", durable,
                          len(events))
            for message in good:
                await message.nak(delay=_RETRY_DELAY_S)
            continue
        for message in good:
            await message.ack()


def run_consumer(bus: JetStreamBus, *, durable: str, handler: Handler, batch: int) -> None:
    """Consume ``durable`` on the bus's loop until the bus stops."""
    async def spawn() -> None:
        task = asyncio.get_running_loop().create_task(
            _consume(bus, durable=durable, handler=handler, batch=batch), name=durable)
        bus.track(task)
    bus.call(spawn())


def start_writer(bus: JetStreamBus, *, store: Callable[[list[ReadRecorded]], Sequence[Event]]
                 ) -> None:
    """The writer: store recorded reads, then announce them to the rule partitions."""
    def handle(events: list[Event]) -> None:
        bus.publish(store([e for e in events if isinstance(e, ReadRecorded)]))
    run_consumer(bus, durable=WRITER, handler=handle, batch=bus.config.writer_batch_reads)


def start_rules(bus: JetStreamBus, *, evaluate: Handler, partitions: Sequence[int]) -> None:
    """Rule workers for ``partitions``: each partition is one ordered stream of plates."""
    for partition in partitions:
        run_consumer(bus, durable=rules_consumer(partition), handler=evaluate,
                     batch=bus.config.rules_batch_reads)


def start_alerts(bus: JetStreamBus, *, notify: Handler) -> None:
    """The alert worker: hand every raised alert to ``notify``."""
    run_consumer(bus, durable=ALERTS, handler=notify, batch=100)


def start_live(bus: JetStreamBus, *, on_events: Handler) -> None:
    """Feed the console's live overview in this process: reads, violations and alerts.

    Unlike the workers it keeps nothing: ordered consumers (ephemeral, acknowledging
    nothing, from the newest message on) hold no message back in the interest-retention
    stream, and a web process that stops or falls behind only loses its own overview.
    """
    prefix = bus.prefix
    subjects = (f"{prefix}.read.*", f"{prefix}.event.{ViolationDetected.__name__}",
                f"{prefix}.event.{AlertRaised.__name__}")

    async def deliver(message: Msg) -> None:
        try:
            event = codec.decode(message.data)
        except codec.UndecodableMessage:
            return
        on_events([event])

    async def subscribe() -> None:
        for subject in subjects:
            await bus.js.subscribe(subject, stream=bus.config.stream, cb=deliver,
                                   ordered_consumer=True, deliver_policy=DeliverPolicy.NEW)
    bus.call(subscribe())
