"""BlobService: signed clip uploads, checked from the headers, then streamed and recorded."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import timedelta
from typing import Any

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from platewarden.camera.payloads import utc_iso
from platewarden.domain.reads import ImageRef
from platewarden.domain.signing import blob_signing_bytes
from platewarden.services.blobs import BlobService, UploadBlob
from platewarden.services.errors import IngestError

from .factories import NOW, World, envelope, jpeg, make_world, new_nonce, payload
from .factories import command as parse

MP4 = (24).to_bytes(4, "big") + b"ftypisom" + b"\x00\x00\x02\x00" + b"isomiso2" + b"\x01" * 500


@pytest.fixture
def world() -> Iterator[World]:
    world = make_world()
    yield world
    world.close()


def blob_service(world: World, *, max_clip_bytes: int = 10_000) -> BlobService:
    return BlobService(ingest=world.ingest, committer=world.committer, evidence=world.evidence,
                       max_clip_bytes=max_clip_bytes, clock=world.clock)


def upload(key: Ed25519PrivateKey, data: bytes = MP4, **fields: Any) -> UploadBlob:
    """A signed upload command for ``data`` (fields override what is signed *and* sent)."""
    values: dict[str, Any] = {"camera_id": "cam-1", "sha256": hashlib.sha256(data).hexdigest(),
                              "content_type": "video/mp4", "size_bytes": len(data),
                              "sent_at": NOW, "nonce": new_nonce()}
    values.update(fields)
    values["sent_at_text"] = utc_iso(values["sent_at"])
    signed = blob_signing_bytes(camera_id=values["camera_id"], sha256=values["sha256"],
                                size_bytes=values["size_bytes"],
                                content_type=values["content_type"],
                                sent_at=values["sent_at_text"], nonce=values["nonce"])
    return UploadBlob(signature=key.sign(signed), **values)


def chunks(data: bytes, size: int = 100) -> list[bytes]:
    return [data[i:i + size] for i in range(0, len(data), size)]


def test_an_upload_is_stored_and_recorded(world: World) -> None:
    key = world.register("cam-1")
    blobs, command = blob_service(world), upload(key)
    blobs.check(command)
    assert blobs.store(command, chunks(MP4))
    assert world.evidence.get(command.sha256) == MP4
    with world.uow_factory(read_only=True) as uow:
        assert uow.reads.has_blob("cam-1", command.sha256)
    again = upload(key)
    assert not blobs.store(again, chunks(MP4))  # already there: 200, not 201


@pytest.mark.parametrize(("fields", "code"), [
    ({"sha256": "A" * 64}, "invalid_field"),
    ({"content_type": "application/zip"}, "not_an_image"),
    ({"size_bytes": 10_001}, "body_too_large"),
    ({"camera_id": "cam-9"}, "unknown_camera"),
    ({"sent_at": NOW - timedelta(seconds=301)}, "clock_skew"),
])
def test_check_refuses_from_the_headers(world: World, fields: dict[str, Any],
                                        code: str) -> None:
    key = world.register("cam-1")
    with pytest.raises(IngestError) as caught:
        blob_service(world).check(upload(key, **fields))
    assert caught.value.code == code


def test_check_refuses_a_signature_by_another_key(world: World) -> None:
    world.register("cam-1")
    with pytest.raises(IngestError) as caught:
        blob_service(world).check(upload(Ed25519PrivateKey.generate()))
    assert caught.value.code == "bad_signature"


@pytest.mark.parametrize(("data", "code"), [
    (b"\x00" * 600, "not_an_image"),
    (MP4[:-1] + b"\x02", "image_hash_mismatch"),
])
def test_store_refuses_bad_bytes(world: World, data: bytes, code: str) -> None:
    key = world.register("cam-1")
    command = upload(key)
    with pytest.raises(IngestError) as caught:
        blob_service(world).store(command, chunks(data))
    assert caught.value.code == code
    assert not world.evidence.exists(command.sha256)


def test_store_refuses_more_bytes_than_declared(world: World) -> None:
    key = world.register("cam-1")
    command = upload(key, size_bytes=len(MP4) - 1)
    with pytest.raises(IngestError) as caught:
        blob_service(world).store(command, chunks(MP4))
    assert caught.value.code == "body_too_large"


def test_a_reused_nonce_is_a_replay(world: World) -> None:
    key = world.register("cam-1")
    blobs, command = blob_service(world), upload(key, nonce="n" * 16)
    blobs.store(command, chunks(MP4))
    with pytest.raises(IngestError) as caught:
        blobs.store(command, chunks(MP4))
    assert caught.value.code == "replayed_nonce"


def test_a_stream_whose_first_chunk_is_short_is_accepted(world: World) -> None:
    key = world.register("cam-1")
    command = upload(key)
    assert blob_service(world).store(command, [MP4[:5], MP4[5:]])


def test_the_uploaded_clip_can_then_be_referenced_by_a_read(world: World) -> None:
    key = world.register("cam-1")
    command = upload(key)
    blob_service(world).store(command, chunks(MP4))
    clip = ImageRef(role="clip", sha256=command.sha256, content_type="video/mp4",
                    size_bytes=len(MP4))
    message = envelope("cam-1", key, payload(images=[jpeg(), clip]))
    assert [o.status for o in world.ingest.submit(parse(message))] == ["accepted"]
