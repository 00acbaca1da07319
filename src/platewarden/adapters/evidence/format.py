"""On-disk format of one encrypted evidence object (version 1).

Layout::

    header   magic "PWEV" | version u8 | suite u8 | segment size u32 | nonce prefix (8)
             | wrap nonce (12) | wrapped data key (32 + 16 tag)
    segments AES-256-GCM(data key, nonce = prefix | index u32, aad = index u32 | final u8)

Every object gets a fresh random data key; the key is wrapped with AES-256-GCM under a key
encryption key derived from the master key, with the header fields *and the object's SHA-256*
as associated data. So a flipped header byte, a file moved to another object's address, or a
wrong master key all fail before any plaintext comes out. Each segment carries its index and
a final flag in its associated data: reordered, swapped, dropped or appended segments and
truncation at any point fail authentication. Objects always end with a final segment, which
may be empty.

Random 96-bit wrap nonces under one key encryption key stay within NIST's bound up to about
2**32 objects; rotate the master key before a store grows anywhere near that.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from collections.abc import Callable, Generator
from dataclasses import dataclass

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from platewarden.services.ports import EvidenceIntegrityError

MAGIC = b"PWEV"
VERSION = 1
SUITE_AES256GCM = 1
DEFAULT_SEGMENT_SIZE = 64 * 1024
MIN_SEGMENT_SIZE = 1024
MAX_SEGMENT_SIZE = 16 * 1024 * 1024
TAG_SIZE = 16
MASTER_KEY_SIZE = 32

_PREFIX = struct.Struct(">4sBBI8s")
_SEGMENT_AAD = struct.Struct(">IB")
_WRAP_NONCE_SIZE = 12
_WRAPPED_KEY_SIZE = 32 + TAG_SIZE
HEADER_SIZE = _PREFIX.size + _WRAP_NONCE_SIZE + _WRAPPED_KEY_SIZE


@dataclass(frozen=True, slots=True)
class EvidenceKeys:
    """Keys derived from the master key, one per purpose."""

    key_encryption_key: bytes
    name_key: bytes

    @classmethod
    def derive(cls, master_key: bytes) -> EvidenceKeys:
        """Derive the store's keys with HKDF-SHA256 so no key serves two purposes."""
        if len(master_key) != MASTER_KEY_SIZE:
            raise ValueError(f"the master key must be {MASTER_KEY_SIZE} bytes")
        return cls(key_encryption_key=_hkdf(master_key, b"platewarden evidence kek v1"),
                   name_key=_hkdf(master_key, b"platewarden evidence name v1"))

    def object_name(self, sha256: str) -> str:
        """File name for ``sha256``: a keyed hash, so the disk cannot confirm a known image."""
        return hmac.new(self.name_key, bytes.fromhex(sha256), hashlib.sha256).hexdigest()


def _hkdf(master_key: bytes, info: bytes) -> bytes:
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=None, info=info).derive(master_key)


def _nonce(prefix: bytes, index: int) -> bytes:
    return prefix + index.to_bytes(4, "big")


class SegmentSealer:
    """Encrypts one object's plaintext, segment by segment, as it arrives."""

    def __init__(self, *, segment_size: int = DEFAULT_SEGMENT_SIZE) -> None:
        if not MIN_SEGMENT_SIZE <= segment_size <= MAX_SEGMENT_SIZE:
            raise ValueError("segment size out of range")
        self._data_key = AESGCM.generate_key(bit_length=256)
        self._aead = AESGCM(self._data_key)
        self._prefix = os.urandom(8)
        self._segment_size = segment_size
        self._index = 0
        # At most one segment plus the caller's latest chunk waits here.
        self._pending = bytearray()

    def update(self, chunk: bytes) -> bytes:
        """Sealed segments that ``chunk`` completed (maybe none).

        A full segment is held back until more bytes arrive, because only then is it known
        not to be the final one.
        """
        self._pending += chunk
        sealed = []
        size = self._segment_size
        while len(self._pending) > size:
            sealed.append(self._seal(bytes(self._pending[:size]), final=False))
            del self._pending[:size]
        return b"".join(sealed)

    def finish(self) -> bytes:
        """The final sealed segment; call exactly once, after the last ``update``."""
        final = self._seal(bytes(self._pending), final=True)
        self._pending.clear()
        return final

    def header(self, *, keys: EvidenceKeys, sha256: str) -> bytes:
        """The object's header, binding the wrapped data key to ``sha256``."""
        prefix = _PREFIX.pack(MAGIC, VERSION, SUITE_AES256GCM, self._segment_size, self._prefix)
        wrap_nonce = os.urandom(_WRAP_NONCE_SIZE)
        wrapped = AESGCM(keys.key_encryption_key).encrypt(
            wrap_nonce, self._data_key, prefix + bytes.fromhex(sha256))
        return prefix + wrap_nonce + wrapped

    def _seal(self, plaintext: bytes, *, final: bool) -> bytes:
        aad = _SEGMENT_AAD.pack(self._index, final)
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index), plaintext, aad)
        self._index += 1
        return sealed


class SegmentOpener:
    """Decrypts and authenticates the segments of one object."""

    def __init__(self, *, header: bytes, keys: EvidenceKeys, sha256: str) -> None:
        if len(header) != HEADER_SIZE:
            raise EvidenceIntegrityError("evidence header is truncated")
        prefix = header[:_PREFIX.size]
        magic, version, suite, segment_size, nonce_prefix = _PREFIX.unpack(prefix)
        if magic != MAGIC or version != VERSION or suite != SUITE_AES256GCM:
            raise EvidenceIntegrityError("not a version 1 evidence object")
        if not MIN_SEGMENT_SIZE <= segment_size <= MAX_SEGMENT_SIZE:
            raise EvidenceIntegrityError("evidence header has an impossible segment size")
        wrap_nonce = header[_PREFIX.size:_PREFIX.size + _WRAP_NONCE_SIZE]
        wrapped = header[_PREFIX.size + _WRAP_NONCE_SIZE:]
        try:
            data_key = AESGCM(keys.key_encryption_key).decrypt(
                wrap_nonce, wrapped, prefix + bytes.fromhex(sha256))
        except InvalidTag:
            raise EvidenceIntegrityError(
                "evidence key does not unwrap: tampered header, moved file or wrong master key"
            ) from None
        self._aead = AESGCM(data_key)
        self._prefix: bytes = nonce_prefix
        self.sealed_segment_size: int = segment_size + TAG_SIZE

    def open(self, index: int, sealed: bytes, *, final: bool) -> bytes:
        """Plaintext of segment ``index``; ``EvidenceIntegrityError`` if it fails to verify."""
        try:
            return self._aead.decrypt(_nonce(self._prefix, index), sealed,
                                      _SEGMENT_AAD.pack(index, final))
        except InvalidTag:
            raise EvidenceIntegrityError(f"evidence segment {index} fails to verify") from None


def decrypt_segments(read: Callable[[int], bytes],
                     opener: SegmentOpener) -> Generator[bytes, None, None]:
    """Plaintext segments read through ``read(n)`` (positioned just after the header).

    One segment is read ahead: a segment is final exactly when nothing follows it, and
    authenticating that flag is what detects truncation and appended bytes.
    """
    size = opener.sealed_segment_size
    current = _read_full(read, size)
    if not current:
        raise EvidenceIntegrityError("evidence object has no segments")
    index = 0
    while True:
        following = _read_full(read, size) if len(current) == size else b""
        yield opener.open(index, current, final=not following)
        if not following:
            return
        current, index = following, index + 1


def _read_full(read: Callable[[int], bytes], size: int) -> bytes:
    parts = []
    remaining = size
    while remaining:
        part = read(remaining)
        if not part:
            break
        parts.append(part)
        remaining -= len(part)
    return b"".join(parts)
