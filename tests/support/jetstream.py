"""A JetStream stream of the test's own on the machine's NATS server, deleted afterwards."""

from __future__ import annotations

import asyncio
import contextlib
import secrets

import nats

from platewarden.adapters.bus.registry import NatsBusConfig
from support.services import need_service

NATS_URL = "nats://127.0.0.1:4222"


def own_stream_config(**overrides: object) -> NatsBusConfig:
    """A bus config whose stream, subjects and nonce bucket no one else uses."""
    need_service("NATS", "127.0.0.1", 4222)
    suffix = secrets.token_hex(4)
    values: dict[str, object] = {"type": "nats", "url": NATS_URL,
                                 "stream": f"PWTEST_{suffix}",
                                 "subject_prefix": f"pwtest-{suffix}", "partitions": 4}
    values.update(overrides)
    return NatsBusConfig.model_validate(values)


def delete_stream(config: NatsBusConfig) -> None:
    """Delete the stream and nonce bucket of ``config`` (missing ones are fine)."""
    async def delete() -> None:
        nc = await nats.connect(config.url)
        js = nc.jetstream()
        for name in (config.stream, f"KV_{config.stream}_nonces"):
            with contextlib.suppress(nats.js.errors.NotFoundError):
                await js.delete_stream(name)
        await nc.close()
    asyncio.run(delete())


def stream_messages(config: NatsBusConfig) -> int:
    """How many messages the stream still holds."""
    async def count() -> int:
        nc = await nats.connect(config.url)
        info = await nc.jetstream().stream_info(config.stream)
        await nc.close()
        return info.state.messages
    return asyncio.run(count())
