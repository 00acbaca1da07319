"""The in-memory fake of the external read log (JetStream), for service unit tests."""

from __future__ import annotations

import threading
from collections.abc import Sequence

from platewarden.domain.messages import ReadRecorded


class MemoryReadLog:
    """Keeps records in order, drops a second record of one read id, claims nonces once."""

    def __init__(self) -> None:
        self.records: list[ReadRecorded] = []
        self._ids: set[str] = set()
        self._nonces: dict[tuple[str, str], str] = {}
        self._lock = threading.Lock()

    def claim_nonce(self, *, camera_id: str, nonce: str, envelope_sha256: str) -> str | None:
        """``None`` if claimed now, else the digest that claimed it first."""
        with self._lock:
            held = self._nonces.get((camera_id, nonce))
            if held is None:
                self._nonces[(camera_id, nonce)] = envelope_sha256
            return held

    def append(self, records: Sequence[ReadRecorded]) -> list[bool]:
        """Append; ``False`` for a read id the log already holds."""
        with self._lock:
            added = []
            for record in records:
                new = record.read.id not in self._ids
                if new:
                    self._ids.add(record.read.id)
                    self.records.append(record)
                added.append(new)
            return added
