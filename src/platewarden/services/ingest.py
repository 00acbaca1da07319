"""Camera ingest: verify a signed envelope of reads, store evidence and reads durably.

Checks run cheapest-first and each failure has its own machine-readable code; nothing is
acknowledged until the group commit that holds it has made reads and evidence durable.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Protocol

from platewarden.domain import plates
from platewarden.domain.cameras import Camera
from platewarden.domain.media import CLIP_TYPES, IMAGE_TYPES, sniff_content_type
from platewarden.domain.messages import ReadAccepted
from platewarden.domain.reads import (
    Alternative,
    ClockSync,
    ImageRef,
    PlateRead,
    SignalPhase,
    SpeedMethod,
)
from platewarden.services.camera_directory import CameraDirectory
from platewarden.services.errors import IngestError
from platewarden.services.group_commit import GroupCommitter
from platewarden.services.ports import EventPublisher, EvidenceStore, SignatureVerifier
from platewarden.services.unit_of_work import UnitOfWork, UnitOfWorkFactory

_PRUNE_EVERY = timedelta(minutes=1)


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadSubmission:
    """One read as a camera submitted it, validated for shape but not yet trusted."""

    read_id: str
    captured_at: datetime
    clock_sync: ClockSync
    plate: str
    confidence: float
    payload_sha256: str
    alternatives: tuple[Alternative, ...] = ()
    vehicle_class: str | None = None
    lane: int | None = None
    direction: str | None = None
    speed_kmh: float | None = None
    speed_method: SpeedMethod | None = None
    signal_phase: SignalPhase | None = None
    time_into_red_s: float | None = None
    images: tuple[ImageRef, ...] = ()


@dataclass(frozen=True, slots=True, kw_only=True)
class SubmitReads:
    """Command: store the reads of one signed envelope."""

    camera_id: str
    sent_at: datetime
    nonce: str
    reads: tuple[ReadSubmission, ...]
    blobs: Mapping[str, bytes]
    signed_bytes: bytes
    signature: bytes


@dataclass(frozen=True, slots=True, kw_only=True)
class ReadOutcome:
    """What happened to one submitted read."""

    read_id: str
    status: str  # "accepted" | "duplicate"


@dataclass(frozen=True, slots=True, kw_only=True)
class IngestPolicy:
    """Limits the ingest service enforces."""

    max_clock_skew_s: float
    max_batch_reads: int
    max_image_bytes: int
    max_group_envelopes: int = 500


@dataclass(slots=True, kw_only=True)
class Envelope:
    """One checked envelope waiting for the group commit."""

    command: SubmitReads
    envelope_sha256: str
    reads: list[tuple[PlateRead, str]] = field(default_factory=list)


@dataclass(slots=True, kw_only=True)
class _Staged:
    """What the group has seen and will write, so envelopes in one group see each other."""

    nonces: dict[tuple[str, str], str]
    digests: dict[str, str]
    new_nonces: list[tuple[str, str, str]] = field(default_factory=list)
    new_reads: list[tuple[PlateRead, str]] = field(default_factory=list)
    new_envelopes: list[tuple[str, str, bytes]] = field(default_factory=list)


class EnvelopeJournal(Protocol):
    """Where checked envelopes become durable: the database group commit, or an event log."""

    def run(self, envelope: Envelope) -> list[ReadOutcome]: ...
    def stop(self) -> None: ...


class IngestService:
    """Accepts signed reads from cameras."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory,
                 evidence: EvidenceStore, verifier: SignatureVerifier,
                 publisher: EventPublisher, policy: IngestPolicy,
                 clock: Callable[[], datetime], cameras: CameraDirectory,
                 journal: EnvelopeJournal | None = None) -> None:
        self._uow_factory = uow_factory
        self._cameras = cameras
        self._nonces_pruned_at: datetime | None = None
        # With an event log as the journal, its records are the events: nothing to publish.
        self._announce = journal is None
        self._committer: EnvelopeJournal = journal or GroupCommitter(
            uow_factory=uow_factory, before_commit=evidence.sync, apply=self.apply_group,
            max_jobs=policy.max_group_envelopes, name="ingest-commit")
        self._evidence = evidence
        self._verifier = verifier
        self._publisher = publisher
        self._policy = policy
        self._clock = clock

    def stop(self) -> None:
        """Finish the envelopes already queued and stop the writer thread."""
        self._committer.stop()

    def authenticate(self, *, camera_id: str, signed_bytes: bytes, signature: bytes,
                     sent_at: datetime) -> Camera:
        """The enabled camera that signed ``signed_bytes`` recently, or an ``IngestError``."""
        camera = self._cameras.get(camera_id)
        if camera is None:
            raise IngestError("unknown_camera", "No camera is registered under this id.")
        if not self._verifier.verify(public_key=camera.public_key, message=signed_bytes,
                                     signature=signature):
            raise IngestError("bad_signature",
                              "The signature does not match this camera's registered key.")
        if not camera.enabled:
            raise IngestError("camera_disabled", "This camera has been disabled by an admin.")
        skew = abs((self._clock() - sent_at).total_seconds())
        if skew > self._policy.max_clock_skew_s:
            raise IngestError("clock_skew", f"sent_at is {skew:.0f} s away from server time; "
                              f"at most {self._policy.max_clock_skew_s:.0f} s is allowed.")
        return camera

    def submit(self, command: SubmitReads) -> list[ReadOutcome]:
        """Verify, store and acknowledge the reads of one envelope.

        Raises:
            IngestError: with a specific code for every reason a request is refused.
        """
        if len(command.reads) > self._policy.max_batch_reads:
            raise IngestError("batch_too_large", f"At most {self._policy.max_batch_reads} "
                              "reads may be sent in one request.")
        camera = self.authenticate(camera_id=command.camera_id,
                                   signed_bytes=command.signed_bytes,
                                   signature=command.signature, sent_at=command.sent_at)
        envelope = Envelope(command=command,
                            envelope_sha256=hashlib.sha256(command.signed_bytes).hexdigest())
        referenced: set[str] = set()
        for submission in command.reads:
            referenced |= self._check_images(command, submission)
            envelope.reads.append((self._to_read(camera, submission), submission.payload_sha256))
        unreferenced = set(command.blobs) - referenced
        if unreferenced:
            raise IngestError("invalid_field", f"{len(unreferenced)} attached object(s) are "
                              "not listed by any read.")
        for sha256 in referenced:
            self._evidence.put(command.blobs[sha256], expected_sha256=sha256)
        # The signed bytes themselves, so an evidence package can carry the camera's own
        # signature over the read (the signature covers these bytes, not the stored rows).
        self._evidence.put(command.signed_bytes, expected_sha256=envelope.envelope_sha256)
        outcomes = self._committer.run(envelope)
        if self._announce:
            self._publisher.publish([
                ReadAccepted(read_id=read.id, camera_id=read.camera_id,
                             captured_at=read.captured_at,
                             clock_sync=read.clock_sync.value)
                for (read, _), outcome in zip(envelope.reads, outcomes, strict=True)
                if outcome.status == "accepted"])
        return outcomes

    def _check_images(self, command: SubmitReads, submission: ReadSubmission) -> set[str]:
        """Check every image of a read; returns the inline objects it refers to."""
        seen_roles: set[str] = set()
        inline: set[str] = set()
        for ref in submission.images:
            if ref.role in seen_roles:
                raise IngestError("invalid_field", f"Read {submission.read_id} lists two "
                                  f"'{ref.role}' images.")
            seen_roles.add(ref.role)
            data = command.blobs.get(ref.sha256)
            if data is None:
                if ref.content_type in CLIP_TYPES and self._blob_uploaded(command, ref):
                    continue
                raise IngestError("image_missing", f"Image {ref.sha256[:12]}… of read "
                                  f"{submission.read_id} was neither attached nor uploaded.")
            self._check_blob(ref, data)
            inline.add(ref.sha256)
        return inline

    def _check_blob(self, ref: ImageRef, data: bytes) -> None:
        if hashlib.sha256(data).hexdigest() != ref.sha256:
            raise IngestError("image_hash_mismatch", f"The bytes of image {ref.sha256[:12]}… "
                              "do not hash to the SHA-256 given for it.")
        if len(data) != ref.size_bytes:
            raise IngestError("invalid_field", f"Image {ref.sha256[:12]}… has {len(data)} "
                              f"bytes, not the {ref.size_bytes} declared.")
        if len(data) > self._policy.max_image_bytes:
            raise IngestError("body_too_large", f"Image {ref.sha256[:12]}… is larger than "
                              f"{self._policy.max_image_bytes} bytes.")
        actual = sniff_content_type(data[:32])
        if actual is None or actual not in IMAGE_TYPES or actual != ref.content_type:
            raise IngestError("not_an_image", f"Object {ref.sha256[:12]}… is not the "
                              f"{ref.content_type} it claims to be.")

    def _blob_uploaded(self, command: SubmitReads, ref: ImageRef) -> bool:
        with self._uow_factory(read_only=True) as uow:
            return uow.reads.has_blob(command.camera_id, ref.sha256)

    @staticmethod
    def _to_read(camera: Camera, s: ReadSubmission) -> PlateRead:
        parsed = plates.parse(s.plate)
        return PlateRead(
            id=f"{camera.id}:{s.read_id}", camera_id=camera.id, read_id=s.read_id,
            captured_at=s.captured_at, clock_sync=s.clock_sync, plate_raw=s.plate,
            plate=parsed.text, plate_key=plates.canonical_key(parsed.text),
            country=parsed.country, region=parsed.region, plate_format=parsed.format,
            confidence=s.confidence, alternatives=s.alternatives,
            vehicle_class=s.vehicle_class, lane=s.lane, direction=s.direction,
            speed_kmh=s.speed_kmh, speed_method=s.speed_method, signal_phase=s.signal_phase,
            time_into_red_s=s.time_into_red_s, images=s.images)

    def apply_group(self, uow: UnitOfWork, envelopes: list[Envelope]) -> list[object]:
        """Store a group of envelopes with a handful of set-based statements.

        Returns, per envelope, its outcomes or the ``IngestError`` that refuses it; a refused
        envelope leaves nothing behind and does not affect the others.
        """
        now = self._clock()
        self._prune_nonces(uow, now)
        nonces = uow.reads.nonce_digests([(e.command.camera_id, e.command.nonce)
                                          for e in envelopes])
        digests = uow.reads.payload_digests([read.id for e in envelopes for read, _ in e.reads])
        staged = _Staged(nonces=nonces, digests=digests)
        results: list[object] = []
        for envelope in envelopes:
            try:
                results.append(self._decide(envelope, staged))
            except IngestError as exc:
                results.append(exc)
        uow.reads.add_nonces(staged.new_nonces, seen_at=now)
        uow.reads.add_many(staged.new_reads, received_at=now)
        uow.reads.add_envelopes(staged.new_envelopes)
        return results

    def _prune_nonces(self, uow: UnitOfWork, now: datetime) -> None:
        """Forget nonces older than twice the allowed skew, once a minute.

        A message that old is refused for its timestamp anyway, so its nonce need not be
        remembered to refuse a replay.
        """
        if self._nonces_pruned_at is not None and now - self._nonces_pruned_at < _PRUNE_EVERY:
            return
        horizon = timedelta(seconds=2 * self._policy.max_clock_skew_s)
        uow.reads.prune_nonces(before=now - horizon)
        self._nonces_pruned_at = now

    @staticmethod
    def _decide(envelope: Envelope, staged: _Staged) -> list[ReadOutcome]:
        command = envelope.command
        key = (command.camera_id, command.nonce)
        seen = staged.nonces.get(key)
        if seen is not None and seen != envelope.envelope_sha256:
            raise IngestError("replayed_nonce", "This nonce was already used by this camera "
                              "for a different message.")
        outcomes: list[ReadOutcome] = []
        fresh: dict[str, str] = {}
        for read, digest in envelope.reads:
            existing = staged.digests.get(read.id) or fresh.get(read.id)
            if existing is not None and existing != digest:
                raise IngestError("read_id_conflict", f"Read id {read.read_id} was already "
                                  "stored with different content.")
            if existing is not None:
                outcomes.append(ReadOutcome(read_id=read.read_id, status="duplicate"))
                continue
            fresh[read.id] = digest
            outcomes.append(ReadOutcome(read_id=read.read_id, status="accepted"))
        # Only an envelope that is accepted whole leaves a trace.
        if seen is None:
            staged.nonces[key] = envelope.envelope_sha256
            staged.new_nonces.append((*key, envelope.envelope_sha256))
        for read, digest in envelope.reads:
            if fresh.pop(read.id, None) is not None:
                staged.digests[read.id] = digest
                staged.new_reads.append((read, digest))
                staged.new_envelopes.append((read.id, envelope.envelope_sha256,
                                             command.signature))
        return outcomes
