"""The camera-signature check of evidence packages: the signed envelope must hold the read."""

from __future__ import annotations

import json

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from cryptography.hazmat.primitives.serialization import Encoding, PublicFormat

from platewarden.domain.evidence_package import ProblemKind, check_camera_signature

KEY = Ed25519PrivateKey.generate()
PUBLIC = KEY.public_key().public_bytes(Encoding.Raw, PublicFormat.Raw)
SENT = {"camera_id": "cam-1", "reads": [{"read_id": "r1", "plate": "01 A 123 BC",
                                         "captured_at": "2026-03-02T10:00:00Z",
                                         "images": [{"sha256": "ab" * 32}]}]}
READ = {"camera_id": "cam-1", "read_id": "r1", "plate_raw": "01 A 123 BC",
        "captured_at": "2026-03-02T10:00:00+00:00", "images": [{"sha256": "ab" * 32}]}


def ok(key: bytes, message: bytes, signature: bytes) -> bool:
    try:
        Ed25519PublicKey.from_public_bytes(key).verify(signature, message)
    except InvalidSignature:
        return False
    return True


def envelope(sent: dict[str, object], *, key: Ed25519PrivateKey = KEY) -> dict[str, str]:
    signed = json.dumps(sent).encode()
    return {"signed_bytes_hex": signed.hex(), "signature_hex": key.sign(signed).hex()}


def check(env: dict[str, str], read: dict[str, object]) -> list[ProblemKind]:
    return [p.kind for p in check_camera_signature(envelope=env, read=read, public_key=PUBLIC,
                                                   signature_ok=ok, path="sig.json")]


def test_a_matching_signed_read_passes_and_differences_are_caught() -> None:
    assert check(envelope(SENT), READ) == []
    assert check(envelope(SENT), {**READ, "plate_raw": "01 A 123 BD"}) == \
        [ProblemKind.CAMERA_SIGNATURE]
    assert check(envelope(SENT), {**READ, "images": [{"sha256": "cd" * 32}]}) == \
        [ProblemKind.CAMERA_SIGNATURE]
    assert check(envelope(SENT), {**READ, "read_id": "r2"}) == [ProblemKind.CAMERA_SIGNATURE]
    assert check(envelope(SENT, key=Ed25519PrivateKey.generate()), READ) == \
        [ProblemKind.CAMERA_SIGNATURE]
    assert check({"signed_bytes_hex": "zz"}, READ) == [ProblemKind.CAMERA_SIGNATURE]
