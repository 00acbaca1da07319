"""Files of the local evidence store: private temp files and the reading iterator."""

from __future__ import annotations

import contextlib
import hashlib
import io
import os
from collections.abc import Iterator
from types import TracebackType
from typing import Protocol

from platewarden.adapters.evidence.format import (
    PREFIX_SIZE,
    SegmentOpener,
    decrypt_segments,
    header_size,
)
from platewarden.services.ports import EvidenceIntegrityError


def read_header(file: io.BufferedReader | io.FileIO) -> bytes:
    prefix = file.read(PREFIX_SIZE) or b""
    if len(prefix) < PREFIX_SIZE:
        raise EvidenceIntegrityError("evidence header is truncated")
    return prefix + (file.read(header_size(prefix) - PREFIX_SIZE) or b"")


def fsync_directory(directory: str) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


class TempFile:
    """A private temp file that is removed on exit, whether or not it was published."""

    def __init__(self, directory: str) -> None:
        self.path = f"{directory}/{os.urandom(12).hex()}.tmp"
        self._fd = os.open(self.path, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC,
                           0o600)

    def write_at(self, offset: int, data: bytes) -> int:
        view = memoryview(data)
        written = 0
        while written < len(view):
            written += os.pwrite(self._fd, view[written:], offset + written)
        return written

    def fsync(self) -> None:
        os.fsync(self._fd)

    def __enter__(self) -> TempFile:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        os.close(self._fd)
        with contextlib.suppress(FileNotFoundError):
            os.unlink(self.path)


class Readable(Protocol):
    """A byte source an evidence reader owns: a file, or an S3 response body."""

    def read(self, size: int) -> bytes: ...
    def close(self) -> None: ...


class EvidenceReader(Iterator[bytes]):
    """Iterator over an object's plaintext that owns (and closes) its byte source.

    Each segment is authenticated as it is decrypted, and the whole plaintext must hash to
    the object's address before iteration ends normally.
    """

    def __init__(self, *, source: Readable, opener: SegmentOpener, sha256: str) -> None:
        self._source = source
        self._closed = False
        self._segments = decrypt_segments(lambda size: source.read(size) or b"", opener)
        self._hash = hashlib.sha256()
        self._sha256 = sha256

    def __next__(self) -> bytes:
        if self._closed:
            raise StopIteration
        try:
            chunk = next(self._segments)
        except StopIteration:
            self.close()
            if self._hash.hexdigest() != self._sha256:
                raise EvidenceIntegrityError("evidence does not hash to its address") from None
            raise
        except BaseException:
            self.close()
            raise
        self._hash.update(chunk)
        return chunk

    def close(self) -> None:
        """Release the source; further iteration ends at once."""
        if not self._closed:
            self._closed = True
            self._segments.close()
            self._source.close()

    def __enter__(self) -> EvidenceReader:
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def __del__(self) -> None:
        if hasattr(self, "_segments"):
            self.close()
