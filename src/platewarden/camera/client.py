"""A synchronous HTTP client that a camera (or the simulator) uses to send signed reads.

Failures come in two kinds a caller must treat differently: ``IngestRejected`` (4xx) means
the server refused the message as it is, so resending it unchanged is pointless;
``IngestUnavailable`` (connection errors, timeouts, 5xx, 429) means nothing was stored or
acknowledged, so the caller should buffer the reads and retry later. Retrying is safe
because read ids are stable: reads already stored come back as ``duplicate``.
"""

from __future__ import annotations

import base64
import hashlib
import os
import secrets
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from types import TracebackType
from typing import Any, Self

import httpx

from platewarden.camera.keys import private_key_from_raw
from platewarden.camera.payloads import MAX_BATCH_READS, ReadPayload, build_envelope, utc_iso
from platewarden.domain.reads import ImageRef
from platewarden.domain.signing import blob_signing_bytes

API_PREFIX = "/api/v1"
_CHUNK = 64 * 1024


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadStatus:
    """The server's verdict on one read: ``accepted`` or ``duplicate``."""

    read_id: str
    status: str


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestResult:
    """Per-read outcome of ``send_reads``, in the order the server answered."""

    statuses: tuple[ReadStatus, ...] = ()

    @property
    def accepted(self) -> tuple[str, ...]:
        """Read ids newly stored."""
        return tuple(s.read_id for s in self.statuses if s.status == "accepted")

    @property
    def duplicates(self) -> tuple[str, ...]:
        """Read ids the server already had (safe retries)."""
        return tuple(s.read_id for s in self.statuses if s.status == "duplicate")


@dataclass(frozen=True, slots=True, kw_only=True)
class BlobUpload:
    """Outcome of ``upload_blob``: the reference to list in a read, and whether it is new."""

    ref: ImageRef
    created: bool


class IngestError(Exception):
    """Base of ingest failures; ``partial`` holds what earlier chunks got acknowledged."""

    def __init__(self, message: str, *, partial: IngestResult | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.partial = partial or IngestResult()


class IngestRejected(IngestError):
    """The server refused the request (4xx); resending it unchanged will not help."""

    def __init__(self, status: int, code: str, message: str, *,
                 partial: IngestResult | None = None) -> None:
        super().__init__(f"{status} {code}: {message}", partial=partial)
        self.status = status
        self.code = code
        self.message = message


class IngestUnavailable(IngestError):
    """The server could not be reached or failed (5xx, 429): buffer and retry later."""

    def __init__(self, message: str, *, status: int | None = None,
                 partial: IngestResult | None = None) -> None:
        super().__init__(message, partial=partial)
        self.status = status


def _rejected(response: httpx.Response, partial: IngestResult) -> IngestRejected:
    code, message = f"http_{response.status_code}", response.reason_phrase
    try:
        error = response.json()["error"]
        code, message = str(error["code"]), str(error.get("message", ""))
    except (ValueError, KeyError, TypeError):
        pass  # not the contract's error body (e.g. a proxy page): keep the HTTP status
    return IngestRejected(response.status_code, code, message, partial=partial)


def _check(response: httpx.Response, partial: IngestResult) -> None:
    status = response.status_code
    if 200 <= status < 300:
        return
    if status == 429 or status >= 500 or status < 400:
        raise IngestUnavailable(f"server answered {status}", partial=partial, status=status)
    raise _rejected(response, partial)


def _file_digest(path: Path) -> tuple[str, int]:
    digest, size = hashlib.sha256(), 0
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
            size += len(chunk)
    return digest.hexdigest(), size


def _file_chunks(path: Path) -> Iterator[bytes]:
    with path.open("rb") as handle:
        while chunk := handle.read(_CHUNK):
            yield chunk


class CameraClient:
    """Sends one camera's reads and evidence to the ingest API, signing every request."""

    def __init__(self, *, base_url: str, camera_id: str, private_key: bytes,
                 timeout_s: float = 10.0, transport: httpx.BaseTransport | None = None,
                 clock: Callable[[], datetime] | None = None) -> None:
        """Create a client.

        Args:
            base_url: Server root, e.g. ``http://127.0.0.1:8000`` (a trailing ``/api/v1``
                is tolerated).
            camera_id: The registered camera id.
            private_key: The camera's raw 32-byte Ed25519 private key.
            timeout_s: Timeout of each HTTP operation.
            transport: Alternative httpx transport (tests: ``httpx.MockTransport``).
            clock: Source of ``sent_at`` (default: the real UTC clock).
        """
        root = base_url.rstrip("/")
        root = root.removesuffix(API_PREFIX)
        self.camera_id = camera_id
        self._key = private_key_from_raw(private_key)
        self._clock = clock or (lambda: datetime.now(UTC))
        self._http = httpx.Client(base_url=root + API_PREFIX, timeout=timeout_s,
                                  transport=transport)

    def __enter__(self) -> Self:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def close(self) -> None:
        """Release the connection pool."""
        self._http.close()

    def send_reads(self, reads: Sequence[ReadPayload]) -> IngestResult:
        """Send reads: ``/ingest/read`` for one, ``/ingest/batch`` in chunks of 500 otherwise.

        A batch the server finds too large (413 ``body_too_large``) is split in halves and
        sent again, down to single reads.

        Raises:
            IngestRejected: A 4xx answer (its ``code`` is the contract's machine code).
            IngestUnavailable: Connection failure, timeout, 429 or 5xx.
        """
        if not reads:
            return IngestResult()
        if len(reads) == 1:
            return IngestResult(statuses=self._post("/ingest/read", reads, IngestResult()))
        statuses: list[ReadStatus] = []
        for start in range(0, len(reads), MAX_BATCH_READS):
            self._post_batch(reads[start:start + MAX_BATCH_READS], statuses)
        return IngestResult(statuses=tuple(statuses))

    def _post_batch(self, reads: Sequence[ReadPayload], statuses: list[ReadStatus]) -> None:
        """Post a batch, halving it while the server finds the body too large."""
        try:
            statuses += self._post("/ingest/batch", reads, IngestResult(statuses=tuple(statuses)))
        except IngestRejected as exc:
            if exc.code != "body_too_large" or len(reads) == 1:
                raise
            middle = len(reads) // 2
            self._post_batch(reads[:middle], statuses)
            self._post_batch(reads[middle:], statuses)

    def _post(self, path: str, reads: Sequence[ReadPayload],
              partial: IngestResult) -> tuple[ReadStatus, ...]:
        envelope = build_envelope(camera_id=self.camera_id, private_key=self._key, reads=reads,
                                  sent_at=self._clock(), nonce=secrets.token_hex(16))
        try:
            response = self._http.post(path, json=envelope)
        except httpx.TransportError as exc:
            raise IngestUnavailable(f"cannot reach server: {exc}", partial=partial) from exc
        _check(response, partial)
        return self._statuses(response, partial)

    @staticmethod
    def _statuses(response: httpx.Response, partial: IngestResult) -> tuple[ReadStatus, ...]:
        try:
            results: list[dict[str, Any]] = response.json()["results"]
            return tuple(ReadStatus(read_id=str(r["read_id"]), status=str(r["status"]))
                         for r in results)
        except (ValueError, KeyError, TypeError) as exc:
            # A 2xx we cannot read may still mean "stored": retrying is safe (duplicates).
            raise IngestUnavailable("unreadable answer from server", partial=partial,
                                    status=response.status_code) from exc

    def upload_blob(self, data_or_path: bytes | str | os.PathLike[str], content_type: str, *,
                    role: str = "clip") -> BlobUpload:
        """Upload one large evidence object (a clip) to ``PUT /ingest/blobs/{sha256}``.

        A path is hashed first and then streamed from disk, never held in memory whole.

        Returns:
            The ``ImageRef`` to list in a later read's ``images``, and whether the server
            stored it now (201) or already had it (200).
        """
        if isinstance(data_or_path, bytes):
            digest, size = hashlib.sha256(data_or_path).hexdigest(), len(data_or_path)
            content: bytes | Iterator[bytes] = data_or_path
        else:
            path = Path(data_or_path)
            digest, size = _file_digest(path)
            content = _file_chunks(path)
        sent_at, nonce = utc_iso(self._clock()), secrets.token_hex(16)
        signature = self._key.sign(blob_signing_bytes(
            camera_id=self.camera_id, sha256=digest, size_bytes=size, content_type=content_type,
            sent_at=sent_at, nonce=nonce))
        headers = {
            "X-Platewarden-Camera": self.camera_id,
            "X-Platewarden-Sent-At": sent_at,
            "X-Platewarden-Nonce": nonce,
            "X-Platewarden-Signature": base64.b64encode(signature).decode("ascii"),
            "Content-Type": content_type,
            "Content-Length": str(size),
        }
        try:
            response = self._http.put(f"/ingest/blobs/{digest}", content=content, headers=headers)
        except httpx.TransportError as exc:
            raise IngestUnavailable(f"cannot reach server: {exc}") from exc
        _check(response, IngestResult())
        ref = ImageRef(role=role, sha256=digest, content_type=content_type, size_bytes=size)
        return BlobUpload(ref=ref, created=response.status_code == 201)
