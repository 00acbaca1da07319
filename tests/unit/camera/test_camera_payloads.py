"""Envelopes follow the ingest contract and verify with the camera's public key."""

from __future__ import annotations

import base64
import copy
import hashlib
import json
from datetime import UTC, datetime, timedelta, timezone

import pytest

from platewarden.camera.keys import generate_key_pair, private_key_from_raw, public_key_from_raw
from platewarden.camera.payloads import Attachment, ReadPayload, build_envelope
from platewarden.domain.reads import Alternative, ImageRef
from platewarden.domain.signing import canonical_bytes

T0 = datetime(2026, 11, 26, 14, 59, 58, 10000, tzinfo=UTC)


def make_read(read_id: str = "000123", **overrides: object) -> ReadPayload:
    fields: dict[str, object] = {
        "read_id": read_id, "captured_at": T0, "plate": "01A123BC", "confidence": 0.97,
        "alternatives": (Alternative(text="01A123BG", confidence=0.02),),
        "vehicle_class": "car", "lane": 1, "direction": "towards Samarkand",
        "speed_kmh": 118.0, "speed_method": "radar",
        "images": (Attachment(role="plate", content_type="image/jpeg", data=b"\xff\xd8crop"),
                   Attachment(role="overview", content_type="image/jpeg", data=b"\xff\xd8ov")),
    }
    fields.update(overrides)
    return ReadPayload(**fields)  # type: ignore[arg-type]


def test_envelope_matches_the_contract_and_verifies() -> None:
    pair = generate_key_pair()
    env = build_envelope(camera_id="tas-m39-km012-e", private_key=private_key_from_raw(
        pair.private_key), reads=[make_read()], sent_at=T0 + timedelta(seconds=2), nonce="a" * 32)
    assert set(env) == {"camera_id", "sent_at", "nonce", "reads", "blobs", "signature"}
    assert env["sent_at"] == "2026-11-26T15:00:00.010000+00:00"
    read = env["reads"][0]
    assert read["captured_at"] == "2026-11-26T14:59:58.010000+00:00"
    assert read["alternatives"] == [{"text": "01A123BG", "confidence": 0.02}]
    assert read["signal_phase"] is None
    assert read["time_into_red_s"] is None
    crop = read["images"][0]
    assert crop == {"role": "plate", "sha256": hashlib.sha256(b"\xff\xd8crop").hexdigest(),
                    "content_type": "image/jpeg", "size_bytes": 6}
    assert base64.b64decode(env["blobs"][crop["sha256"]]) == b"\xff\xd8crop"
    json.dumps(env)  # JSON-ready
    public = public_key_from_raw(pair.public_key)
    public.verify(base64.b64decode(env["signature"]), canonical_bytes(env))


def test_blobs_are_not_signed_but_hashes_are() -> None:
    pair = generate_key_pair()
    key = private_key_from_raw(pair.private_key)
    env = build_envelope(camera_id="c", private_key=key, reads=[make_read()], sent_at=T0,
                         nonce="n" * 16)
    tampered = copy.deepcopy(env)
    tampered["blobs"] = {}
    assert canonical_bytes(tampered) == canonical_bytes(env)
    env["reads"][0]["images"][0]["size_bytes"] = 7
    assert canonical_bytes(env) != canonical_bytes(tampered)


def test_times_are_sent_in_utc() -> None:
    tashkent = timezone(timedelta(hours=5))
    pair = generate_key_pair()
    env = build_envelope(camera_id="c", private_key=private_key_from_raw(pair.private_key),
                         reads=[make_read(captured_at=T0.astimezone(tashkent))],
                         sent_at=T0.astimezone(tashkent), nonce="n" * 16)
    assert env["sent_at"].endswith("+00:00")
    assert env["reads"][0]["captured_at"] == "2026-11-26T14:59:58.010000+00:00"


def test_naive_datetimes_are_refused() -> None:
    pair = generate_key_pair()
    with pytest.raises(ValueError, match="timezone"):
        build_envelope(camera_id="c", private_key=private_key_from_raw(pair.private_key),
                       reads=[make_read(captured_at=T0.replace(tzinfo=None))], sent_at=T0,
                       nonce="n" * 16)


def test_shared_images_are_inlined_once_and_refs_are_not_inlined() -> None:
    clip = ImageRef(role="clip", sha256="ab" * 32, content_type="video/mp4", size_bytes=10)
    reads = [make_read("1"), make_read("2", images=(*make_read().images, clip))]
    pair = generate_key_pair()
    env = build_envelope(camera_id="c", private_key=private_key_from_raw(pair.private_key),
                         reads=reads, sent_at=T0, nonce="n" * 16)
    assert len(env["blobs"]) == 2
    assert env["reads"][1]["images"][2]["sha256"] == "ab" * 32
    assert "ab" * 32 not in env["blobs"]


def test_envelope_size_limits() -> None:
    key = private_key_from_raw(generate_key_pair().private_key)
    with pytest.raises(ValueError, match=r"1\.\.500"):
        build_envelope(camera_id="c", private_key=key, reads=[], sent_at=T0, nonce="n" * 16)
