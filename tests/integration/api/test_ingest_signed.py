"""Camera ingest through a real server with the real signing client: every rejection."""

from __future__ import annotations

import base64
import hashlib
import json
import secrets
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import httpx
import pytest

from platewarden.bootstrap import Container
from platewarden.camera.client import CameraClient, IngestRejected
from platewarden.camera.keys import generate_key_pair, private_key_from_raw
from platewarden.camera.payloads import Attachment, build_envelope
from platewarden.domain.messages import DisableCamera
from platewarden.domain.signing import blob_signing_bytes, canonical_bytes
from support.factories import jpeg_bytes, make_container, make_read, register_camera
from support.server import running_server

pytestmark = pytest.mark.integration


@pytest.fixture
def env(tmp_path: Path, database_url: str) -> Iterator[tuple[Container, str, str, bytes]]:
    container = make_container(tmp_path / "data", max_upload_bytes=256 * 1024,
                               database_url=database_url)
    camera_id, key = register_camera(container)
    with running_server(container) as url:
        yield container, url, camera_id, key
    container.stop()


def stored_reads(container: Container) -> int:
    with container.engine.connect() as conn:
        return int(conn.exec_driver_sql("select count(*) from reads").scalar_one())


def post_envelope(url: str, envelope: dict[str, object], path: str = "read") -> httpx.Response:
    return httpx.post(f"{url}/api/v1/ingest/{path}", json=envelope, timeout=10)


def signed(camera_id: str, key: bytes, reads: list[object], **kw: object) -> dict[str, object]:
    return build_envelope(camera_id=camera_id, private_key=private_key_from_raw(key),
                          reads=reads, sent_at=kw.get("sent_at", datetime.now(UTC)),  # type: ignore[arg-type]
                          nonce=str(kw.get("nonce", secrets.token_hex(16))))


def assert_rejected(response: httpx.Response, status: int, code: str) -> None:
    assert response.status_code == status, response.text
    body = response.json()
    assert body["error"]["code"] == code
    assert body["error"]["message"]


def test_accepts_a_signed_read_and_a_batch(env: tuple[Container, str, str, bytes]) -> None:
    container, url, camera_id, key = env
    with CameraClient(base_url=url, camera_id=camera_id, private_key=key) as client:
        one = client.send_reads([make_read()])
        many = client.send_reads([make_read(plate=f"01A{n:03d}BC") for n in range(5)])
    assert len(one.accepted) == 1
    assert len(many.accepted) == 5
    assert stored_reads(container) == 6


def test_the_same_read_twice_is_stored_once(env: tuple[Container, str, str, bytes]) -> None:
    container, url, camera_id, key = env
    read = make_read()
    with CameraClient(base_url=url, camera_id=camera_id, private_key=key) as client:
        first = client.send_reads([read])
        again = client.send_reads([read])
    assert first.accepted == (read.read_id,)
    assert again.duplicates == (read.read_id,)
    assert stored_reads(container) == 1


def test_resending_the_identical_envelope_is_idempotent(
        env: tuple[Container, str, str, bytes]) -> None:
    container, url, camera_id, key = env
    envelope = signed(camera_id, key, [make_read()])
    assert post_envelope(url, envelope).status_code == 200
    again = post_envelope(url, envelope)
    assert again.status_code == 200
    assert again.json()["results"][0]["status"] == "duplicate"
    assert stored_reads(container) == 1


def test_a_reused_nonce_with_other_content_is_a_replay(
        env: tuple[Container, str, str, bytes]) -> None:
    container, url, camera_id, key = env
    nonce = secrets.token_hex(16)
    assert post_envelope(url, signed(camera_id, key, [make_read()], nonce=nonce)).is_success
    replay = post_envelope(url, signed(camera_id, key, [make_read()], nonce=nonce))
    assert_rejected(replay, 409, "replayed_nonce")
    assert stored_reads(container) == 1


def test_same_read_id_with_other_content_conflicts(
        env: tuple[Container, str, str, bytes]) -> None:
    _, url, camera_id, key = env
    read = make_read(read_id="fixed-1")
    with CameraClient(base_url=url, camera_id=camera_id, private_key=key) as client:
        client.send_reads([read])
        with pytest.raises(IngestRejected) as caught:
            client.send_reads([replace(read, plate="01A999ZZ")])
    assert (caught.value.status, caught.value.code) == (409, "read_id_conflict")


def test_unknown_camera(env: tuple[Container, str, str, bytes]) -> None:
    _, url, _, _ = env
    stranger = generate_key_pair()
    with (CameraClient(base_url=url, camera_id="no-such-camera",
                       private_key=stranger.private_key) as client,
          pytest.raises(IngestRejected) as caught):
        client.send_reads([make_read()])
    assert (caught.value.status, caught.value.code) == (401, "unknown_camera")


def test_wrong_key(env: tuple[Container, str, str, bytes]) -> None:
    _, url, camera_id, _ = env
    with (CameraClient(base_url=url, camera_id=camera_id,
                       private_key=generate_key_pair().private_key) as client,
          pytest.raises(IngestRejected) as caught):
        client.send_reads([make_read()])
    assert (caught.value.status, caught.value.code) == (401, "bad_signature")


def test_a_field_changed_after_signing(env: tuple[Container, str, str, bytes]) -> None:
    container, url, camera_id, key = env
    envelope = signed(camera_id, key, [make_read(speed_kmh=80.0)])
    envelope["reads"][0]["speed_kmh"] = 60.0  # type: ignore[index]
    assert_rejected(post_envelope(url, envelope), 401, "bad_signature")
    assert stored_reads(container) == 0


def test_disabled_camera(env: tuple[Container, str, str, bytes]) -> None:
    container, url, camera_id, key = env
    container.cameras.disable(DisableCamera(camera_id=camera_id))
    assert_rejected(post_envelope(url, signed(camera_id, key, [make_read()])), 403,
                    "camera_disabled")


@pytest.mark.parametrize("offset_s", [-3600, 3600])
def test_clock_skew(env: tuple[Container, str, str, bytes], offset_s: int) -> None:
    _, url, camera_id, key = env
    envelope = signed(camera_id, key, [make_read()],
                      sent_at=datetime.now(UTC) + timedelta(seconds=offset_s))
    assert_rejected(post_envelope(url, envelope), 401, "clock_skew")


def test_image_bytes_that_do_not_match_their_hash(
        env: tuple[Container, str, str, bytes]) -> None:
    container, url, camera_id, key = env
    envelope = signed(camera_id, key, [make_read()])
    blobs = envelope["blobs"]
    assert isinstance(blobs, dict)
    sha = next(iter(blobs))
    blobs[sha] = base64.b64encode(jpeg_bytes(seed=999)).decode()
    assert_rejected(post_envelope(url, envelope), 422, "image_hash_mismatch")
    assert stored_reads(container) == 0


def test_missing_image(env: tuple[Container, str, str, bytes]) -> None:
    _, url, camera_id, key = env
    envelope = signed(camera_id, key, [make_read()])
    envelope["blobs"] = {}
    assert_rejected(post_envelope(url, envelope), 422, "image_missing")


def test_non_image_bytes(env: tuple[Container, str, str, bytes]) -> None:
    _, url, camera_id, key = env
    fake = Attachment(role="plate", content_type="image/jpeg", data=b"#!/bin/sh\nrm -rf /\n")
    envelope = signed(camera_id, key, [make_read(images=(fake,))])
    assert_rejected(post_envelope(url, envelope), 422, "not_an_image")


def test_oversized_body(env: tuple[Container, str, str, bytes]) -> None:
    _, url, camera_id, key = env
    big = Attachment(role="overview", content_type="image/jpeg",
                     data=b"\xff\xd8\xff" + secrets.token_bytes(400 * 1024))
    envelope = signed(camera_id, key, [make_read(images=(big,))])
    assert_rejected(post_envelope(url, envelope), 413, "body_too_large")


def test_malformed_json(env: tuple[Container, str, str, bytes]) -> None:
    _, url, _, _ = env
    response = httpx.post(f"{url}/api/v1/ingest/read", content=b"{not json",
                          headers={"content-type": "application/json"})
    assert_rejected(response, 400, "malformed_json")


@pytest.mark.parametrize(("field", "value"), [
    ("confidence", 5), ("plate", "01A123BC; DROP TABLE"), ("lane", 0),
    ("captured_at", "yesterday"), ("clock_sync", "perfect"),
])
def test_malformed_fields(env: tuple[Container, str, str, bytes], field: str,
                          value: object) -> None:
    _, url, camera_id, key = env
    envelope = signed(camera_id, key, [make_read()])
    envelope["reads"][0][field] = value  # type: ignore[index]
    response = post_envelope(url, envelope)
    assert_rejected(response, 422, "invalid_field")
    assert field in response.json()["error"]["message"]


def test_batch_too_large(env: tuple[Container, str, str, bytes]) -> None:
    container, url, camera_id, key = env
    envelope = signed(camera_id, key, [make_read(images=())])
    read_json = envelope["reads"][0]  # type: ignore[index]
    envelope["reads"] = [dict(read_json, read_id=f"b{n}") for n in range(501)]
    envelope["signature"] = base64.b64encode(
        private_key_from_raw(key).sign(canonical_bytes(envelope))).decode()
    assert_rejected(post_envelope(url, envelope, "batch"), 413, "batch_too_large")
    assert stored_reads(container) == 0


def test_single_route_takes_one_read(env: tuple[Container, str, str, bytes]) -> None:
    _, url, camera_id, key = env
    envelope = signed(camera_id, key, [make_read(), make_read()])
    assert_rejected(post_envelope(url, envelope, "read"), 422, "invalid_field")


def test_clip_upload_then_a_read_that_refers_to_it(
        env: tuple[Container, str, str, bytes]) -> None:
    container, url, camera_id, key = env
    clip = b"\x00\x00\x00\x18ftypmp42" + secrets.token_bytes(300_000)
    with CameraClient(base_url=url, camera_id=camera_id, private_key=key) as client:
        upload = client.upload_blob(clip, "video/mp4")
        assert upload.created
        assert not client.upload_blob(clip, "video/mp4").created
        result = client.send_reads([make_read(images=(upload.ref,))])
    assert len(result.accepted) == 1
    assert container.evidence.get(upload.ref.sha256) == clip


def test_clip_upload_with_wrong_hash_keeps_nothing(
        env: tuple[Container, str, str, bytes]) -> None:
    container, url, camera_id, key = env
    clip = b"\x00\x00\x00\x18ftypmp42" + secrets.token_bytes(1000)
    wrong = hashlib.sha256(b"other").hexdigest()
    sent_at, nonce = datetime.now(UTC).isoformat(), secrets.token_hex(16)
    signature = private_key_from_raw(key).sign(blob_signing_bytes(
        camera_id=camera_id, sha256=wrong, size_bytes=len(clip), content_type="video/mp4",
        sent_at=sent_at, nonce=nonce))
    response = httpx.put(f"{url}/api/v1/ingest/blobs/{wrong}", content=clip, headers={
        "X-Platewarden-Camera": camera_id, "X-Platewarden-Sent-At": sent_at,
        "X-Platewarden-Nonce": nonce, "content-type": "video/mp4",
        "X-Platewarden-Signature": base64.b64encode(signature).decode()})
    assert_rejected(response, 422, "image_hash_mismatch")
    assert not container.evidence.exists(wrong)


def test_error_bodies_never_echo_plate_text(env: tuple[Container, str, str, bytes]) -> None:
    _, url, camera_id, key = env
    envelope = signed(camera_id, key, [make_read(plate="77Q777QQ")])
    envelope["reads"][0]["confidence"] = 7  # type: ignore[index]
    response = post_envelope(url, envelope)
    assert "77Q777QQ" not in json.dumps(response.json())
