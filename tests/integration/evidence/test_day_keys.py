"""Evidence sealed under per-day bucket keys: rekeying, shredding by key, old objects."""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from platewarden.adapters.evidence.keysource import RETAINED_KEY, KeyringEvidenceKeys
from platewarden.adapters.evidence.local import LocalEvidenceStore
from platewarden.adapters.keyring import BucketKeyring, KeyDestroyed, KeyringError

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
