"""Plain factories for service unit tests: fakes, a fixed clock and signed camera traffic."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from platewarden.adapters.crypto import Ed25519KeyPairs, Ed25519Verifier
from platewarden.adapters.evidence.fake import FakeEvidenceStore
from platewarden.adapters.memory import InMemoryUnitOfWorkFactory
from platewarden.api.routes.ingest import parse_envelope
from platewarden.camera.payloads import Attachment, ReadPayload, build_envelope
from platewarden.domain.messages import Event, RegisterCamera
from platewarden.domain.reads import ImageRef
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.services.audit import AuditService
from platewarden.services.camera_directory import CameraDirectory
from platewarden.services.cameras import CameraService
from platewarden.services.evaluation import RuleEngine, RulePolicy
from platewarden.services.group_commit import GroupCommitter
from platewarden.services.ingest import IngestPolicy, IngestService, SubmitReads

NOW = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
JPEG_MAGIC = b"\xff\xd8\xff\xe0"
PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_counter = itertools.count(1)


class FixedClock:
    """A clock that moves only when told to."""

    def __init__(self, now: datetime = NOW) -> None:
        self.now = now

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(seconds=seconds)


@dataclass
class CollectingPublisher:
    """Keeps every published event, in order."""

    events: list[Event] = field(default_factory=list)

    def publish(self, events: Iterable[Event]) -> None:
        self.events.extend(events)

    def of(self, kind: type[Event]) -> list[Any]:
        """The published events of one type."""
        return [e for e in self.events if isinstance(e, kind)]


class MemorySigner:
    """A real Ed25519 key that lives only in memory (the file-backed one is integration)."""

    def __init__(self) -> None:
        self._key = Ed25519PrivateKey.generate()

    def sign(self, message: bytes) -> bytes:
        return self._key.sign(message)

    def verify(self, message: bytes, signature: bytes) -> bool:
        return Ed25519Verifier().verify(public_key=self.public_key(), message=message,
                                        signature=signature)

    def public_key(self) -> bytes:
        return self._key.public_key().public_bytes_raw()


def make_audit(uow_factory: InMemoryUnitOfWorkFactory, clock: FixedClock) -> AuditService:
    """An audit service on the fakes with an in-memory signing key."""
    return AuditService(uow_factory=uow_factory, clock=clock, signer=MemorySigner())


class FakeHasher:
    """A transparent 'hash' for tests that do not test hashing."""

    def hash(self, password: str) -> str:
        return f"hashed:{password}"

    def verify(self, encoded: str, password: str) -> bool:
        return encoded == f"hashed:{password}"


def image_bytes(size: int = 200, *, magic: bytes = JPEG_MAGIC) -> bytes:
    """Bytes that sniff as an image (the store checks only the magic number)."""
    seed = next(_counter).to_bytes(8, "big")
    return (magic + seed + b"\x00" * size)[:max(size, len(magic) + 8)]


def jpeg(role: str = "plate", size: int = 200) -> Attachment:
    """A JPEG attachment with distinct content."""
    return Attachment(role=role, content_type="image/jpeg", data=image_bytes(size))


def payload(read_id: str = "r1", *, seconds: float = 0, plate: str = "01A123BC",
            images: Sequence[Attachment | ImageRef] | None = None, **fields: Any) -> ReadPayload:
    """A read captured ``seconds`` after ``NOW`` with a plate crop by default."""
    return ReadPayload(read_id=read_id, captured_at=NOW + timedelta(seconds=seconds),
                       plate=plate, confidence=0.93,
                       images=tuple(images) if images is not None else (jpeg(),), **fields)


def new_nonce() -> str:
    """A nonce never used before."""
    return f"nonce-{next(_counter):010d}"


def envelope(camera_id: str, key: Ed25519PrivateKey, *reads: ReadPayload,
             sent_at: datetime = NOW, nonce: str | None = None) -> dict[str, Any]:
    """A signed envelope as JSON-ready data."""
    return build_envelope(camera_id=camera_id, private_key=key, reads=reads, sent_at=sent_at,
                          nonce=nonce or new_nonce())


def command(message: dict[str, Any]) -> SubmitReads:
    """The command the HTTP route would make of ``message``."""
    return parse_envelope(json.dumps(message).encode())


@dataclass
class World:
    """Services wired to fakes, as bootstrap wires them to real adapters."""

    uow_factory: InMemoryUnitOfWorkFactory
    clock: FixedClock
    publisher: CollectingPublisher
    evidence: FakeEvidenceStore
    committer: GroupCommitter
    cameras: CameraService
    ingest: IngestService
    rules: RuleEngine
    audit: AuditService

    def register(self, camera_id: str = "cam-1", *, kind: str = "anpr",
                 **fields: Any) -> Ed25519PrivateKey:
        """Register a camera; returns its private key."""
        registered = self.cameras.register(RegisterCamera(
            camera_id=camera_id, name=f"Camera {camera_id}", latitude=41.3, longitude=69.2,
            road="M39", direction="north", lanes=3, kind=kind,
            calibration_expires_at=NOW + timedelta(days=365), **fields))
        return Ed25519PrivateKey.from_private_bytes(registered.private_key)

    def close(self) -> None:
        """Stop the group-commit threads."""
        self.ingest.stop()
        self.committer.stop()


def make_world(*, max_clock_skew_s: float = 300, max_batch_reads: int = 5,
               max_image_bytes: int = 10_000, dedupe_window_s: float = 10,
               section_window_s: float = 3600) -> World:
    """Fresh fakes and services sharing them."""
    uow_factory = InMemoryUnitOfWorkFactory()
    clock, publisher, evidence = FixedClock(), CollectingPublisher(), FakeEvidenceStore()
    committer = GroupCommitter(uow_factory=uow_factory, before_commit=evidence.sync)
    directory = CameraDirectory(uow_factory=uow_factory, ttl_s=60)
    audit = make_audit(uow_factory, clock)
    policy = IngestPolicy(max_clock_skew_s=max_clock_skew_s, max_batch_reads=max_batch_reads,
                          max_image_bytes=max_image_bytes)
    return World(
        uow_factory=uow_factory, clock=clock, publisher=publisher, evidence=evidence,
        committer=committer,
        cameras=CameraService(uow_factory=uow_factory, keys=Ed25519KeyPairs(),
                              publisher=publisher, clock=clock, directory=directory,
                              audit=audit),
        ingest=IngestService(uow_factory=uow_factory, evidence=evidence,
                             verifier=Ed25519Verifier(), publisher=publisher, policy=policy,
                             clock=clock, cameras=directory),
        rules=RuleEngine(uow_factory=uow_factory, publisher=publisher,
                         policy=RulePolicy(tolerance=SpeedTolerance(),
                                           section_window_s=section_window_s,
                                           dedupe_window_s=dedupe_window_s),
                         clock=clock),
        audit=audit)
