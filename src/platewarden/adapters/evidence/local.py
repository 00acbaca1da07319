"""Encrypted, content-addressed evidence store on the local disk.

Objects live at ``objects/ab/cd/<name>`` where ``<name>`` is an HMAC of the SHA-256 under a
key derived from the master key. Writes go to ``tmp/`` (same filesystem) and are linked into
place only once complete and verified; ``put`` does not fsync, ``sync()`` makes a batch
durable (see ``durability``).
"""

from __future__ import annotations

import contextlib
import os
import time
from collections.abc import Iterable
from pathlib import Path

from platewarden.adapters.evidence.common import UploadMeter, normalize_sha256
from platewarden.adapters.evidence.durability import PendingWrites, SyncStrategy
from platewarden.adapters.evidence.files import (
    EvidenceReader,
    TempFile,
    fsync_directory,
    read_header,
)
from platewarden.adapters.evidence.format import (
    DEFAULT_SEGMENT_SIZE,
    PREFIX_SIZE,
    WRAPPED_KEY_SIZE,
    SegmentOpener,
    SegmentSealer,
    header_size,
    key_name_of,
)
from platewarden.adapters.evidence.keysource import EvidenceKeySource, SealingKeys
from platewarden.services.ports import (
    EvidenceNotFound,
    StoredObject,
)

_STALE_TEMP_AGE_S = 24 * 3600
_SHRED_SIZE = WRAPPED_KEY_SIZE  # the wrapped data key at the end of the header


class LocalEvidenceStore:
    """``EvidenceStore`` on a local directory; safe to share between threads."""

    def __init__(self, root: Path, *, master_key: bytes,
                 segment_size: int = DEFAULT_SEGMENT_SIZE,
                 sync_strategy: SyncStrategy = "auto",
                 key_source: EvidenceKeySource | None = None) -> None:
        self._sealing = SealingKeys(master_key=master_key, key_source=key_source)
        self._keys = self._sealing.keys
        self._root = Path(root)
        # Plain strings on the hot path: pathlib costs more CPU per put than the crypto.
        self._objects = os.path.join(self._root, "objects")
        self._tmp = os.path.join(self._root, "tmp")
        for directory in (self._root, self._objects, self._tmp):
            os.makedirs(directory, mode=0o700, exist_ok=True)
        self._segment_size = segment_size
        self._pending = PendingWrites(root=str(self._root), strategy=sync_strategy)
        self._known_dirs: set[str] = set()
        self._remove_stale_temp_files()

    @property
    def root(self) -> Path:
        """The store's directory."""
        return self._root

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
        with TempFile(self._tmp) as temp:
            temp.write_at(0, header + body)
            created = self._publish(temp, sha256)
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
        with TempFile(self._tmp) as temp:
            offset = self._sealing.header_size  # the header needs the hash, so it is written last
            for chunk in chunks:
                meter.feed(chunk)
                offset += temp.write_at(offset, sealer.update(chunk))
            temp.write_at(offset, sealer.finish())
            sha256 = meter.finish()
            temp.write_at(0, self._sealing.header(sealer, sha256))
            created = self._publish(temp, sha256)
        return StoredObject(sha256=sha256, size_bytes=meter.size_bytes, created=created)

    def get(self, sha256: str) -> bytes:
        """The decrypted, verified object."""
        return b"".join(self.open(sha256))

    def open(self, sha256: str) -> EvidenceReader:
        """Decrypted chunks, each verified as read; not-found and header errors raise here."""
        sha256 = normalize_sha256(sha256)
        try:
            file = open(self._path(sha256), "rb", buffering=0)  # noqa: SIM115 (reader closes it)
        except FileNotFoundError:
            raise EvidenceNotFound(sha256) from None
        try:
            opener = SegmentOpener(header=read_header(file), keys=self._keys, sha256=sha256,
                                   bucket_key=self._sealing.bucket_key)
        except BaseException:
            file.close()
            raise
        return EvidenceReader(source=file, opener=opener, sha256=sha256)

    def exists(self, sha256: str) -> bool:
        """Whether an object is stored under ``sha256``."""
        return os.path.exists(self._path(normalize_sha256(sha256)))

    def delete(self, sha256: str) -> bool:
        """Remove an object, first overwriting its wrapped data key (crypto-shredding).

        Once the wrapped key is gone the ciphertext cannot be decrypted even if its blocks
        survive on disk; copy-on-write filesystems and SSD remapping may still keep the old
        header, which is why the key, not the file, is what is destroyed.
        """
        path = self._path(normalize_sha256(sha256))
        try:
            fd = os.open(path, os.O_RDWR | os.O_CLOEXEC)
        except FileNotFoundError:
            return False
        try:
            size = header_size(os.pread(fd, PREFIX_SIZE, 0))
            os.pwrite(fd, os.urandom(_SHRED_SIZE), size - _SHRED_SIZE)
            os.fsync(fd)  # unlinking first would let the kernel drop the overwrite unwritten
        finally:
            os.close(fd)
        try:
            os.unlink(path)
        except FileNotFoundError:
            return False
        self._pending.removed(path)
        return True

    def sync(self) -> None:
        """Make every object stored (or deleted) so far durable, in one batch."""
        self._pending.sync()

    def key_name(self, sha256: str) -> str | None:
        """The bucket key an object is sealed under (``None``: the master-derived key).

        Raises:
            EvidenceNotFound: nothing is stored under ``sha256``.
        """
        try:
            with open(self._path(normalize_sha256(sha256)), "rb") as file:
                return key_name_of(read_header(file))
        except FileNotFoundError:
            raise EvidenceNotFound(sha256) from None

    def rekey(self, sha256: str, *, key_name: str) -> None:
        """Re-wrap an object's data key under ``key_name``; the ciphertext is unchanged.

        Retention does this to evidence that must outlive its day's key, before destroying
        that key. The new file replaces the old one atomically and is fsynced at once.
        """
        sha256 = normalize_sha256(sha256)
        path = self._path(sha256)
        try:
            source = open(path, "rb")  # noqa: SIM115 (closed below)
        except FileNotFoundError:
            raise EvidenceNotFound(sha256) from None
        with source, TempFile(self._tmp) as temp:
            header = self._sealing.rekeyed_header(read_header(source), sha256,
                                                  key_name=key_name)
            offset = temp.write_at(0, header)
            while chunk := source.read(1 << 20):
                offset += temp.write_at(offset, chunk)
            temp.fsync()
            os.replace(temp.path, path)
        fsync_directory(os.path.dirname(path))

    def _path(self, sha256: str) -> str:
        name = self._keys.object_name(sha256)
        return f"{self._objects}/{name[:2]}/{name[2:4]}/{name}"

    def _publish(self, temp: TempFile, sha256: str) -> bool:
        """Link the finished temp file into place; ``False`` if the object was already there."""
        path = self._path(sha256)
        directory = os.path.dirname(path)
        if directory not in self._known_dirs:
            os.makedirs(directory, mode=0o700, exist_ok=True)
            self._known_dirs.add(directory)
        try:
            # link, unlike rename, never replaces: a concurrent put of the same bytes wins once.
            os.link(temp.path, path)
        except FileExistsError:
            return False
        except FileNotFoundError:  # fan-out directory removed behind our back
            os.makedirs(directory, mode=0o700, exist_ok=True)
            try:
                os.link(temp.path, path)
            except FileExistsError:
                return False
        self._pending.added(path)
        return True

    def _remove_stale_temp_files(self) -> None:
        # Left by a crash mid-upload; recent ones may belong to another live process.
        cutoff = time.time() - _STALE_TEMP_AGE_S
        for entry in os.scandir(self._tmp):
            if entry.is_file() and entry.stat().st_mtime < cutoff:
                with contextlib.suppress(FileNotFoundError):
                    os.unlink(entry.path)
