"""Evidence packages: the manifest that binds every file, and offline verification.

The manifest lists each file's SHA-256, size and the SHA-256 (first 16 bytes) of every
1 KiB block, so a verifier names not just the changed file but the bytes that changed. The
platform signs the manifest's exact bytes (Ed25519); the camera's own signature over the
envelope its read came in is carried beside it and checked against the camera's key and the
read record. Pure: signature checks are passed in as functions.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

FORMAT = "platewarden-evidence-package-v1"
MANIFEST = "manifest.json"
SIGNATURE = "manifest.sig"
BLOCK_SIZE = 1024
_BLOCK_HEX = 32

SignatureCheck = Callable[[bytes, bytes, bytes], bool]  # (public key, message, signature)


class ProblemKind(StrEnum):
    """What is wrong with a package."""

    MISSING = "missing"
    CHANGED = "changed"
    ADDED = "added"
    SIGNATURE = "signature"
    CAMERA_SIGNATURE = "camera-signature"
    MALFORMED = "malformed"


@dataclass(frozen=True, slots=True, kw_only=True)
class Problem:
    """One thing that fails verification, named precisely."""

    kind: ProblemKind
    path: str
    message: str


def canonical_json(value: Any) -> bytes:
    """Sorted keys, two-space indent, trailing newline: the bytes records are stored as."""
    return json.dumps(value, indent=2, sort_keys=True, ensure_ascii=False).encode() + b"\n"


def file_entry(data: bytes) -> dict[str, Any]:
    """A manifest entry: hash, size and per-block hashes."""
    blocks = [hashlib.sha256(data[i:i + BLOCK_SIZE]).hexdigest()[:_BLOCK_HEX]
              for i in range(0, len(data), BLOCK_SIZE)]
    return {"sha256": hashlib.sha256(data).hexdigest(), "size": len(data), "blocks": blocks}


def build_manifest(files: Mapping[str, bytes], *, header: Mapping[str, Any]) -> bytes:
    """The manifest over ``files`` (everything but the manifest and its signature)."""
    return canonical_json({**header, "format": FORMAT, "block_size": BLOCK_SIZE,
                           "files": {path: file_entry(data)
                                     for path, data in sorted(files.items())}})


def verify_package(files: Mapping[str, bytes], *, signature_ok: SignatureCheck,
                   pinned_key: bytes | None = None) -> tuple[list[Problem], dict[str, Any]]:
    """Every problem with a package, and its manifest (empty if unreadable).

    Args:
        files: The package's files by path.
        signature_ok: Ed25519 verification, ``(public key, message, signature) -> bool``.
        pinned_key: The platform's public key known from elsewhere; without it, the key in
            the manifest is used (and the caller should show its fingerprint).
    """
    raw, signature = files.get(MANIFEST), files.get(SIGNATURE)
    if raw is None or signature is None:
        missing = MANIFEST if raw is None else SIGNATURE
        return [Problem(kind=ProblemKind.MISSING, path=missing, message="not in the package")], {}
    try:
        manifest = json.loads(raw)
        key = pinned_key or bytes.fromhex(manifest["platform_public_key"])
        listed: dict[str, Any] = manifest["files"]
    except (ValueError, KeyError, TypeError) as exc:
        return [Problem(kind=ProblemKind.MALFORMED, path=MANIFEST, message=str(exc))], {}
    problems = []
    if not signature_ok(key, raw, _unhex(signature)):
        problems.append(Problem(kind=ProblemKind.SIGNATURE, path=MANIFEST,
                                message="the platform signature over the manifest does not "
                                        "verify: the manifest was changed or signed by "
                                        "another key"))
    for path, entry in sorted(listed.items()):
        data = files.get(path)
        if data is None:
            problems.append(Problem(kind=ProblemKind.MISSING, path=path,
                                    message="listed in the manifest but not in the package"))
        elif hashlib.sha256(data).hexdigest() != entry.get("sha256"):
            problems.append(Problem(kind=ProblemKind.CHANGED, path=path,
                                    message=_where_changed(data, entry)))
    for path in sorted(set(files) - set(listed) - {MANIFEST, SIGNATURE}):
        problems.append(Problem(kind=ProblemKind.ADDED, path=path,
                                message="in the package but not in the manifest"))
    return problems, manifest


def check_camera_signature(*, envelope: Mapping[str, Any], read: Mapping[str, Any],
                           public_key: bytes, signature_ok: SignatureCheck,
                           path: str) -> list[Problem]:
    """The camera's signature over its envelope, and that the envelope holds this read.

    ``envelope`` is the package's camera-signature record: the signed bytes and the signature
    (hex); ``read`` the read record the package shows.
    """
    def problem(message: str) -> list[Problem]:
        return [Problem(kind=ProblemKind.CAMERA_SIGNATURE, path=path, message=message)]

    try:
        signed = bytes.fromhex(envelope["signed_bytes_hex"])
        signature = bytes.fromhex(envelope["signature_hex"])
        sent = json.loads(signed)
    except (KeyError, ValueError, TypeError):
        return problem("the camera-signature record is malformed")
    if not signature_ok(public_key, signed, signature):
        return problem("the camera's signature does not verify with the camera's key")
    match = [r for r in sent.get("reads", []) if r.get("read_id") == read.get("read_id")]
    if sent.get("camera_id") != read.get("camera_id") or not match:
        return problem("the signed envelope does not hold this read")
    signed_read = match[0]
    signed_images = sorted(i.get("sha256") for i in signed_read.get("images", []))
    shown_images = sorted(i.get("sha256") for i in read.get("images", []))
    if signed_read.get("plate") != read.get("plate_raw") or signed_images != shown_images \
            or not _same_time(signed_read.get("captured_at"), read.get("captured_at")):
        return problem("the read record differs from what the camera signed")
    return []


def _same_time(a: object, b: object) -> bool:
    try:
        return datetime.fromisoformat(str(a).replace("Z", "+00:00")) == \
            datetime.fromisoformat(str(b).replace("Z", "+00:00"))
    except ValueError:
        return False


def _where_changed(data: bytes, entry: Mapping[str, Any]) -> str:
    size = entry.get("size")
    blocks = entry.get("blocks", [])
    for index in range(max(len(blocks), -(-len(data) // BLOCK_SIZE))):
        chunk = data[index * BLOCK_SIZE:(index + 1) * BLOCK_SIZE]
        actual = hashlib.sha256(chunk).hexdigest()[:_BLOCK_HEX] if chunk else None
        expected = blocks[index] if index < len(blocks) else None
        if actual != expected:
            low = index * BLOCK_SIZE
            return (f"bytes {low}-{low + BLOCK_SIZE - 1} changed (SHA-256 differs; "
                    f"{len(data)} bytes, manifest says {size})")
    return f"SHA-256 differs ({len(data)} bytes, manifest says {size})"


def _unhex(text: bytes) -> bytes:
    try:
        return bytes.fromhex(text.decode("ascii"))
    except (UnicodeDecodeError, ValueError):
        return b""
