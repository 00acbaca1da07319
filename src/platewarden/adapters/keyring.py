"""Per-time-bucket keys, kept wrapped by the master key, that can be destroyed (crypto-shredding).

A bucket key is 32 random bytes, named ``<purpose>/<bucket>`` (``evidence/2026-11-26``,
``pseudonym/2026-11-26``, ``evidence/kept-2026-11``). Each lives in its own file under
``DATA_DIR/keys/buckets/<purpose>/<bucket>.key``, sealed with AES-256-GCM under a key derived
from the master key, its name as associated data (a file renamed to another bucket does not
open). The files are deliberately outside the database: a backup of the database and the
evidence does not carry them, so destroying a bucket's key makes every copy of what it
protected unreadable, old backups included. Keep this directory out of long-lived backups.

Stores and services use the keyring through ``current`` (the key new data is sealed with
now) and ``key`` (a named key, ``KeyDestroyed`` once shredded); the retention service calls
``destroy``.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
from collections.abc import Callable
from datetime import datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from platewarden.domain.retention import day_name
from platewarden.services.ports import EvidenceNotFound

KEY_SIZE = 32
_VERSION = b"\x01"
_NONCE_SIZE = 12
_NAME = re.compile(r"^[a-z]{1,16}/[a-z0-9-]{1,40}$")


class KeyDestroyed(EvidenceNotFound):
    """The key was destroyed by retention: what it protected is gone for good."""


class KeyringError(Exception):
    """A key file is malformed, tampered with or sealed under another master key."""


class BucketKeyring:
    """Named, destroyable keys; safe to share between threads and processes."""

    def __init__(self, directory: Path, *, master_key: bytes,
                 clock: Callable[[], datetime]) -> None:
        self._dir = Path(directory)
        self._dir.mkdir(mode=0o700, parents=True, exist_ok=True)
        kek = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=b"platewarden bucket-key wrap v1").derive(master_key)
        self._aead = AESGCM(kek)
        self._clock = clock
        self._cache: dict[str, bytes] = {}
        self._lock = threading.Lock()

    def current(self, purpose: str) -> tuple[str, bytes]:
        """``(name, key)`` of today's bucket for ``purpose``, made on first use."""
        return self.ensure(f"{purpose}/{day_name(self._clock())}")

    def ensure(self, name: str) -> tuple[str, bytes]:
        """``(name, key)``, creating the key if it was never made.

        Raises:
            KeyDestroyed: it was made once and destroyed since (never made again).
        """
        with self._lock:
            cached = self._cache.get(name)
        if cached is not None:
            return name, cached
        path = self._path(name)
        if not path.exists() and not self._tombstone(path).exists():
            self._create(name, path)
        return name, self.key(name)

    def key(self, name: str) -> bytes:
        """The key called ``name``.

        Raises:
            KeyDestroyed: it was destroyed, or never existed.
            KeyringError: its file does not open under this master key.
        """
        path = self._path(name)
        with self._lock:
            cached = self._cache.get(name)
        # Another process may have destroyed it: the file, not the cache, is the authority.
        if cached is not None and path.exists():
            return cached
        try:
            sealed = path.read_bytes()
        except FileNotFoundError:
            with self._lock:
                self._cache.pop(name, None)
            raise KeyDestroyed(name) from None
        key = self._open(name, sealed)
        with self._lock:
            self._cache[name] = key
        return key

    def exists(self, name: str) -> bool:
        """Whether the key is there (made and not destroyed)."""
        return self._path(name).exists()

    def names(self, purpose: str) -> list[str]:
        """Every live key of ``purpose``, sorted."""
        directory = self._dir / purpose
        if not directory.is_dir():
            return []
        return sorted(f"{purpose}/{p.stem}" for p in directory.glob("*.key"))

    def destroy(self, name: str) -> bool:
        """Overwrite and remove the key; ``True`` if it existed.

        A tombstone stays behind so the bucket is never silently re-created with a new key
        (which would let new data land in a bucket retention believes is gone).
        """
        path = self._path(name)
        with self._lock:
            self._cache.pop(name, None)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CLOEXEC)
        except FileNotFoundError:
            return False
        try:
            size = os.fstat(fd).st_size
            os.pwrite(fd, os.urandom(size), 0)
            os.fsync(fd)
        finally:
            os.close(fd)
        tomb = os.open(self._tombstone(path), os.O_WRONLY | os.O_CREAT | os.O_CLOEXEC, 0o600)
        os.close(tomb)
        with contextlib.suppress(FileNotFoundError):
            path.unlink()
        _fsync_dir(path.parent)
        return True

    def _create(self, name: str, path: Path) -> None:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        nonce = os.urandom(_NONCE_SIZE)
        sealed = _VERSION + nonce + self._aead.encrypt(nonce, os.urandom(KEY_SIZE), name.encode())
        temp = path.with_name(f".{path.name}.{os.urandom(8).hex()}.tmp")
        fd = os.open(temp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | os.O_CLOEXEC, 0o600)
        try:
            os.write(fd, sealed)
            os.fsync(fd)
        finally:
            os.close(fd)
        try:
            os.link(temp, path)  # never replaces a key another process made first
        except FileExistsError:
            pass
        finally:
            temp.unlink()
        _fsync_dir(path.parent)

    def _open(self, name: str, sealed: bytes) -> bytes:
        if sealed[:1] != _VERSION or len(sealed) != 1 + _NONCE_SIZE + KEY_SIZE + 16:
            raise KeyringError(f"key file for {name} is malformed")
        try:
            return self._aead.decrypt(sealed[1:1 + _NONCE_SIZE], sealed[1 + _NONCE_SIZE:],
                                      name.encode())
        except InvalidTag:
            raise KeyringError(f"key file for {name} does not open under this master key"
                               ) from None

    def _path(self, name: str) -> Path:
        if not _NAME.match(name):
            raise ValueError(f"not a bucket key name: {name!r}")
        purpose, bucket = name.split("/")
        return self._dir / purpose / f"{bucket}.key"

    @staticmethod
    def _tombstone(path: Path) -> Path:
        return path.with_suffix(".destroyed")


def _fsync_dir(directory: Path) -> None:
    fd = os.open(directory, os.O_RDONLY | getattr(os, "O_DIRECTORY", 0))
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
