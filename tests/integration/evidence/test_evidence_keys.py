"""The master key file: created private and atomically, refused when others can read it."""

from __future__ import annotations

import os
import stat
import threading
from pathlib import Path

import pytest

from platewarden.adapters.keys import (
    InsecureKeyFileError,
    MasterKeyError,
    load_master_key,
    load_or_create_master_key,
)

pytestmark = pytest.mark.integration


def mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


def test_creates_a_private_random_key_once(tmp_path: Path) -> None:
    path = tmp_path / "data" / "keys" / "master.key"
    key = load_or_create_master_key(path)
    assert len(key) == 32
    assert mode(path) == 0o600
    assert mode(path.parent) == 0o700
    assert load_or_create_master_key(path) == key
    assert load_master_key(path) == key
    assert load_or_create_master_key(tmp_path / "other.key") != key
    assert sorted(p.name for p in path.parent.iterdir()) == ["master.key"]


def test_private_even_with_a_permissive_umask(tmp_path: Path) -> None:
    old = os.umask(0)
    try:
        path = tmp_path / "keys" / "master.key"
        load_or_create_master_key(path)
    finally:
        os.umask(old)
    assert mode(path) == 0o600


@pytest.mark.parametrize("bad_mode", [0o640, 0o604, 0o660, 0o644])
def test_refuses_a_key_others_can_read(tmp_path: Path, bad_mode: int) -> None:
    path = tmp_path / "master.key"
    load_or_create_master_key(path)
    path.chmod(bad_mode)
    with pytest.raises(InsecureKeyFileError, match="chmod 600"):
        load_master_key(path)
    with pytest.raises(InsecureKeyFileError):
        load_or_create_master_key(path)


def test_refuses_a_symlink(tmp_path: Path) -> None:
    real = tmp_path / "real.key"
    load_or_create_master_key(real)
    link = tmp_path / "master.key"
    link.symlink_to(real)
    with pytest.raises(InsecureKeyFileError):
        load_master_key(link)


def test_refuses_a_directory(tmp_path: Path) -> None:
    path = tmp_path / "master.key"
    path.mkdir(mode=0o700)
    with pytest.raises(InsecureKeyFileError, match="regular file"):
        load_master_key(path)


def test_missing_key_is_an_error_not_a_new_key(tmp_path: Path) -> None:
    with pytest.raises(MasterKeyError, match="does not exist"):
        load_master_key(tmp_path / "master.key")
    assert not (tmp_path / "master.key").exists()


@pytest.mark.parametrize("content", [b"", b"x" * 31, b"x" * 33])
def test_key_must_be_32_bytes(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "master.key"
    path.write_bytes(content)
    path.chmod(0o600)
    with pytest.raises(MasterKeyError, match="32 bytes"):
        load_master_key(path)


def test_racing_creators_agree_on_one_key(tmp_path: Path) -> None:
    path = tmp_path / "keys" / "master.key"
    keys: list[bytes] = []
    barrier = threading.Barrier(6)

    def create() -> None:
        barrier.wait()
        keys.append(load_or_create_master_key(path))

    threads = [threading.Thread(target=create) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(keys) == 6
    assert len(set(keys)) == 1
    assert sorted(p.name for p in path.parent.iterdir()) == ["master.key"]
