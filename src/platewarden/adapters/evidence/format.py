"""On-disk format of one encrypted evidence object (versions 1 and 2).

Layout::

    header   magic "PWEV" | version u8 | suite u8 | segment size u32 | nonce prefix (8)
             | [version 2: key name (32, ASCII, zero-padded)]
             | wrap nonce (12) | wrapped data key (32 + 16 tag)
    segments AES-256-GCM(data key, nonce = prefix | index u32, aad = index u32 | final u8)

Every object gets a fresh random data key; the key is wrapped with AES-256-GCM under a key
encryption key: in version 1 one derived from the master key, in version 2 the named
per-day bucket key of ``adapters.keyring`` (destroying that key shreds the object, copies
included). The wrap uses with the header fields *and the object's SHA-256*
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
VERSION_BUCKETED = 2
KEY_NAME_SIZE = 32
HEADER_V2_SIZE = HEADER_SIZE + KEY_NAME_SIZE
PREFIX_SIZE = _PREFIX.size
WRAPPED_KEY_SIZE = _WRAPPED_KEY_SIZE


def header_size(prefix: bytes) -> int:
    """The full header size announced by the first ``PREFIX_SIZE`` bytes of an object."""
    if len(prefix) < PREFIX_SIZE or prefix[:4] != MAGIC:
        raise EvidenceIntegrityError("not an evidence object")
    return HEADER_V2_SIZE if prefix[4] == VERSION_BUCKETED else HEADER_SIZE


def key_name_of(header: bytes) -> str | None:
    """The bucket key a version 2 header names; ``None`` for version 1 (master-derived)."""
    if len(header) < PREFIX_SIZE or header[4] != VERSION_BUCKETED:
        return None
    return header[PREFIX_SIZE:PREFIX_SIZE + KEY_NAME_SIZE].rstrip(b"\0").decode("ascii")


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
        """The object's version 1 header, binding the wrapped data key to ``sha256``."""
        prefix = _PREFIX.pack(MAGIC, VERSION, SUITE_AES256GCM, self._segment_size, self._prefix)
        wrap_nonce = os.urandom(_WRAP_NONCE_SIZE)
        wrapped = AESGCM(keys.key_encryption_key).encrypt(
            wrap_nonce, self._data_key, prefix + bytes.fromhex(sha256))
        return prefix + wrap_nonce + wrapped

    def bucket_header(self, *, key_name: str, key: bytes, sha256: str) -> bytes:
        """A version 2 header: the data key wrapped by the bucket key ``key_name``."""
        return seal_bucket_header(segment_size=self._segment_size, nonce_prefix=self._prefix,
                                  data_key=self._data_key, key_name=key_name, key=key,
                                  sha256=sha256)

    def _seal(self, plaintext: bytes, *, final: bool) -> bytes:
        aad = _SEGMENT_AAD.pack(self._index, final)
        sealed = self._aead.encrypt(_nonce(self._prefix, self._index), plaintext, aad)
        self._index += 1
        return sealed


def seal_bucket_header(*, segment_size: int, nonce_prefix: bytes, data_key: bytes,
                       key_name: str, key: bytes, sha256: str) -> bytes:
    """A version 2 header; the key name is part of the wrap's associated data."""
    name = key_name.encode("ascii")
    if len(name) > KEY_NAME_SIZE:
        raise ValueError("bucket key name too long")
    prefix = _PREFIX.pack(MAGIC, VERSION_BUCKETED, SUITE_AES256GCM, segment_size, nonce_prefix)
    named = prefix + name.ljust(KEY_NAME_SIZE, b"\0")
    wrap_nonce = os.urandom(_WRAP_NONCE_SIZE)
    wrapped = AESGCM(key).encrypt(wrap_nonce, data_key, named + bytes.fromhex(sha256))
    return named + wrap_nonce + wrapped


def unwrap_data_key(*, header: bytes, keys: EvidenceKeys, sha256: str,
                    bucket_key: Callable[[str], bytes] | None) -> tuple[bytes, int, bytes]:
    """``(data key, segment size, nonce prefix)`` from a version 1 or 2 header.

    ``bucket_key`` resolves a version 2 key name; it raises (``KeyDestroyed``) for a key
    that retention destroyed, which is how a shredded object refuses to open.
    """
    prefix = header[:_PREFIX.size]
    if len(prefix) != _PREFIX.size:
        raise EvidenceIntegrityError("evidence header is truncated")
    magic, version, suite, segment_size, nonce_prefix = _PREFIX.unpack(prefix)
    if magic != MAGIC or version not in (VERSION, VERSION_BUCKETED) or suite != SUITE_AES256GCM:
        raise EvidenceIntegrityError("not a version 1 or 2 evidence object")
    if len(header) != (HEADER_V2_SIZE if version == VERSION_BUCKETED else HEADER_SIZE):
        raise EvidenceIntegrityError("evidence header is truncated")
    if not MIN_SEGMENT_SIZE <= segment_size <= MAX_SEGMENT_SIZE:
        raise EvidenceIntegrityError("evidence header has an impossible segment size")
    bound = header[:-(_WRAP_NONCE_SIZE + _WRAPPED_KEY_SIZE)]
    kek = keys.key_encryption_key
    if version == VERSION_BUCKETED:
        name = key_name_of(header)
        if bucket_key is None or name is None:
            raise EvidenceIntegrityError("a bucketed evidence object needs the keyring")
        kek = bucket_key(name)
    wrap_nonce = header[len(bound):len(bound) + _WRAP_NONCE_SIZE]
    wrapped = header[len(bound) + _WRAP_NONCE_SIZE:]
    try:
        data_key = AESGCM(kek).decrypt(wrap_nonce, wrapped, bound + bytes.fromhex(sha256))
    except InvalidTag:
        raise EvidenceIntegrityError(
            "evidence key does not unwrap: tampered header, moved file or wrong key"
        ) from None
    return data_key, segment_size, nonce_prefix


class SegmentOpener:
    """Decrypts and authenticates the segments of one object."""

    def __init__(self, *, header: bytes, keys: EvidenceKeys, sha256: str,
                 bucket_key: Callable[[str], bytes] | None = None) -> None:
        data_key, segment_size, nonce_prefix = unwrap_data_key(
            header=header, keys=keys, sha256=sha256, bucket_key=bucket_key)
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
