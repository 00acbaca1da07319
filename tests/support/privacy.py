"""A movable clock and signed ingest straight into a container, for retention tests."""

from __future__ import annotations

import json
import secrets
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from platewarden.adapters.crypto import Argon2PasswordHasher
from platewarden.api.routes.ingest import parse_envelope
from platewarden.bootstrap import Container, bootstrap
from platewarden.camera.keys import private_key_from_raw
from platewarden.camera.payloads import build_envelope
from support.factories import make_read, make_settings, register_camera

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


class Clock:
    """A clock tests move by hand."""

    def __init__(self, start: datetime = T0) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> datetime:
        self.now += timedelta(**delta)
        return self.now


def clocked_container(data_dir: Path, clock: Clock, **overrides: Any) -> Container:
    """A started container on ``clock``; retention never runs by itself."""
    container = bootstrap(make_settings(data_dir, **overrides), clock=clock,
                          hasher=Argon2PasswordHasher(fast_for_tests=True))
    container.start()
    return container


class Camera:
    """A registered camera that sends signed reads captured at the clock's time."""

    def __init__(self, container: Container, clock: Clock, **camera: Any) -> None:
        self.container = container
        self.clock = clock
        self.id, key = register_camera(container, **camera)
        self._key = private_key_from_raw(key)

    def send(self, *plates: str, **fields: Any) -> list[str]:
        """Send one read per plate, captured now; returns their platform ids."""
        reads = [make_read(plate=plate, captured_at=self.clock.now, **fields)
                 for plate in plates]
        envelope = build_envelope(camera_id=self.id, private_key=self._key, reads=reads,
                                  sent_at=self.clock.now, nonce=secrets.token_hex(16))
        outcomes = self.container.ingest.submit(parse_envelope(json.dumps(envelope).encode()))
        assert all(o.status == "accepted" for o in outcomes), outcomes
        self.container.bus.wait_idle()
        return [f"{self.id}:{read.read_id}" for read in reads]
