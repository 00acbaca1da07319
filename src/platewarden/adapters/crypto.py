"""Ed25519 signatures and argon2id password hashes."""

from __future__ import annotations

import threading
from pathlib import Path

from argon2 import PasswordHasher as Argon2Hasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidSignature
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

from platewarden.adapters.keys import load_or_create_master_key


class Ed25519Verifier:
    """Verifies camera signatures; caches parsed public keys."""

    def __init__(self) -> None:
        self._keys: dict[bytes, Ed25519PublicKey] = {}

    def verify(self, *, public_key: bytes, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is a valid Ed25519 signature of ``message``."""
        key = self._keys.get(public_key)
        if key is None:
            key = Ed25519PublicKey.from_public_bytes(public_key)
            self._keys[public_key] = key
        try:
            key.verify(signature, message)
        except InvalidSignature:
            return False
        return True


class Ed25519KeyPairs:
    """Generates raw Ed25519 key pairs for cameras."""

    def generate(self) -> tuple[bytes, bytes]:
        """``(private_key, public_key)``, raw 32 bytes each."""
        private = Ed25519PrivateKey.generate()
        raw_private = private.private_bytes(Encoding.Raw, PrivateFormat.Raw, NoEncryption())
        raw_public = private.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
        return raw_private, raw_public


class Argon2PasswordHasher:
    """argon2id with the library's current recommended parameters."""

    def __init__(self, *, fast_for_tests: bool = False) -> None:
        # Test suites hash many passwords; production keeps the library's defaults.
        self._hasher = (Argon2Hasher(time_cost=1, memory_cost=8192, parallelism=1)
                        if fast_for_tests else Argon2Hasher())

    def hash(self, password: str) -> str:
        """Encoded argon2id hash."""
        return self._hasher.hash(password)

    def verify(self, encoded: str, password: str) -> bool:
        """Whether ``password`` matches; ``False`` on any mismatch or bad hash."""
        try:
            return bool(self._hasher.verify(encoded, password))
        except (VerificationError, InvalidHashError):
            return False


class Ed25519FileSigner:
    """The platform's Ed25519 signing key, kept in a private file.

    The file holds the raw 32-byte private key (any 32 random bytes are one), so it is made
    and checked exactly as the master key is: created 0600 on first use, atomically, and
    refused when group or others can read it.
    """

    def __init__(self, path: Path) -> None:
        self._path = path
        self._lock = threading.Lock()
        self._key: Ed25519PrivateKey | None = None

    def _private(self) -> Ed25519PrivateKey:
        with self._lock:
            if self._key is None:
                raw = load_or_create_master_key(self._path)
                self._key = Ed25519PrivateKey.from_private_bytes(raw)
            return self._key

    def sign(self, message: bytes) -> bytes:
        """The Ed25519 signature of ``message``."""
        return self._private().sign(message)

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``message``."""
        try:
            self._private().public_key().verify(signature, message)
        except InvalidSignature:
            return False
        return True

    def public_key(self) -> bytes:
        """The raw 32-byte public key."""
        return self._private().public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
