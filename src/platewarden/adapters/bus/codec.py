"""Events as JSON bytes on the wire of an external event log, and back.

Explicit, versioned field lists rather than pickle: the log outlives the code that wrote it,
and a message must never be able to run code in the process that reads it.
"""

from __future__ import annotations

import dataclasses
import json
import typing
from datetime import datetime
from typing import Any

from platewarden.domain import messages
from platewarden.domain.messages import Event, ReadRecorded
from platewarden.domain.reads import (
    Alternative,
    ClockSync,
    ImageRef,
    PlateRead,
    SignalPhase,
    SpeedMethod,
)

_FLAT_EVENTS: dict[str, type[Event]] = {
    cls.__name__: cls for cls in (
        messages.ReadAccepted, messages.ReadStored, messages.ViolationDetected,
        messages.ViolationWithdrawn, messages.AlertRaised, messages.CameraRegistered,
        messages.CameraDisabled)}


class UndecodableMessage(ValueError):
    """A message on the log is not an event this build understands."""


def _read_to_json(read: PlateRead) -> dict[str, Any]:
    row = {f.name: getattr(read, f.name) for f in dataclasses.fields(read)}
    row["captured_at"] = read.captured_at.isoformat()
    row["alternatives"] = [[a.text, a.confidence] for a in read.alternatives]
    row["images"] = [[i.role, i.sha256, i.content_type, i.size_bytes] for i in read.images]
    return row


def _read_from_json(row: dict[str, Any]) -> PlateRead:
    optional_enums = {"speed_method": SpeedMethod, "signal_phase": SignalPhase}
    values = dict(row)
    values["captured_at"] = datetime.fromisoformat(row["captured_at"])
    values["clock_sync"] = ClockSync(row["clock_sync"])
    for name, enum in optional_enums.items():
        values[name] = enum(row[name]) if row.get(name) is not None else None
    values["alternatives"] = tuple(Alternative(text=t, confidence=c)
                                   for t, c in row["alternatives"])
    values["images"] = tuple(ImageRef(role=r, sha256=h, content_type=c, size_bytes=s)
                             for r, h, c, s in row["images"])
    return PlateRead(**values)


def encode(event: Event) -> bytes:
    """The wire form of ``event``: compact JSON with its type name."""
    if isinstance(event, ReadRecorded):
        body: dict[str, Any] = {"read": _read_to_json(event.read),
                                "payload_sha256": event.payload_sha256,
                                "received_at": event.received_at.isoformat(),
                                "envelope_sha256": event.envelope_sha256,
                                "camera_signature": event.camera_signature.hex()}
    elif type(event).__name__ in _FLAT_EVENTS:
        body = {}
        for f in dataclasses.fields(event):  # type: ignore[arg-type]
            value = getattr(event, f.name)
            body[f.name] = value.isoformat() if isinstance(value, datetime) else value
    else:
        raise TypeError(f"{type(event).__name__} has no wire form")
    # "event", not "type": ViolationDetected has a field of that name.
    return json.dumps({"event": type(event).__name__, "v": 1, **body},
                      separators=(",", ":")).encode()


def decode(data: bytes) -> Event:
    """The event ``data`` encodes.

    Raises:
        UndecodableMessage: If it is not JSON, names an unknown type or lacks a field.
    """
    try:
        row = json.loads(data)
        name = row.pop("event")
        row.pop("v", None)
        if name == "ReadRecorded":
            return ReadRecorded(read=_read_from_json(row["read"]),
                                payload_sha256=row["payload_sha256"],
                                received_at=datetime.fromisoformat(row["received_at"]),
                                envelope_sha256=row.get("envelope_sha256", ""),
                                camera_signature=bytes.fromhex(
                                    row.get("camera_signature", "")))
        cls = _FLAT_EVENTS[name]
        hints = typing.get_type_hints(cls)
        values = {k: datetime.fromisoformat(v) if hints.get(k) is datetime else v
                  for k, v in row.items()}
        return cls(**values)
    except (ValueError, KeyError, TypeError, AttributeError) as exc:
        raise UndecodableMessage(f"not a known event: {exc}") from exc
