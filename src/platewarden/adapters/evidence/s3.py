"""Encrypted, content-addressed evidence in an S3-compatible object store (boto3).

The same sealing as the local store (``format``: AES-256-GCM per object in segments, the data
key wrapped by a per-day bucket key or the master-derived key, object names an HMAC of the
SHA-256), so an object is equally opaque to whoever runs the bucket. ``S3Objects`` is the thin
byte-storage part; keys never leave this process, and crypto-shredding works as locally: the
retention service destroys day keys, which makes every object sealed under them unreadable,
including old versions and replicas the bucket may keep.
"""

from __future__ import annotations

import tempfile
from collections.abc import Iterable
from typing import IO, Any

from botocore.exceptions import ClientError

from platewarden.adapters.evidence.common import UploadMeter, normalize_sha256
from platewarden.adapters.evidence.files import EvidenceReader
from platewarden.adapters.evidence.format import (
    DEFAULT_SEGMENT_SIZE,
    HEADER_V2_SIZE,
    PREFIX_SIZE,
    SegmentOpener,
    SegmentSealer,
    header_size,
    key_name_of,
)
from platewarden.adapters.evidence.keysource import EvidenceKeySource, SealingKeys
from platewarden.services.ports import (
    EvidenceIntegrityError,
    EvidenceNotFound,
    StoredObject,
)

_SPOOL_BYTES = 8 * 1024 * 1024  # larger uploads spill to a private temp file


class S3Objects:
    """Bytes by name in one bucket under a prefix: nothing here knows about encryption."""

    def __init__(self, client: Any, *, bucket: str, prefix: str = "") -> None:
        self._client = client
        self._bucket = bucket
        self._prefix = prefix

    def put_new(self, name: str, body: bytes | IO[bytes]) -> bool:
        """Store ``body`` unless ``name`` exists; ``False`` if it did (create-once)."""
        try:
            self._client.put_object(Bucket=self._bucket, Key=self._prefix + name, Body=body,
                                    IfNoneMatch="*")
        except ClientError as exc:
            if _code(exc) in {"PreconditionFailed", "412"}:
                return False
            raise
        return True

    def replace(self, name: str, body: bytes | IO[bytes]) -> None:
        """Store ``body`` under ``name``, replacing what was there."""
        self._client.put_object(Bucket=self._bucket, Key=self._prefix + name, Body=body)

    def read(self, name: str, *, first_bytes: int | None = None) -> Any:
        """A streaming body (``read(n)``, ``close()``); ``KeyError`` if absent."""
        extra = {"Range": f"bytes=0-{first_bytes - 1}"} if first_bytes else {}
        try:
            response = self._client.get_object(Bucket=self._bucket, Key=self._prefix + name,
                                               **extra)
        except ClientError as exc:
            if _code(exc) in {"NoSuchKey", "404"}:
                raise KeyError(name) from None
            raise
        return response["Body"]

    def exists(self, name: str) -> bool:
        """Whether ``name`` is stored."""
        try:
            self._client.head_object(Bucket=self._bucket, Key=self._prefix + name)
        except ClientError as exc:
            if _code(exc) in {"NoSuchKey", "404", "NotFound"}:
                return False
            raise
        return True

    def delete(self, name: str) -> bool:
        """Remove ``name``; ``False`` if it was not there."""
        if not self.exists(name):
            return False
        self._client.delete_object(Bucket=self._bucket, Key=self._prefix + name)
        return True


def _code(exc: ClientError) -> str:
    return str(exc.response.get("Error", {}).get("Code", ""))


class S3EvidenceStore:
    """``EvidenceStore`` on ``S3Objects``; safe to share between threads (boto3 clients are)."""

    def __init__(self, objects: S3Objects, *, master_key: bytes,
                 segment_size: int = DEFAULT_SEGMENT_SIZE,
                 key_source: EvidenceKeySource | None = None) -> None:
        self._objects = objects
        self._sealing = SealingKeys(master_key=master_key, key_source=key_source)
        self._keys = self._sealing.keys
        self._segment_size = segment_size

    def put(self, data: bytes, *, expected_sha256: str | None = None) -> StoredObject:
        """Store ``data``; see ``EvidenceStore.put``."""
        meter = UploadMeter(expected_sha256=expected_sha256, max_bytes=None)
        meter.feed(data)
        sha256 = meter.finish()
        if self.exists(sha256):
            return StoredObject(sha256=sha256, size_bytes=len(data), created=False)
        sealer = SegmentSealer(segment_size=self._segment_size)
        body = sealer.update(data) + sealer.finish()
        header = self._sealing.header(sealer, sha256)
        created = self._objects.put_new(self._name(sha256), header + body)
        return StoredObject(sha256=sha256, size_bytes=len(data), created=created)

    def put_stream(self, chunks: Iterable[bytes], *, expected_sha256: str | None = None,
                   max_bytes: int | None = None) -> StoredObject:
        """Encrypt ``chunks`` as they arrive; see ``EvidenceStore.put_stream``."""
        meter = UploadMeter(expected_sha256=expected_sha256, max_bytes=max_bytes)
        if expected_sha256 is not None and self.exists(normalize_sha256(expected_sha256)):
            for chunk in chunks:  # verify the upload, but write nothing
                meter.feed(chunk)
            return StoredObject(sha256=meter.finish(), size_bytes=meter.size_bytes,
                                created=False)
        sealer = SegmentSealer(segment_size=self._segment_size)
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
            spool.write(bytes(self._sealing.header_size))  # the header needs the hash: written last
            for chunk in chunks:
                meter.feed(chunk)
                spool.write(sealer.update(chunk))
            spool.write(sealer.finish())
            sha256 = meter.finish()
            spool.seek(0)
            spool.write(self._sealing.header(sealer, sha256))
            spool.seek(0)
            created = self._objects.put_new(self._name(sha256), spool)
        return StoredObject(sha256=sha256, size_bytes=meter.size_bytes, created=created)

    def get(self, sha256: str) -> bytes:
        """The decrypted, verified object."""
        return b"".join(self.open(sha256))

    def open(self, sha256: str) -> EvidenceReader:
        """Decrypted chunks, each verified as read; not-found and header errors raise here."""
        sha256 = normalize_sha256(sha256)
        body = self._read(sha256)
        try:
            opener = SegmentOpener(header=_read_header(body), keys=self._keys, sha256=sha256,
                                   bucket_key=self._sealing.bucket_key)
        except BaseException:
            body.close()
            raise
        return EvidenceReader(source=body, opener=opener, sha256=sha256)

    def exists(self, sha256: str) -> bool:
        """Whether an object is stored under ``sha256``."""
        return self._objects.exists(self._name(normalize_sha256(sha256)))

    def delete(self, sha256: str) -> bool:
        """Remove an object. A versioned bucket may keep old versions; shredding the day key
        the object is sealed under is what makes every copy unreadable."""
        return self._objects.delete(self._name(normalize_sha256(sha256)))

    def sync(self) -> None:
        """Nothing to do: S3 answers a PUT only once the object is durably stored."""

    def key_name(self, sha256: str) -> str | None:
        """The bucket key an object is sealed under (``None``: the master-derived key)."""
        sha256 = normalize_sha256(sha256)
        body = self._read(sha256, first_bytes=HEADER_V2_SIZE)
        try:
            return key_name_of(_read_header(body))
        finally:
            body.close()

    def rekey(self, sha256: str, *, key_name: str) -> None:
        """Re-wrap an object's data key under ``key_name``; the ciphertext is unchanged."""
        sha256 = normalize_sha256(sha256)
        body = self._read(sha256)
        try:
            self._rewrap(body, sha256, key_name=key_name)
        finally:
            body.close()

    def _rewrap(self, body: Any, sha256: str, *, key_name: str) -> None:
        with tempfile.SpooledTemporaryFile(max_size=_SPOOL_BYTES) as spool:
            spool.write(self._sealing.rekeyed_header(_read_header(body), sha256,
                                                     key_name=key_name))
            while chunk := body.read(1 << 20):
                spool.write(chunk)
            spool.seek(0)
            self._objects.replace(self._name(sha256), spool)

    def _read(self, sha256: str, *, first_bytes: int | None = None) -> Any:
        try:
            return self._objects.read(self._name(sha256), first_bytes=first_bytes)
        except KeyError:
            raise EvidenceNotFound(sha256) from None

    def _name(self, sha256: str) -> str:
        name = self._keys.object_name(sha256)
        return f"{name[:2]}/{name}"


def _read_header(body: Any) -> bytes:
    prefix = _read_exactly(body, PREFIX_SIZE)
    if len(prefix) < PREFIX_SIZE:
        raise EvidenceIntegrityError("evidence header is truncated")
    return prefix + _read_exactly(body, header_size(prefix) - PREFIX_SIZE)


def _read_exactly(body: Any, size: int) -> bytes:
    parts, remaining = [], size
    while remaining:
        part = body.read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
