"""Helpers every evidence store shares: address validation and upload accounting."""

from __future__ import annotations

import hashlib
import re

from platewarden.services.ports import HashMismatch, TooLarge

_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


def normalize_sha256(sha256: str) -> str:
    """``sha256`` in lower-case hex; ``ValueError`` unless it is 64 hex digits.

    Addresses reach file names, so anything that is not plain hex is refused outright.
    """
    lowered = sha256.lower()
    if not _SHA256_HEX.fullmatch(lowered):
        raise ValueError("an evidence address is 64 hexadecimal digits (a SHA-256)")
    return lowered


class UploadMeter:
    """Hashes and counts the bytes of one upload, enforcing its size limit as they arrive."""

    def __init__(self, *, expected_sha256: str | None, max_bytes: int | None) -> None:
        self._expected = None if expected_sha256 is None else normalize_sha256(expected_sha256)
        self._max_bytes = max_bytes
        self._hash = hashlib.sha256()
        self.size_bytes = 0

    def feed(self, chunk: bytes) -> None:
        """Account for ``chunk``; ``TooLarge`` as soon as the limit is passed."""
        self.size_bytes += len(chunk)
        if self._max_bytes is not None and self.size_bytes > self._max_bytes:
            raise TooLarge(f"upload exceeds {self._max_bytes} bytes")
        self._hash.update(chunk)

    def finish(self) -> str:
        """The SHA-256 of everything fed; ``HashMismatch`` if it is not the one declared."""
        digest = self._hash.hexdigest()
        if self._expected is not None and digest != self._expected:
            raise HashMismatch("uploaded bytes do not hash to the declared SHA-256")
        return digest
