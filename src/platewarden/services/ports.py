"""Interfaces the services need from the outside world; adapters implement them."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Protocol

from platewarden.domain.messages import Event, ReadRecorded


@dataclass(frozen=True, slots=True, kw_only=True)
class StoredObject:
    """What the evidence store reports after storing an object."""

    sha256: str
    size_bytes: int
    created: bool  # False when the object was already present (content addressing)


class EvidenceIntegrityError(Exception):
    """Stored bytes did not decrypt, or did not hash to their address."""


class EvidenceNotFound(KeyError):
    """No object is stored under that address."""


class HashMismatch(ValueError):
    """Uploaded bytes do not hash to the SHA-256 the uploader declared."""


class TooLarge(ValueError):
    """An upload exceeded the size allowed for it."""


class EvidenceStore(Protocol):
    """Content-addressed, encrypted-at-rest storage of images and clips."""

    def put(self, data: bytes, *, expected_sha256: str | None = None) -> StoredObject:
        """Store ``data``; raise ``HashMismatch`` if it does not hash to ``expected_sha256``."""
        ...

    def put_stream(self, chunks: Iterable[bytes], *, expected_sha256: str | None = None,
                   max_bytes: int | None = None) -> StoredObject:
        """Encrypt and hash ``chunks`` as they arrive; nothing is kept on a mismatch."""
        ...

    def get(self, sha256: str) -> bytes:
        """The decrypted object; raises ``EvidenceNotFound`` / ``EvidenceIntegrityError``."""
        ...

    def open(self, sha256: str) -> Iterator[bytes]:
        """The decrypted object as chunks, verified as they are read."""
        ...

    def exists(self, sha256: str) -> bool:
        """Whether an object is stored under ``sha256``."""
        ...

    def delete(self, sha256: str) -> bool:
        """Remove an object; ``True`` if it existed."""
        ...

    def sync(self) -> None:
        """Make every object stored so far durable (one fsync batch for many puts)."""
        ...


class EventPublisher(Protocol):
    """Hands events to whoever subscribed (the in-process bus, later JetStream)."""

    def publish(self, events: Iterable[Event]) -> None:
        """Deliver ``events`` after the transaction that produced them committed."""
        ...


class ReadLog(Protocol):
    """An external, replicated log of accepted reads (JetStream): ingest's durability point.

    A read is acknowledged to its camera once ``append`` returned; the log's consumers store
    and evaluate it afterwards.
    """

    def claim_nonce(self, *, camera_id: str, nonce: str, envelope_sha256: str) -> str | None:
        """Remember ``nonce`` for the camera, atomically across every ingest process.

        Returns ``None`` if this call claimed it, else the digest of the envelope that did.
        """
        ...

    def append(self, records: Sequence[ReadRecorded]) -> list[bool]:
        """Store ``records`` durably; per record, ``False`` if the log already held its id."""
        ...


class SignatureVerifier(Protocol):
    """Checks a camera's Ed25519 signature."""

    def verify(self, *, public_key: bytes, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` by ``public_key`` covers ``message``."""
        ...


class KeyPairFactory(Protocol):
    """Makes camera key pairs."""

    def generate(self) -> tuple[bytes, bytes]:
        """A new ``(private_key, public_key)`` pair, raw 32 bytes each."""
        ...


class PasswordHasher(Protocol):
    """Slow, salted password hashing (argon2id in production)."""

    def hash(self, password: str) -> str:
        """The encoded hash of ``password``."""
        ...

    def verify(self, encoded: str, password: str) -> bool:
        """Whether ``password`` matches ``encoded``; never raises on a mismatch."""
        ...


class Signer(Protocol):
    """The platform's own signing key (Ed25519), used for audit checkpoints."""

    def sign(self, message: bytes) -> bytes:
        """The signature of ``message``."""
        ...

    def verify(self, message: bytes, signature: bytes) -> bool:
        """Whether ``signature`` is this key's signature of ``message``."""
        ...

    def public_key(self) -> bytes:
        """The raw 32-byte public key, for auditors who verify offline."""
        ...


class SecretBoxError(Exception):
    """A sealed secret did not open: wrong key, wrong context or tampered bytes."""


class SecretBox(Protocol):
    """Authenticated encryption of small secrets kept in the database (TOTP keys)."""

    def seal(self, plaintext: bytes, *, context: bytes) -> bytes:
        """``plaintext`` encrypted and bound to ``context`` (e.g. the owner's id)."""
        ...

    def open(self, sealed: bytes, *, context: bytes) -> bytes:
        """The plaintext; raises ``SecretBoxError`` unless sealed with this key and context."""
        ...


class RateLimiter(Protocol):
    """At most so many attempts per window for each key (a client address, a notice)."""

    def allow(self, key: str) -> bool:
        """Count an attempt for ``key``; ``False`` (and not counted) once over the limit."""
        ...

    def prune_expired(self, *, dry_run: bool = False) -> int:
        """Forget attempts whose windows can no longer count; how many entries went.

        ``allow`` tidies only as attempts come, so a key never tried again would keep its
        entries; the scheduled retention calls this. ``dry_run`` only counts them.
        """
        ...
