"""The ``EvidenceStore`` contract, run against the in-memory fake, the local disk store and the
S3 store on a real S3-protocol server (``support.s3``), each with and without day keys."""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from platewarden.adapters.evidence.fake import FakeEvidenceStore
from platewarden.adapters.evidence.keysource import KeyringEvidenceKeys
from platewarden.adapters.evidence.local import LocalEvidenceStore
from platewarden.adapters.evidence.s3 import S3EvidenceStore, S3Objects
from platewarden.adapters.keyring import BucketKeyring
from platewarden.services.ports import (
    EvidenceNotFound,
    EvidenceStore,
    HashMismatch,
    TooLarge,
)
from support import s3


def make_fake(tmp_path: Path) -> EvidenceStore:
    return FakeEvidenceStore(chunk_size=1024)


def make_local(tmp_path: Path) -> EvidenceStore:
    return LocalEvidenceStore(tmp_path / "store", master_key=bytes(32), segment_size=1024)


def day_keys(tmp_path: Path) -> KeyringEvidenceKeys:
    keyring = BucketKeyring(tmp_path / "keys", master_key=bytes(32),
                            clock=lambda: datetime(2026, 3, 2, tzinfo=UTC))
    return KeyringEvidenceKeys(keyring)


def make_local_bucketed(tmp_path: Path) -> EvidenceStore:
    return LocalEvidenceStore(tmp_path / "store", master_key=bytes(32), segment_size=1024,
                              key_source=day_keys(tmp_path))


def make_s3(tmp_path: Path) -> EvidenceStore:
    objects = S3Objects(s3.client(), bucket=s3.new_bucket(), prefix="evidence/")
    return S3EvidenceStore(objects, master_key=bytes(32), segment_size=1024)


def make_s3_bucketed(tmp_path: Path) -> EvidenceStore:
    objects = S3Objects(s3.client(), bucket=s3.new_bucket())
    return S3EvidenceStore(objects, master_key=bytes(32), segment_size=1024,
                           key_source=day_keys(tmp_path))


pytestmark = [
    pytest.mark.integration,
    pytest.mark.parametrize(
        "make_store", [make_fake, make_local, make_local_bucketed, make_s3, make_s3_bucketed],
        ids=["fake", "local", "local-day-keys", "s3", "s3-day-keys"]),
]

MakeStore = Callable[[Path], EvidenceStore]


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def chunked(data: bytes, size: int = 333) -> Iterator[bytes]:
    for i in range(0, len(data), size):
        yield data[i:i + size]


def test_put_get_round_trip(make_store: MakeStore, tmp_path: Path) -> None:
    store, data = make_store(tmp_path), os.urandom(5000)
    stored = store.put(data)
    assert (stored.sha256, stored.size_bytes, stored.created) == (sha(data), 5000, True)
    assert store.exists(sha(data))
    assert store.get(sha(data)) == data
    assert b"".join(store.open(sha(data))) == data


def test_put_checks_the_declared_hash(make_store: MakeStore, tmp_path: Path) -> None:
    store, data = make_store(tmp_path), os.urandom(100)
    assert store.put(data, expected_sha256=sha(data)).created
    with pytest.raises(HashMismatch):
        store.put(b"other", expected_sha256=sha(b"declared"))
    assert not store.exists(sha(b"other"))


@pytest.mark.parametrize("size", [0, 1, 1024, 4097])
def test_put_stream_round_trip(make_store: MakeStore, tmp_path: Path, size: int) -> None:
    store, data = make_store(tmp_path), os.urandom(size)
    stored = store.put_stream(chunked(data), expected_sha256=sha(data), max_bytes=size)
    assert (stored.sha256, stored.size_bytes, stored.created) == (sha(data), size, True)
    assert store.get(sha(data)) == data
    assert b"".join(store.open(sha(data))) == data


def test_put_stream_mismatch_keeps_nothing(make_store: MakeStore, tmp_path: Path) -> None:
    store, data = make_store(tmp_path), os.urandom(3000)
    with pytest.raises(HashMismatch):
        store.put_stream(chunked(data), expected_sha256=sha(b"something else"))
    assert not store.exists(sha(data))
    assert not store.exists(sha(b"something else"))


def test_put_stream_too_large_stops_reading(make_store: MakeStore, tmp_path: Path) -> None:
    store, pulled = make_store(tmp_path), []

    def chunks() -> Iterator[bytes]:
        for i in range(100):
            pulled.append(i)
            yield bytes(1000)

    with pytest.raises(TooLarge):
        store.put_stream(chunks(), max_bytes=2500)
    assert len(pulled) == 3
    assert not store.exists(sha(bytes(100_000)))


def test_put_is_idempotent(make_store: MakeStore, tmp_path: Path) -> None:
    store, data = make_store(tmp_path), os.urandom(2000)
    assert store.put(data).created
    again = store.put(data)
    assert (again.created, again.size_bytes) == (False, 2000)
    streamed = store.put_stream(chunked(data))
    assert (streamed.created, streamed.size_bytes) == (False, 2000)
    declared = store.put_stream(chunked(data), expected_sha256=sha(data))
    assert (declared.created, declared.size_bytes) == (False, 2000)
    assert store.get(sha(data)) == data


def test_existing_address_does_not_excuse_wrong_bytes(make_store: MakeStore,
                                                      tmp_path: Path) -> None:
    store, data = make_store(tmp_path), os.urandom(2000)
    store.put(data)
    with pytest.raises(HashMismatch):
        store.put_stream(chunked(b"forged"), expected_sha256=sha(data))
    with pytest.raises(TooLarge):
        store.put_stream(chunked(data), expected_sha256=sha(data), max_bytes=100)


def test_missing_objects(make_store: MakeStore, tmp_path: Path) -> None:
    store, missing = make_store(tmp_path), sha(b"never stored")
    assert not store.exists(missing)
    with pytest.raises(EvidenceNotFound):
        store.get(missing)
    with pytest.raises(EvidenceNotFound):
        store.open(missing)  # raises before iteration
    with pytest.raises(KeyError):
        store.get(missing)
    assert store.delete(missing) is False


def test_delete(make_store: MakeStore, tmp_path: Path) -> None:
    store, data = make_store(tmp_path), os.urandom(1500)
    store.put(data)
    assert store.delete(sha(data)) is True
    assert not store.exists(sha(data))
    assert store.delete(sha(data)) is False
    assert store.put(data).created


@pytest.mark.parametrize("bad", ["", "abc", "../" * 21 + "x", "g" * 64, sha(b"x") + "0"])
def test_addresses_must_be_sha256_hex(make_store: MakeStore, tmp_path: Path, bad: str) -> None:
    store = make_store(tmp_path)
    for call in (store.get, store.exists, store.delete, store.open):
        with pytest.raises(ValueError, match="64 hexadecimal"):
            call(bad)
    with pytest.raises(ValueError, match="64 hexadecimal"):
        store.put(b"data", expected_sha256=bad)


def test_upper_case_addresses_are_the_same_object(make_store: MakeStore, tmp_path: Path) -> None:
    store, data = make_store(tmp_path), b"evidence"
    store.put(data, expected_sha256=sha(data).upper())
    assert store.get(sha(data).upper()) == data


def test_sync_after_puts_and_deletes(make_store: MakeStore, tmp_path: Path) -> None:
    store = make_store(tmp_path)
    store.sync()
    for i in range(5):
        store.put(f"image {i}".encode())
    store.delete(sha(b"image 0"))
    store.sync()
    store.sync()
    assert store.get(sha(b"image 4")) == b"image 4"
