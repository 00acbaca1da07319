"""In-memory ``EvidenceStore`` for service unit tests: same semantics, no disk, no crypto."""

from __future__ import annotations

import threading
from collections.abc import Iterable, Iterator

from platewarden.adapters.evidence.common import UploadMeter, normalize_sha256
from platewarden.services.ports import EvidenceNotFound, StoredObject


class FakeEvidenceStore:
    """Keeps objects in a dict; counts ``sync`` calls so tests can assert batching."""

    def __init__(self, *, chunk_size: int = 64 * 1024) -> None:
        self._objects: dict[str, bytes] = {}
        self._lock = threading.Lock()
        self._chunk_size = chunk_size
        self.sync_calls = 0
        self.unsynced: set[str] = set()

    def put(self, data: bytes, *, expected_sha256: str | None = None) -> StoredObject:
        """Store ``data``; see ``EvidenceStore.put``."""
        meter = UploadMeter(expected_sha256=expected_sha256, max_bytes=None)
        meter.feed(data)
        return self._store(meter.finish(), bytes(data))

    def put_stream(self, chunks: Iterable[bytes], *, expected_sha256: str | None = None,
                   max_bytes: int | None = None) -> StoredObject:
        """Store the concatenated ``chunks``; see ``EvidenceStore.put_stream``."""
        meter = UploadMeter(expected_sha256=expected_sha256, max_bytes=max_bytes)
        parts = []
        for chunk in chunks:
            meter.feed(chunk)
            parts.append(bytes(chunk))
        return self._store(meter.finish(), b"".join(parts))

    def get(self, sha256: str) -> bytes:
        """The stored object."""
        sha256 = normalize_sha256(sha256)
        with self._lock:
            try:
                return self._objects[sha256]
            except KeyError:
                raise EvidenceNotFound(sha256) from None

    def open(self, sha256: str) -> Iterator[bytes]:
        """The object in chunks; ``EvidenceNotFound`` raises at once, as in the real store."""
        data = self.get(sha256)
        size = self._chunk_size
        return iter([data[i:i + size] for i in range(0, len(data), size)] or [b""])

    def exists(self, sha256: str) -> bool:
        """Whether an object is stored under ``sha256``."""
        sha256 = normalize_sha256(sha256)
        with self._lock:
            return sha256 in self._objects

    def delete(self, sha256: str) -> bool:
        """Remove an object; ``True`` if it existed."""
        sha256 = normalize_sha256(sha256)
        with self._lock:
            self.unsynced.discard(sha256)
            return self._objects.pop(sha256, None) is not None

    def sync(self) -> None:
        """Mark everything stored so far as durable."""
        with self._lock:
            self.sync_calls += 1
            self.unsynced.clear()

    def _store(self, sha256: str, data: bytes) -> StoredObject:
        with self._lock:
            created = sha256 not in self._objects
            if created:
                self._objects[sha256] = data
                self.unsynced.add(sha256)
        return StoredObject(sha256=sha256, size_bytes=len(data), created=created)
