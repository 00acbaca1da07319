"""Ed25519 camera keys: generation, raw/base64 encoding and the keys file.

The keys file hands private keys from ``camera add`` to ``simulate``. It is JSON
``{"<camera_id>": "<base64 raw private key>"}`` and is only ever written with mode 0600
because it holds signing secrets.
"""

from __future__ import annotations

import base64
import binascii
import json
import os
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

KEY_SIZE = 32
KEYS_FILE_MODE = 0o600


class KeyFormatError(ValueError):
    """A key or keys file is not in the expected format."""


@dataclass(frozen=True, slots=True, kw_only=True)
class KeyPair:
    """A raw Ed25519 key pair.

    Attributes:
        private_key: Raw 32-byte private key (seed).
        public_key: Raw 32-byte public key.
    """

    private_key: bytes
    public_key: bytes


def generate_key_pair() -> KeyPair:
    """A fresh random key pair."""
    key = Ed25519PrivateKey.generate()
    raw = key.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
    return KeyPair(private_key=raw, public_key=public_key_of(raw))


def private_key_from_raw(raw: bytes) -> Ed25519PrivateKey:
    """Load a raw 32-byte private key; raises ``KeyFormatError`` on a wrong size."""
    if len(raw) != KEY_SIZE:
        raise KeyFormatError(f"an Ed25519 private key has {KEY_SIZE} bytes, got {len(raw)}")
    return Ed25519PrivateKey.from_private_bytes(raw)


def public_key_from_raw(raw: bytes) -> Ed25519PublicKey:
    """Load a raw 32-byte public key; raises ``KeyFormatError`` on a wrong size."""
    if len(raw) != KEY_SIZE:
        raise KeyFormatError(f"an Ed25519 public key has {KEY_SIZE} bytes, got {len(raw)}")
    return Ed25519PublicKey.from_public_bytes(raw)


def public_key_of(private_raw: bytes) -> bytes:
    """Raw public key belonging to a raw private key."""
    public = private_key_from_raw(private_raw).public_key()
    return public.public_bytes(Encoding.Raw, PublicFormat.Raw)


def encode_key(raw: bytes) -> str:
    """Standard base64 of a raw key."""
    return base64.b64encode(raw).decode("ascii")


def decode_key(text: str) -> bytes:
    """Raw key from standard base64; raises ``KeyFormatError`` unless it is 32 bytes."""
    try:
        raw = base64.b64decode(text.strip(), validate=True)
    except (binascii.Error, ValueError) as exc:
        raise KeyFormatError("key is not valid base64") from exc
    if len(raw) != KEY_SIZE:
        raise KeyFormatError(f"a key has {KEY_SIZE} bytes, got {len(raw)}")
    return raw


def load_keys(path: str | os.PathLike[str]) -> dict[str, bytes]:
    """Read a keys file into ``{camera_id: raw private key}``."""
    try:
        document = json.loads(Path(path).read_text(encoding="utf-8"))
    except json.JSONDecodeError as exc:
        raise KeyFormatError(f"keys file {path} is not JSON") from exc
    if not isinstance(document, dict):
        raise KeyFormatError(f"keys file {path} must hold a JSON object")
    keys: dict[str, bytes] = {}
    for camera_id, encoded in document.items():
        if not isinstance(encoded, str):
            raise KeyFormatError(f"key of camera {camera_id!r} must be a base64 string")
        keys[camera_id] = decode_key(encoded)
    return keys


def save_keys(path: str | os.PathLike[str], keys: Mapping[str, bytes]) -> None:
    """Write ``keys`` atomically to a 0600 keys file, replacing any earlier one."""
    for camera_id, raw in keys.items():
        if len(raw) != KEY_SIZE:
            raise KeyFormatError(f"key of camera {camera_id!r} has {len(raw)} bytes")
    target = Path(path)
    document = {camera_id: encode_key(raw) for camera_id, raw in sorted(keys.items())}
    # mkstemp creates the file 0600 from the start, so the secret is never world-readable,
    # and the rename means a reader never sees a half-written file.
    fd, tmp_name = tempfile.mkstemp(dir=target.parent or Path("."), prefix=".keys-")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(document, handle, indent=2, sort_keys=True)
            handle.write("\n")
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp_name, KEYS_FILE_MODE)
        os.replace(tmp_name, target)
    except BaseException:
        Path(tmp_name).unlink(missing_ok=True)
        raise
