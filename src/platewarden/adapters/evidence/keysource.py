"""How an evidence store gets the keys it wraps data keys with, whatever the backend.

Stores take an ``EvidenceKeySource`` instead of managing keys themselves, so the local store,
an S3 store or any other seals every object under the current per-day bucket key and
crypto-shredding (destroying a bucket key) works the same for all of them.
"""

from __future__ import annotations

from typing import Protocol

from platewarden.adapters.evidence.format import (
    HEADER_SIZE,
    HEADER_V2_SIZE,
    EvidenceKeys,
    SegmentSealer,
    seal_bucket_header,
    unwrap_data_key,
)
from platewarden.adapters.keyring import BucketKeyring
from platewarden.domain.retention import EVIDENCE_PURPOSE, KEPT_PREFIX
from platewarden.services.ports import EvidenceIntegrityError

RETAINED_KEY = "evidence/retained"


class EvidenceKeySource(Protocol):
    """The bucket keys evidence is sealed under."""

    def current(self) -> tuple[str, bytes]:
        """``(name, key)`` that new objects are sealed with now."""
        ...

    def key(self, name: str) -> bytes:
        """The key ``name``; raises ``KeyDestroyed`` once retention destroyed it."""
        ...


class KeyringEvidenceKeys:
    """``EvidenceKeySource`` on the bucket keyring: one key per UTC day, plus the keys of
    evidence kept longer (``kept-YYYY-MM`` by the month it was moved, and ``retained``)."""

    def __init__(self, keyring: BucketKeyring) -> None:
        self._keyring = keyring

    def current(self) -> tuple[str, bytes]:
        """Today's evidence key."""
        return self._keyring.current(EVIDENCE_PURPOSE)

    def key(self, name: str) -> bytes:
        """A named evidence key (the keys for kept evidence are made on first use)."""
        if name == RETAINED_KEY or name.startswith(KEPT_PREFIX):
            return self._keyring.ensure(name)[1]
        return self._keyring.key(name)


class SealingKeys:
    """What every store seals and opens objects with, whatever it keeps the bytes on.

    With a key source, objects are sealed under per-day bucket keys (format 2) that retention
    can destroy; without one, under the key derived from the master key (format 1).
    """

    def __init__(self, *, master_key: bytes, key_source: EvidenceKeySource | None) -> None:
        self.keys = EvidenceKeys.derive(master_key)
        self.source = key_source
        self.header_size = HEADER_V2_SIZE if key_source is not None else HEADER_SIZE

    def header(self, sealer: SegmentSealer, sha256: str) -> bytes:
        """The header of a finished object, sealing its data key under the current key."""
        if self.source is None:
            return sealer.header(keys=self.keys, sha256=sha256)
        name, key = self.source.current()
        return sealer.bucket_header(key_name=name, key=key, sha256=sha256)

    def bucket_key(self, name: str) -> bytes:
        """The bucket key ``name`` to open a format-2 object with."""
        if self.source is None:
            raise EvidenceIntegrityError("a bucketed evidence object needs the keyring")
        return self.source.key(name)

    def rekeyed_header(self, header: bytes, sha256: str, *, key_name: str) -> bytes:
        """``header`` with the object's data key re-wrapped under the bucket key ``key_name``.

        Only the header changes: the segments after it stay valid as they are, so a store
        writes this header and copies the rest of the object unread.

        Raises:
            RuntimeError: there is no key source (format-1 stores cannot rekey).
        """
        if self.source is None:
            raise RuntimeError("this store has no key source to rekey with")
        data_key, segment_size, prefix = unwrap_data_key(
            header=header, keys=self.keys, sha256=sha256, bucket_key=self.bucket_key)
        return seal_bucket_header(segment_size=segment_size, nonce_prefix=prefix,
                                  data_key=data_key, key_name=key_name,
                                  key=self.bucket_key(key_name), sha256=sha256)
