"""What only the local disk store can show: what lies on disk, tampering, keys, threads."""

from __future__ import annotations

import hashlib
import os
import threading
import time
import tracemalloc
from collections.abc import Iterator
from pathlib import Path

import pytest

from platewarden.adapters.evidence.durability import SyncStrategy, syncfs_available
from platewarden.adapters.evidence.format import HEADER_SIZE, TAG_SIZE, EvidenceKeys
from platewarden.adapters.evidence.local import LocalEvidenceStore
from platewarden.adapters.evidence.registry import (
    LocalEvidenceStoreConfig,
    build_evidence_store,
)
from platewarden.services.ports import EvidenceIntegrityError, EvidenceNotFound

pytestmark = pytest.mark.integration

KEY = bytes(range(32))
SEGMENT = 1024
SEALED = SEGMENT + TAG_SIZE


def make_store(root: Path, *, key: bytes = KEY,
               sync_strategy: SyncStrategy = "auto") -> LocalEvidenceStore:
    return LocalEvidenceStore(root, master_key=key, segment_size=SEGMENT,
                              sync_strategy=sync_strategy)


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def fake_jpeg(marker: bytes) -> bytes:
    return b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + marker * 50 + os.urandom(3000) + b"\xff\xd9"


def stored_files(root: Path) -> list[Path]:
    return sorted(p for p in root.rglob("*") if p.is_file())


def object_file(store: LocalEvidenceStore, data: bytes) -> Path:
    name = EvidenceKeys.derive(KEY).object_name(sha(data))
    return store.root / "objects" / name[:2] / name[2:4] / name


def test_no_plaintext_and_no_hash_on_disk(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    jpeg = fake_jpeg(b"PLATE 01A123BC ")
    png = b"\x89PNG\r\n\x1a\n" + b"IHDR PLATE 40B777XY " * 40
    store.put(jpeg)
    store.put_stream(iter([png[:100], png[100:]]))
    store.sync()
    files = stored_files(tmp_path)
    assert len(files) == 2
    for path in files:
        content = path.read_bytes()
        assert not content.startswith((b"\xff\xd8\xff", b"\x89PNG"))
        assert content.startswith(b"PWEV")
        for plaintext in (jpeg, png):
            assert plaintext[:32] not in content
            assert plaintext[100:132] not in content
        for digest in (sha(jpeg), sha(png)):
            assert digest not in str(path)
            assert bytes.fromhex(digest) not in content
            assert digest.encode() not in content


def test_files_are_private(tmp_path: Path) -> None:
    store = make_store(tmp_path / "store")
    store.put(b"evidence")
    for path in [*stored_files(store.root), store.root]:
        assert path.stat().st_mode & 0o077 == 0


@pytest.mark.parametrize("tamper", ["header", "segment", "truncate", "swap", "append", "empty"])
def test_tampering_on_disk_is_detected(tmp_path: Path, tamper: str) -> None:
    store, data = make_store(tmp_path), os.urandom(3 * SEGMENT + 10)
    store.put(data)
    path = object_file(store, data)
    blob = bytearray(path.read_bytes())
    if tamper == "header":
        blob[HEADER_SIZE - 5] ^= 0x80
    elif tamper == "segment":
        blob[HEADER_SIZE + SEALED + 3] ^= 0x01
    elif tamper == "truncate":
        del blob[HEADER_SIZE + 3 * SEALED:]
    elif tamper == "swap":
        first = slice(HEADER_SIZE, HEADER_SIZE + SEALED)
        second = slice(HEADER_SIZE + SEALED, HEADER_SIZE + 2 * SEALED)
        blob[first], blob[second] = blob[second], blob[first]
    elif tamper == "append":
        blob += b"\x00" * 20
    else:
        blob.clear()
    path.write_bytes(bytes(blob))
    with pytest.raises(EvidenceIntegrityError):
        store.get(sha(data))


def test_segment_tampering_surfaces_while_streaming(tmp_path: Path) -> None:
    store, data = make_store(tmp_path), os.urandom(3 * SEGMENT)
    store.put(data)
    path = object_file(store, data)
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 0x01
    path.write_bytes(bytes(blob))
    reader = store.open(sha(data))
    assert next(reader) == data[:SEGMENT]
    with pytest.raises(EvidenceIntegrityError):
        list(reader)


def test_a_file_moved_to_another_address_is_detected(tmp_path: Path) -> None:
    store, first, second = make_store(tmp_path), os.urandom(500), os.urandom(500)
    store.put(first)
    store.put(second)
    object_file(store, second).write_bytes(object_file(store, first).read_bytes())
    with pytest.raises(EvidenceIntegrityError):
        store.open(sha(second))


def test_wrong_master_key(tmp_path: Path) -> None:
    data = os.urandom(800)
    make_store(tmp_path).put(data)
    other_key = os.urandom(32)
    other = make_store(tmp_path, key=other_key)
    assert not other.exists(sha(data))
    with pytest.raises(EvidenceNotFound):
        other.get(sha(data))
    # Even placed where the other key looks for it, the object does not decrypt.
    name = EvidenceKeys.derive(other_key).object_name(sha(data))
    target = tmp_path / "objects" / name[:2] / name[2:4] / name
    target.parent.mkdir(parents=True)
    target.write_bytes(object_file(make_store(tmp_path), data).read_bytes())
    with pytest.raises(EvidenceIntegrityError):
        other.get(sha(data))


def test_failed_uploads_leave_nothing_behind(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    with pytest.raises(ValueError, match="SHA-256"):
        store.put_stream(iter([os.urandom(5000)]), expected_sha256=sha(b"x"))
    with pytest.raises(ValueError, match="exceeds"):
        store.put_stream(iter([os.urandom(5000)]), max_bytes=10)

    def broken() -> Iterator[bytes]:
        yield os.urandom(3000)
        raise ConnectionError("client went away")

    with pytest.raises(ConnectionError):
        store.put_stream(broken())
    assert stored_files(tmp_path) == []


def test_idempotent_put_writes_nothing(tmp_path: Path) -> None:
    store, data = make_store(tmp_path), os.urandom(2000)
    store.put(data)
    before = object_file(store, data).read_bytes()
    store.put(data)
    store.put_stream(iter([data]))
    assert object_file(store, data).read_bytes() == before
    assert len(stored_files(tmp_path)) == 1


def clip_chunks(*, total: int, chunk: int = 256 * 1024) -> Iterator[bytes]:
    block = os.urandom(chunk)  # fresh per call; callers hash what they stream
    for i in range(total // chunk):
        yield i.to_bytes(8, "big") + block[8:]


def test_large_clip_streams_in_bounded_memory(tmp_path: Path) -> None:
    store = LocalEvidenceStore(tmp_path, master_key=KEY)
    expected, seen = hashlib.sha256(), []

    def upload() -> Iterator[bytes]:
        for chunk in clip_chunks(total=20 * 1024 * 1024):
            expected.update(chunk)
            seen.append(len(chunk))
            yield chunk

    tracemalloc.start()
    try:
        stored = store.put_stream(upload(), max_bytes=32 * 1024 * 1024)
        _, put_peak = tracemalloc.get_traced_memory()
        tracemalloc.reset_peak()
        actual = hashlib.sha256()
        for part in store.open(stored.sha256):
            actual.update(part)
        _, open_peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert stored.sha256 == expected.hexdigest() == actual.hexdigest()
    assert stored.size_bytes == sum(seen) == 20 * 1024 * 1024
    assert put_peak < 2 * 1024 * 1024
    assert open_peak < 1024 * 1024


def test_concurrent_puts_and_syncs(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    objects = [f"image {i}".encode() * 100 for i in range(40)]
    results: list[bool] = []
    errors: list[BaseException] = []
    lock = threading.Lock()

    def worker() -> None:
        try:
            for data in objects:
                created = store.put(data).created
                with lock:
                    results.append(created)
                store.sync()
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=worker) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert results.count(True) == len(objects)
    assert len(results) == 6 * len(objects)
    assert all(store.get(sha(data)) == data for data in objects)
    assert list((tmp_path / "tmp").iterdir()) == []


@pytest.mark.parametrize("strategy", ["auto", "fsync", "syncfs"])
def test_sync_strategies(tmp_path: Path, strategy: SyncStrategy,
                         monkeypatch: pytest.MonkeyPatch) -> None:
    if strategy == "syncfs" and not syncfs_available():
        pytest.skip("no syncfs(2) here")
    store = make_store(tmp_path, sync_strategy=strategy)
    fsynced: list[int] = []
    real_fsync = os.fsync

    def counting_fsync(fd: int) -> None:
        fsynced.append(fd)
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", counting_fsync)
    for i in range(3):
        store.put(f"object {i}".encode())
    store.sync()
    calls = len(fsynced)
    store.sync()  # nothing pending: no syscalls at all
    assert len(fsynced) == calls
    if strategy == "fsync" or not syncfs_available():
        assert calls >= 3
    else:
        assert calls == 0


def test_delete_destroys_the_key_in_every_copy(tmp_path: Path) -> None:
    store, data = make_store(tmp_path), os.urandom(900)
    store.put(data)
    path = object_file(store, data)
    hidden = tmp_path / "hard-link-a-thief-kept"
    os.link(path, hidden)
    assert store.delete(sha(data))
    assert not path.exists()
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(hidden.read_bytes())
    with pytest.raises(EvidenceIntegrityError):
        store.get(sha(data))


def test_stale_temp_files_are_removed_at_start(tmp_path: Path) -> None:
    make_store(tmp_path)
    stale, fresh = tmp_path / "tmp" / "old.tmp", tmp_path / "tmp" / "new.tmp"
    stale.write_bytes(b"half an upload")
    fresh.write_bytes(b"someone else's upload in progress")
    day_ago = time.time() - 2 * 24 * 3600
    os.utime(stale, (day_ago, day_ago))
    make_store(tmp_path)
    assert not stale.exists()
    assert fresh.exists()


def test_registry_builds_a_local_store_inside_the_data_dir(tmp_path: Path) -> None:
    config = LocalEvidenceStoreConfig.model_validate({"type": "local", "path": "ev"})
    store = build_evidence_store(config, data_dir=tmp_path, master_key=KEY)
    store.put(b"x")
    assert isinstance(store, LocalEvidenceStore)
    assert store.root == tmp_path / "ev"
    with pytest.raises(ValueError, match="type"):
        LocalEvidenceStoreConfig.model_validate({"type": "s3", "path": "ev"})
