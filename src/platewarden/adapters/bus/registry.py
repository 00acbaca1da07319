"""Build the configured event bus; the ``type`` field picks the implementation."""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field


class InProcessBusConfig(BaseModel):
    """The embedded default: events on a thread of the one server process."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["inprocess"] = "inprocess"


class NatsBusConfig(BaseModel):
    """NATS JetStream as the event log: ingest, writer, rule and alert workers in processes.

    ``url`` may carry credentials (``nats://user:password@host:4222``); keep it in the
    environment (``PLATEWARDEN_BUS__URL``), not in the file.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["nats"]
    url: str = "nats://127.0.0.1:4222"
    stream: Annotated[str, Field(pattern=r"^[A-Za-z0-9_-]{1,64}$")] = "PLATEWARDEN"
    subject_prefix: Annotated[str, Field(pattern=r"^[a-z0-9_-]{1,32}$")] = "platewarden"
    # Reads of one plate always go to one partition; rule workers share the partitions.
    partitions: Annotated[int, Field(ge=1, le=1024)] = 16
    # JetStream drops a second publish of one read id within this window.
    duplicate_window_s: Annotated[float, Field(ge=1, le=86_400)] = 300.0
    # Unacknowledged messages are redelivered after this long (a worker died mid-batch).
    ack_wait_s: Annotated[float, Field(ge=1, le=3600)] = 30.0
    publish_timeout_s: Annotated[float, Field(gt=0, le=60)] = 5.0
    writer_batch_reads: Annotated[int, Field(ge=1, le=10_000)] = 1000
    rules_batch_reads: Annotated[int, Field(ge=1, le=10_000)] = 500
    max_stream_bytes: Annotated[int, Field(ge=1024 * 1024)] = 8 * 1024**3


BusConfig = Annotated[InProcessBusConfig | NatsBusConfig, Field(discriminator="type")]
