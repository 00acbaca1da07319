"""Evidence sealed under per-day bucket keys: rekeying, shredding by key, old objects.

Rekeying is checked on the local and the S3 store (``support.s3``): both rewrite the header
through ``SealingKeys.rekeyed_header`` and keep the ciphertext as it is.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from platewarden.adapters.evidence.format import HEADER_V2_SIZE
from platewarden.adapters.evidence.keysource import (
    RETAINED_KEY,
    EvidenceKeySource,
    KeyringEvidenceKeys,
)
from platewarden.adapters.evidence.local import LocalEvidenceStore
from platewarden.adapters.evidence.s3 import S3EvidenceStore, S3Objects
from platewarden.adapters.keyring import BucketKeyring, KeyDestroyed, KeyringError
from support import s3

pytestmark = pytest.mark.integration
DAY = datetime(2026, 3, 2, 12, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = DAY

    def __call__(self) -> datetime:
        return self.now


def stores(tmp_path: Path, clock: Clock) -> tuple[BucketKeyring, LocalEvidenceStore]:
    keyring = BucketKeyring(tmp_path / "keys", master_key=b"k" * 32, clock=clock)
    store = LocalEvidenceStore(tmp_path / "store", master_key=b"k" * 32, segment_size=1024,
                               key_source=KeyringEvidenceKeys(keyring))
    return keyring, store


def test_objects_are_sealed_under_the_day_key_and_die_with_it(tmp_path: Path) -> None:
    clock = Clock()
    keyring, store = stores(tmp_path, clock)
    first = store.put(os.urandom(3000)).sha256
    clock.now += timedelta(days=1)
    data = os.urandom(3000)
    second = store.put(data).sha256
    assert (store.key_name(first), store.key_name(second)) == \
        ("evidence/2026-03-02", "evidence/2026-03-03")
    assert keyring.destroy("evidence/2026-03-02")
    assert not keyring.destroy("evidence/2026-03-02")
    with pytest.raises(KeyDestroyed):
        store.get(first)
    assert store.get(second) == data
    with pytest.raises(KeyDestroyed):  # a destroyed bucket is never made again
        keyring.ensure("evidence/2026-03-02")


def test_rekey_moves_an_object_to_the_retained_key_before_its_day_key_goes(
        tmp_path: Path) -> None:
    keyring, store = stores(tmp_path, Clock())
    data = os.urandom(5000)
    sha = store.put(data).sha256
    store.rekey(sha, key_name=RETAINED_KEY)
    keyring.destroy("evidence/2026-03-02")
    assert store.key_name(sha) == RETAINED_KEY
    assert store.get(sha) == data


Store = LocalEvidenceStore | S3EvidenceStore
# A store with the given key source, and a function returning its only object's raw bytes.
MakeStore = Callable[[Path, EvidenceKeySource | None], tuple[Store, Callable[[], bytes]]]


def local_store(tmp_path: Path,
                source: EvidenceKeySource | None) -> tuple[Store, Callable[[], bytes]]:
    store = LocalEvidenceStore(tmp_path / "store", master_key=b"k" * 32, segment_size=1024,
                               key_source=source)

    def raw() -> bytes:
        (path,) = (p for p in (tmp_path / "store" / "objects").rglob("*") if p.is_file())
        return path.read_bytes()
    return store, raw


def s3_store(tmp_path: Path,
             source: EvidenceKeySource | None) -> tuple[Store, Callable[[], bytes]]:
    bucket, client = s3.new_bucket(), s3.client()
    store = S3EvidenceStore(S3Objects(client, bucket=bucket), master_key=b"k" * 32,
                            segment_size=1024, key_source=source)

    def raw() -> bytes:
        (entry,) = client.list_objects_v2(Bucket=bucket)["Contents"]
        return bytes(client.get_object(Bucket=bucket, Key=entry["Key"])["Body"].read())
    return store, raw


@pytest.mark.parametrize("make", [local_store, s3_store], ids=["local", "s3"])
def test_rekey_rewrites_only_the_header(tmp_path: Path, make: MakeStore) -> None:
    keyring = BucketKeyring(tmp_path / "keys", master_key=b"k" * 32, clock=Clock())
    store, raw = make(tmp_path, KeyringEvidenceKeys(keyring))
    data = os.urandom(5000)
    sha = store.put(data).sha256
    before = raw()
    store.rekey(sha, key_name=RETAINED_KEY)
    after = raw()
    assert after[HEADER_V2_SIZE:] == before[HEADER_V2_SIZE:]  # the segments, unread
    assert after[:HEADER_V2_SIZE] != before[:HEADER_V2_SIZE]
    assert RETAINED_KEY.encode() in after[:HEADER_V2_SIZE]
    keyring.destroy("evidence/2026-03-02")
    assert store.get(sha) == data


@pytest.mark.parametrize("make", [local_store, s3_store], ids=["local", "s3"])
def test_a_store_without_a_key_source_cannot_rekey(tmp_path: Path, make: MakeStore) -> None:
    store, raw = make(tmp_path, None)
    data = os.urandom(2000)
    sha = store.put(data).sha256
    before = raw()
    with pytest.raises(RuntimeError, match="no key source"):
        store.rekey(sha, key_name=RETAINED_KEY)
    assert raw() == before
    assert store.get(sha) == data


def test_format_1_objects_still_open_and_a_tampered_key_file_is_refused(tmp_path: Path) -> None:
    old = LocalEvidenceStore(tmp_path / "store", master_key=b"k" * 32, segment_size=1024)
    data = os.urandom(2000)
    sha = old.put(data).sha256
    keyring, store = stores(tmp_path, Clock())
    assert store.key_name(sha) is None
    assert store.get(sha) == data
    name, _ = keyring.current("evidence")
    other_master = BucketKeyring(tmp_path / "keys", master_key=b"x" * 32, clock=Clock())
    with pytest.raises(KeyringError):
        other_master.key(name)
    path = tmp_path / "keys" / "evidence" / "2026-03-02.key"
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))
    fresh = BucketKeyring(tmp_path / "keys", master_key=b"k" * 32, clock=Clock())
    with pytest.raises(KeyringError):
        fresh.key(name)
