"""Key helpers and the 0600 keys file."""

from __future__ import annotations

import json
import stat
from pathlib import Path

import pytest

from platewarden.camera.keys import (
    KeyFormatError,
    decode_key,
    encode_key,
    generate_key_pair,
    load_keys,
    public_key_of,
    save_keys,
)


def test_key_pair_and_public_key_agree() -> None:
    pair = generate_key_pair()
    assert len(pair.private_key) == 32
    assert public_key_of(pair.private_key) == pair.public_key


def test_base64_round_trip_and_size_check() -> None:
    raw = generate_key_pair().private_key
    assert decode_key(encode_key(raw)) == raw
    with pytest.raises(KeyFormatError):
        decode_key(encode_key(b"short"))
    with pytest.raises(KeyFormatError):
        decode_key("not base64!!")


def test_keys_file_round_trip_is_private(tmp_path: Path) -> None:
    keys = {"cam-b": generate_key_pair().private_key, "cam-a": generate_key_pair().private_key}
    path = tmp_path / "keys.json"
    save_keys(path, keys)
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert load_keys(path) == keys
    assert list(json.loads(path.read_text())) == ["cam-a", "cam-b"]
    save_keys(path, {"cam-c": keys["cam-a"]})
    assert load_keys(path) == {"cam-c": keys["cam-a"]}
    assert [p.name for p in tmp_path.iterdir()] == ["keys.json"]


def test_bad_keys_files_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "keys.json"
    path.write_text("[1, 2]")
    with pytest.raises(KeyFormatError):
        load_keys(path)
    path.write_text('{"cam": 5}')
    with pytest.raises(KeyFormatError):
        load_keys(path)
    with pytest.raises(KeyFormatError):
        save_keys(path, {"cam": b"x"})
