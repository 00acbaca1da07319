"""Ed25519 signatures, argon2id password hashes and sealed database secrets."""

from __future__ import annotations

import os
import threading
from pathlib import Path

from argon2 import PasswordHasher as Argon2Hasher
from argon2.exceptions import InvalidHashError, VerificationError
from cryptography.exceptions import InvalidSignature, InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.asymmetric.ed25519 import (
    Ed25519PrivateKey,
    Ed25519PublicKey,
)
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from cryptography.hazmat.primitives.serialization import (
    Encoding,
    NoEncryption,
    PrivateFormat,
    PublicFormat,
)

from platewarden.adapters.keys import load_or_create_master_key
from platewarden.services.ports import SecretBoxError

_SEALED_VERSION = b"\x01"
_NONCE_SIZE = 12


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


class AesGcmSecretBox:
    """AES-256-GCM under a key derived from the master key for this one purpose.

    The derived key (HKDF-SHA256, its own label) never encrypts evidence, and the context
    (the owner's user id) is authenticated data: a sealed secret copied onto another user's
    row does not open.
    """

    def __init__(self, master_key: bytes, *, purpose: bytes = b"platewarden/totp-secret/v1"
                 ) -> None:
        key = HKDF(algorithm=hashes.SHA256(), length=32, salt=None,
                   info=purpose).derive(master_key)
        self._aead = AESGCM(key)

    def seal(self, plaintext: bytes, *, context: bytes) -> bytes:
        """Version byte, random 96-bit nonce, ciphertext with tag."""
        nonce = os.urandom(_NONCE_SIZE)
        return _SEALED_VERSION + nonce + self._aead.encrypt(nonce, plaintext, context)

    def open(self, sealed: bytes, *, context: bytes) -> bytes:
        """The plaintext; ``SecretBoxError`` on any mismatch."""
        if sealed[:1] != _SEALED_VERSION or len(sealed) < 1 + _NONCE_SIZE + 16:
            raise SecretBoxError("not a sealed secret of a known version")
        nonce, body = sealed[1:1 + _NONCE_SIZE], sealed[1 + _NONCE_SIZE:]
        try:
            return self._aead.decrypt(nonce, body, context)
        except InvalidTag:
            raise SecretBoxError("sealed secret did not open") from None
