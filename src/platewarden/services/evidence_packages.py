"""Evidence packages for confirmed violations: export (signed, redacted by default) and verify.

A package is a zip: the violation and its rule, every read and its images, the camera's
record (calibration included), the camera's own signed envelope where it can be disclosed,
a manifest of SHA-256 hashes (with per-block hashes) and the platform's Ed25519 signature
over the manifest. ``verify`` needs nothing but the zip (and, better, the platform key known
from elsewhere) and names any file and bytes that changed.
"""

from __future__ import annotations

import dataclasses
import io
import json
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from enum import Enum
from typing import Any, Protocol

from platewarden.domain.audit import AuditAction
from platewarden.domain.evidence_package import (
    MANIFEST,
    SIGNATURE,
    Problem,
    ProblemKind,
    SignatureCheck,
    build_manifest,
    canonical_json,
    check_camera_signature,
    verify_package,
)
from platewarden.domain.reads import PlateRead
from platewarden.domain.tolerance import SpeedTolerance
from platewarden.domain.violations import Violation, ViolationStatus
from platewarden.services.audit import AuditService
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.ports import EvidenceNotFound, EvidenceStore, Signer
from platewarden.services.unit_of_work import UnitOfWork, UnitOfWorkFactory

_EXTENSIONS = {"image/jpeg": "jpg", "image/png": "png", "video/mp4": "mp4"}
_MAX_PACKAGE_FILES = 2000


@dataclass(frozen=True, slots=True, kw_only=True)
class Redaction:
    """An overview image with other plates and faces blurred."""

    data: bytes
    content_type: str
    plates_blurred: int
    faces_blurred: int
    plate_kept: bool


class Redactor(Protocol):
    """Blurs every plate but ``keep_plate`` and every face in an image, irreversibly."""

    def redact(self, image: bytes, *, keep_plate: str) -> Redaction: ...


@dataclass(frozen=True, slots=True, kw_only=True)
class ExportedPackage:
    """A package ready to write, and what went into it."""

    data: bytes
    files: int
    redacted: bool
    notes: tuple[str, ...]


@dataclass(frozen=True, slots=True, kw_only=True)
class VerifyReport:
    """What ``verify`` found: problems (none means intact) and the manifest's header."""

    problems: tuple[Problem, ...]
    violation_id: str
    platform_key: str
    redacted: bool

    @property
    def ok(self) -> bool:
        """Whether the package is intact."""
        return not self.problems


class EvidencePackager:
    """Builds and verifies evidence packages."""

    def __init__(self, *, uow_factory: UnitOfWorkFactory, evidence: EvidenceStore,
                 signer: Signer, audit: AuditService, clock: Callable[[], datetime],
                 tolerance: SpeedTolerance, redactor: Redactor | None) -> None:
        self._uow_factory = uow_factory
        self._evidence = evidence
        self._signer = signer
        self._audit = audit
        self._clock = clock
        self._tolerance = tolerance
        self._redactor = redactor

    def export(self, violation_id: str, *, redact: bool = True,
               actor: str = "system") -> ExportedPackage:
        """The package for a confirmed violation; the export is audited (no plate text).

        Raises:
            NotFound: no such violation.
            ServiceError: ``conflict`` unless it is confirmed; ``invalid_field`` when a
                redacted copy is asked for and no redactor is available.
        """
        if redact and self._redactor is None:
            raise ServiceError("invalid_field", "No redactor is available: export --unredacted "
                               "for a court, or install the recognition models.")
        with self._uow_factory(read_only=True) as uow:
            violation = uow.violations.get(violation_id)
            if violation is None:
                raise NotFound(f"No violation {violation_id!r}.")
            if violation.status is not ViolationStatus.CONFIRMED:
                raise ServiceError("conflict", "Only a confirmed violation is exported.")
            files, notes = self._gather(uow, violation, redact=redact)
        header = {"violation_id": violation.id, "created_at": self._clock().isoformat(),
                  "redacted": redact, "platform_public_key": self._signer.public_key().hex(),
                  "notes": list(notes)}
        manifest = build_manifest(files, header=header)
        files[MANIFEST] = manifest
        files[SIGNATURE] = self._signer.sign(manifest).hex().encode() + b"\n"
        with self._uow_factory() as uow:
            self._audit.record(uow, actor=actor, action=AuditAction.EXPORT, target=violation.id,
                               details={"kind": "evidence-package", "redacted": str(redact)
                                        .lower(), "files": str(len(files))})
            uow.commit()
        return ExportedPackage(data=_zip(files), files=len(files), redacted=redact,
                               notes=tuple(notes))

    def _gather(self, uow: UnitOfWork, violation: Violation, *,
                redact: bool) -> tuple[dict[str, bytes], list[str]]:
        files: dict[str, bytes] = {"violation.json": canonical_json(_plain(violation)),
                                   "rule.json": canonical_json(self._rule(violation))}
        notes: list[str] = []
        reads = [stored.read for stored in uow.reads.get_many(list(violation.read_ids))]
        for camera_id in sorted({violation.camera_id, *(r.camera_id for r in reads)}):
            camera = uow.cameras.get(camera_id)
            if camera is not None:
                files[f"cameras/{_safe(camera_id)}.json"] = canonical_json(_plain(camera))
        for read in reads:
            record = _plain(read)
            record["images"] = [self._image(files, notes, read, ref, violation, redact=redact)
                                for ref in read.images]
            record["camera_signature"] = self._envelope(uow, files, notes, read, violation,
                                                        redact=redact)
            files[f"reads/{_safe(read.id)}.json"] = canonical_json(record)
        return files, notes

    def _image(self, files: dict[str, bytes], notes: list[str], read: PlateRead, ref: Any,
               violation: Violation, *, redact: bool) -> dict[str, Any]:
        entry = {"role": ref.role, "sha256": ref.sha256, "content_type": ref.content_type,
                 "size_bytes": ref.size_bytes, "file": None, "redaction": None}
        data = self._evidence.get(ref.sha256)
        ext = _EXTENSIONS.get(ref.content_type, "bin")
        if not redact or ref.role == "plate":
            entry["file"] = f"images/{ref.sha256}.{ext}"
            files[entry["file"]] = data
        elif ref.role == "overview" and self._redactor is not None:
            done = self._redactor.redact(data, keep_plate=violation.plate)
            entry["file"] = f"images/{ref.sha256}-redacted.{_EXTENSIONS[done.content_type]}"
            entry["redaction"] = {"plates_blurred": done.plates_blurred,
                                  "faces_blurred": done.faces_blurred,
                                  "offending_plate_kept": done.plate_kept}
            files[entry["file"]] = done.data
        else:
            notes.append(f"{read.id}: {ref.role} ({ref.content_type}) left out of the "
                         "redacted copy")
        return entry

    def _envelope(self, uow: UnitOfWork, files: dict[str, bytes], notes: list[str],
                  read: PlateRead, violation: Violation, *, redact: bool) -> str | None:
        link = uow.reads.envelope_of(read.id)
        if link is None:
            notes.append(f"{read.id}: the camera's signed envelope is not stored (older read)")
            return None
        envelope_sha256, signature = link
        try:
            signed = self._evidence.get(envelope_sha256)
        except EvidenceNotFound:
            notes.append(f"{read.id}: the camera's signed envelope is gone")
            return None
        others = [r.get("read_id") for r in json.loads(signed).get("reads", [])
                  if f"{read.camera_id}:{r.get('read_id')}" not in violation.read_ids]
        if redact and others:
            # It spells out other vehicles' plates: only a court copy may carry it.
            notes.append(f"{read.id}: the camera's signed envelope also holds {len(others)} "
                         "other read(s), so only the unredacted copy carries it")
            return None
        path = f"camera-signatures/{_safe(read.id)}.json"
        files[path] = canonical_json({
            "camera_id": read.camera_id, "envelope_sha256": envelope_sha256,
            "signed_bytes_hex": signed.hex(), "signature_hex": signature.hex()})
        return path

    def _rule(self, violation: Violation) -> dict[str, Any]:
        return {"type": violation.type.value, "limit": violation.limit,
                "measured": violation.measured, "tolerance_applied": violation.tolerance,
                "speed_tolerance_policy": {"absolute_kmh": self._tolerance.absolute_kmh,
                                           "percent": self._tolerance.percent},
                "details": dict(violation.details)}



def verify(data: bytes, *, signature_ok: SignatureCheck,
           pinned_key: bytes | None = None) -> VerifyReport:
    """Check a package offline: manifest signature, every file, the camera signatures.

    Args:
        data: The zip.
        signature_ok: Ed25519 verification, ``(public key, message, signature) -> bool``.
        pinned_key: The platform's public key known from elsewhere (recommended).
    """
    try:
        files = _unzip(data)
    except (zipfile.BadZipFile, ValueError) as exc:
        return VerifyReport(problems=(Problem(kind=ProblemKind.MALFORMED, path="(zip)",
                                              message=str(exc)),),
                            violation_id="", platform_key="", redacted=False)
    problems, manifest = verify_package(files, signature_ok=signature_ok, pinned_key=pinned_key)
    for path in sorted(p for p in files if p.startswith("reads/")):
        problems.extend(_check_read(files, path, signature_ok))
    return VerifyReport(problems=tuple(problems),
                        violation_id=str(manifest.get("violation_id", "")),
                        platform_key=str(manifest.get("platform_public_key", "")),
                        redacted=bool(manifest.get("redacted", False)))


def _check_read(files: dict[str, bytes], path: str,
                signature_ok: SignatureCheck) -> list[Problem]:
    try:
        read = json.loads(files[path])
        envelope_path = read.get("camera_signature")
        if envelope_path is None:
            return []
        envelope = json.loads(files[envelope_path])
        camera = json.loads(files[f"cameras/{_safe(read['camera_id'])}.json"])
        key = bytes.fromhex(camera["public_key"])
    except (KeyError, ValueError, TypeError) as exc:
        return [Problem(kind=ProblemKind.MALFORMED, path=path,
                        message=f"cannot check the camera signature: {exc}")]
    return check_camera_signature(envelope=envelope, read=read, public_key=key,
                                  signature_ok=signature_ok, path=envelope_path)


def _plain(value: Any) -> Any:
    """A record as JSON-ready values: datetimes ISO 8601, enums by value, bytes in hex."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, bytes):
        return value.hex()
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, (list, tuple, frozenset, set)):
        items = [_plain(v) for v in value]
        return sorted(items, key=str) if isinstance(value, (set, frozenset)) else items
    return value


def _safe(name: str) -> str:
    return "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def _zip(files: dict[str, bytes]) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for path in sorted(files):
            info = zipfile.ZipInfo(path, date_time=(2000, 1, 1, 0, 0, 0))
            info.compress_type = zipfile.ZIP_DEFLATED
            archive.writestr(info, files[path])
    return out.getvalue()


def _unzip(data: bytes) -> dict[str, bytes]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        infos = archive.infolist()
        if len(infos) > _MAX_PACKAGE_FILES:
            raise ValueError("too many files for an evidence package")
        files: dict[str, bytes] = {}
        for info in infos:
            if info.filename in files:
                raise ValueError(f"{info.filename} appears twice in the zip")
            files[info.filename] = archive.read(info)
    return files
