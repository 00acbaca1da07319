"""Cameras and reads in plain dicts, with the semantics of the SQL repositories."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable, Sequence
from datetime import datetime, timedelta

from platewarden.adapters.memory.state import (
    IntegrityViolation,
    NonceRecord,
    ReadRecord,
    Transaction,
    in_regions,
    stored_time,
)
from platewarden.domain.cameras import Camera, Section
from platewarden.domain.clock import to_us
from platewarden.domain.reads import ImageRef, PlateRead
from platewarden.domain.search import PlateQuery
from platewarden.services.unit_of_work import StoredRead


class MemoryCameras:
    """Cameras and sections."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def add(self, camera: Camera, *, created_at: datetime) -> None:
        state = self._tx.write()
        if camera.id in state.cameras:
            raise IntegrityViolation(f"camera {camera.id} exists")
        expires = camera.calibration_expires_at
        state.cameras[camera.id] = dataclasses.replace(
            camera, calibration_expires_at=stored_time(expires) if expires else None)

    def get(self, camera_id: str) -> Camera | None:
        return self._tx.read().cameras.get(camera_id)

    def all_cameras(self) -> list[Camera]:
        cameras = self._tx.read().cameras
        return [cameras[k] for k in sorted(cameras)]

    def set_enabled(self, camera_id: str, *, enabled: bool) -> bool:
        if camera_id not in self._tx.read().cameras:
            return False
        cameras = self._tx.write().cameras
        cameras[camera_id] = dataclasses.replace(cameras[camera_id], enabled=enabled)
        return True

    def set_public_key(self, camera_id: str, public_key: bytes) -> bool:
        if camera_id not in self._tx.read().cameras:
            return False
        cameras = self._tx.write().cameras
        cameras[camera_id] = dataclasses.replace(cameras[camera_id], public_key=public_key)
        return True

    def add_section(self, section: Section) -> None:
        state = self._tx.write()
        if section.id in state.sections:
            raise IntegrityViolation(f"section {section.id} exists")
        for camera_id in (section.entry_camera_id, section.exit_camera_id):
            if camera_id not in state.cameras:
                raise IntegrityViolation(f"camera {camera_id} does not exist")
        state.sections[section.id] = dataclasses.replace(
            section, class_limits_kmh=dict(section.class_limits_kmh))

    def get_section(self, section_id: str) -> Section | None:
        return self._tx.read().sections.get(section_id)

    def sections_for(self, camera_id: str) -> list[Section]:
        return [s for s in self.list_sections()
                if camera_id in (s.entry_camera_id, s.exit_camera_id)]

    def list_sections(self) -> list[Section]:
        sections = self._tx.read().sections
        return [sections[k] for k in sorted(sections)]


def _as_stored(read: PlateRead) -> PlateRead:
    # The SQL adapter returns times in UTC to the microsecond and images sorted by role and
    # hash; returning the same keeps tests that compare objects valid against both.
    return dataclasses.replace(read, captured_at=stored_time(read.captured_at),
                               images=tuple(sorted(read.images,
                                                   key=lambda i: (i.role, i.sha256))))


class MemoryReads:
    """Reads, their images, nonces and uploaded blobs."""

    def __init__(self, tx: Transaction) -> None:
        self._tx = tx

    def payload_digest(self, read_pk: str) -> str | None:
        record = self._tx.read().reads.get(read_pk)
        return record.stored.payload_sha256 if record else None

    def add(self, read: PlateRead, *, payload_sha256: str, received_at: datetime,
            duplicate_of: str | None) -> None:
        state = self._tx.write()
        if read.id in state.reads:
            raise IntegrityViolation(f"read {read.id} exists")
        if read.camera_id not in state.cameras:
            raise IntegrityViolation(f"camera {read.camera_id} does not exist")
        state.read_sequence += 1
        state.reads[read.id] = ReadRecord(
            stored=StoredRead(read=_as_stored(read), payload_sha256=payload_sha256,
                              duplicate_of=duplicate_of, evaluated=False),
            received_at=stored_time(received_at), sequence=state.read_sequence)

    def add_many(self, reads: Sequence[tuple[PlateRead, str]], *,
                 received_at: datetime) -> None:
        for read, digest in reads:
            self.add(read, payload_sha256=digest, received_at=received_at, duplicate_of=None)

    def add_envelopes(self, rows: Sequence[tuple[str, str, bytes]]) -> None:
        if rows:
            state = self._tx.write()
            for read_pk, envelope_sha256, signature in rows:
                state.envelopes[read_pk] = (envelope_sha256, signature)

    def envelope_of(self, read_pk: str) -> tuple[str, bytes] | None:
        return self._tx.read().envelopes.get(read_pk)

    def payload_digests(self, read_pks: Sequence[str]) -> dict[str, str]:
        found = {pk: self.payload_digest(pk) for pk in read_pks}
        return {pk: digest for pk, digest in found.items() if digest is not None}

    def find_pass(self, *, read: PlateRead, window_s: float) -> str | None:
        span = timedelta(microseconds=int(window_s * 1_000_000))
        same = [r.stored for r in self._tx.read().reads.values()
                if r.stored.read.camera_id == read.camera_id
                and r.stored.read.plate_key == read.plate_key and r.stored.read.id != read.id]
        order = (read.captured_at, read.id)
        earlier = [s for s in same if read.captured_at - span <= s.read.captured_at
                   and (s.read.captured_at, s.read.id) < order]
        if earlier:
            first = min(earlier, key=lambda s: (s.read.captured_at, s.read.id))
            return first.duplicate_of or first.read.id
        later = [s for s in same if s.evaluated and s.duplicate_of is None
                 and read.captured_at <= s.read.captured_at <= read.captured_at + span]
        if not later:
            return None
        return min(later, key=lambda s: (s.read.captured_at, s.read.id)).read.id

    def mark_duplicate(self, read_pk: str, *, duplicate_of: str) -> None:
        reads = self._tx.write().reads
        record = reads[read_pk]
        reads[read_pk] = dataclasses.replace(
            record, stored=dataclasses.replace(record.stored, duplicate_of=duplicate_of))

    def get(self, read_pk: str) -> StoredRead | None:
        record = self._tx.read().reads.get(read_pk)
        return record.stored if record else None

    def get_many(self, read_pks: Sequence[str]) -> list[StoredRead]:
        stored = (self.get(pk) for pk in dict.fromkeys(read_pks))
        return [s for s in stored if s is not None]

    def unevaluated(self, *, limit: int) -> list[str]:
        pending = [r for r in self._tx.read().reads.values() if not r.stored.evaluated]
        pending.sort(key=lambda r: (to_us(r.received_at), r.sequence))
        return [r.stored.read.id for r in pending[:limit]]

    def mark_evaluated(self, read_pks: Sequence[str]) -> None:
        wanted = [pk for pk in read_pks if pk in self._tx.read().reads]
        if not wanted:
            return
        reads = self._tx.write().reads
        for pk in wanted:
            record = reads[pk]
            reads[pk] = dataclasses.replace(
                record, stored=dataclasses.replace(record.stored, evaluated=True))

    def for_plate(self, *, plate_key: str, camera_ids: Iterable[str], start: datetime,
                  end: datetime) -> list[PlateRead]:
        cameras = set(camera_ids)
        found = [r.stored.read for r in self._tx.read().reads.values()
                 if r.stored.read.plate_key == plate_key and r.stored.read.camera_id in cameras
                 and r.stored.duplicate_of is None
                 and start <= r.stored.read.captured_at <= end]
        return sorted(found, key=lambda r: (r.captured_at, r.id))

    def search(self, query: PlateQuery, *, start: datetime, end: datetime, limit: int,
               camera_regions: frozenset[str] | None = None) -> list[PlateRead]:
        state = self._tx.read()
        found = [r.stored.read for r in state.reads.values()
                 if r.stored.duplicate_of is None
                 and in_regions(state, r.stored.read.camera_id, camera_regions)
                 and start <= r.stored.read.captured_at <= end
                 and query.matches(r.stored.read.plate, r.stored.read.plate_key)]
        # Newest first, ties by id ascending, as the SQL adapter orders them.
        found.sort(key=lambda r: r.id)
        found.sort(key=lambda r: r.captured_at, reverse=True)
        return found[:limit]

    def nonce_digest(self, camera_id: str, nonce: str) -> str | None:
        record = self._tx.read().nonces.get((camera_id, nonce))
        return record.envelope_sha256 if record else None

    def add_nonce(self, camera_id: str, nonce: str, *, envelope_sha256: str,
                  seen_at: datetime) -> None:
        nonces = self._tx.write().nonces
        if (camera_id, nonce) in nonces:
            raise IntegrityViolation("nonce already recorded")
        nonces[(camera_id, nonce)] = NonceRecord(envelope_sha256=envelope_sha256,
                                                 seen_at=stored_time(seen_at))

    def nonce_digests(self, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], str]:
        found = {key: self.nonce_digest(*key) for key in keys}
        return {key: digest for key, digest in found.items() if digest is not None}

    def add_nonces(self, rows: Sequence[tuple[str, str, str]], *, seen_at: datetime) -> None:
        for camera_id, nonce, digest in rows:
            self.add_nonce(camera_id, nonce, envelope_sha256=digest, seen_at=seen_at)

    def prune_nonces(self, *, before: datetime) -> int:
        stale = [k for k, v in self._tx.read().nonces.items() if v.seen_at < before]
        if stale:
            nonces = self._tx.write().nonces
            for key in stale:
                del nonces[key]
        return len(stale)

    def add_blob(self, camera_id: str, ref: ImageRef, *, created_at: datetime) -> None:
        if self.has_blob(camera_id, ref.sha256):
            return
        state = self._tx.write()
        if camera_id not in state.cameras:
            raise IntegrityViolation(f"camera {camera_id} does not exist")
        state.blobs[(camera_id, ref.sha256)] = ref

    def has_blob(self, camera_id: str, sha256: str) -> bool:
        return (camera_id, sha256) in self._tx.read().blobs

    def evidence_camera_ids(self, sha256: str) -> frozenset[str]:
        """Cameras of the reads with this object that are behind a violation or an alert."""
        state = self._tx.read()
        read_pks = {pk for pk, r in state.reads.items()
                    if any(i.sha256 == sha256 for i in r.stored.read.images)}
        behind = ({a.read_id for a in state.alerts.values()}
                  | {pk for v in state.violations.values() for pk in v.read_ids})
        return frozenset(state.reads[pk].stored.read.camera_id for pk in read_pks & behind)
