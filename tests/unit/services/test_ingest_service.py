"""IngestService: every refusal has its code, and only accepted reads are stored and announced."""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import threading
from collections.abc import Iterator
from datetime import timedelta

import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey

from platewarden.camera.payloads import Attachment, sign
from platewarden.domain.messages import DisableCamera, ReadAccepted
from platewarden.services.errors import IngestError
from platewarden.services.unit_of_work import StoredRead, ViolationFilter

from .factories import (
    NOW,
    PNG_MAGIC,
    World,
    command,
    envelope,
    image_bytes,
    jpeg,
    make_world,
    payload,
)


@pytest.fixture
def world() -> Iterator[World]:
    world = make_world(max_batch_reads=3, max_image_bytes=5_000)
    yield world
    world.close()


def stored(world: World) -> dict[str, StoredRead]:
    """Every stored read (of the ids these tests use) by its platform-wide id."""
    ids = [f"cam-{c}:r{n}" for c in range(8) for n in range(8)]
    with world.uow_factory(read_only=True) as uow:
        return {s.read.id: s for s in uow.reads.get_many(ids)}


def refused(world: World, message: dict[str, object]) -> str:
    """The error code ``submit`` refuses ``message`` with."""
    with pytest.raises(IngestError) as caught:
        world.ingest.submit(command(message))
    return caught.value.code


def test_an_accepted_read_is_stored_with_its_evidence_and_announced(world: World) -> None:
    key = world.register("cam-1")
    crop = jpeg()
    sent = command(envelope("cam-1", key, payload(
        "r1", plate="01 a 123 bc", images=[crop], speed_kmh=72.0, speed_method="radar")))
    outcomes = world.ingest.submit(sent)
    assert [(o.read_id, o.status) for o in outcomes] == [("r1", "accepted")]
    # The camera's signed bytes are kept as evidence, linked with the signature to the read.
    digest = hashlib.sha256(sent.signed_bytes).hexdigest()
    assert world.evidence.get(digest) == sent.signed_bytes
    with world.uow_factory(read_only=True) as uow:
        assert uow.reads.envelope_of("cam-1:r1") == (digest, sent.signature)
    read = stored(world)["cam-1:r1"].read
    assert (read.plate_raw, read.plate, read.region) == ("01 a 123 bc", "01A123BC",
                                                         "Tashkent city")
    assert read.images == (crop.ref(),)
    assert read.speed_kmh == 72.0
    assert world.evidence.get(crop.sha256) == crop.data
    assert world.evidence.unsynced == set()  # made durable before the acknowledgement
    assert world.publisher.of(ReadAccepted) == [
        ReadAccepted(read_id="cam-1:r1", camera_id="cam-1", captured_at=NOW,
                     clock_sync=read.clock_sync.value)]


def test_the_same_envelope_retried_is_a_duplicate(world: World) -> None:
    key = world.register("cam-1")
    message = envelope("cam-1", key, payload("r1"))
    world.ingest.submit(command(message))
    outcomes = world.ingest.submit(command(message))
    assert [o.status for o in outcomes] == ["duplicate"]
    assert len(world.publisher.of(ReadAccepted)) == 1


def test_the_same_read_in_a_new_envelope_is_a_duplicate(world: World) -> None:
    key = world.register("cam-1")
    read = payload("r1")
    world.ingest.submit(command(envelope("cam-1", key, read)))
    outcomes = world.ingest.submit(command(envelope("cam-1", key, read,
                                                    sent_at=NOW + timedelta(seconds=5))))
    assert [o.status for o in outcomes] == ["duplicate"]


def test_a_read_id_reused_for_other_content_is_refused(world: World) -> None:
    key = world.register("cam-1")
    world.ingest.submit(command(envelope("cam-1", key, payload("r1"))))
    assert refused(world, envelope("cam-1", key, payload("r1", plate="01B999CC"))) == (
        "read_id_conflict")
    assert stored(world)["cam-1:r1"].read.plate == "01A123BC"


def test_a_nonce_reused_for_another_envelope_is_a_replay(world: World) -> None:
    key = world.register("cam-1")
    world.ingest.submit(command(envelope("cam-1", key, payload("r1"), nonce="n" * 16)))
    assert refused(world, envelope("cam-1", key, payload("r2"), nonce="n" * 16)) == (
        "replayed_nonce")
    assert set(stored(world)) == {"cam-1:r1"}


def test_a_refused_envelope_in_a_batch_leaves_no_nonce_behind(world: World) -> None:
    key = world.register("cam-1")
    world.ingest.submit(command(envelope("cam-1", key, payload("r1"))))
    conflicting = envelope("cam-1", key, payload("r1", plate="01B999CC"), nonce="m" * 16)
    assert refused(world, conflicting) == "read_id_conflict"
    with world.uow_factory(read_only=True) as uow:
        assert uow.reads.nonce_digest("cam-1", "m" * 16) is None


def test_unknown_camera(world: World) -> None:
    key = Ed25519PrivateKey.generate()
    assert refused(world, envelope("cam-x", key, payload())) == "unknown_camera"


def test_disabled_camera(world: World) -> None:
    key = world.register("cam-1")
    world.cameras.disable(DisableCamera(camera_id="cam-1"))
    assert refused(world, envelope("cam-1", key, payload())) == "camera_disabled"


def test_a_signature_by_another_key_is_refused(world: World) -> None:
    world.register("cam-1")
    other = Ed25519PrivateKey.generate()
    assert refused(world, envelope("cam-1", other, payload())) == "bad_signature"


def test_a_tampered_envelope_is_refused(world: World) -> None:
    key = world.register("cam-1")
    message = envelope("cam-1", key, payload(speed_kmh=95.0))
    message["reads"][0]["speed_kmh"] = 55.0
    assert refused(world, message) == "bad_signature"
    assert stored(world) == {}
    assert world.publisher.of(ReadAccepted) == []


@pytest.mark.parametrize("offset_s", [-301, 301])
def test_clock_skew_either_way_is_refused(world: World, offset_s: float) -> None:
    key = world.register("cam-1")
    late = envelope("cam-1", key, payload(), sent_at=NOW + timedelta(seconds=offset_s))
    assert refused(world, late) == "clock_skew"


@pytest.mark.parametrize("offset_s", [-300, 300])
def test_clock_skew_at_the_limit_is_accepted(world: World, offset_s: float) -> None:
    key = world.register("cam-1")
    message = envelope("cam-1", key, payload(), sent_at=NOW + timedelta(seconds=offset_s))
    assert [o.status for o in world.ingest.submit(command(message))] == ["accepted"]


def test_an_image_neither_attached_nor_uploaded_is_missing(world: World) -> None:
    key = world.register("cam-1")
    submit = dataclasses.replace(command(envelope("cam-1", key, payload())), blobs={})
    with pytest.raises(IngestError) as caught:
        world.ingest.submit(submit)
    assert caught.value.code == "image_missing"


def test_bytes_that_do_not_hash_to_the_signed_digest(world: World) -> None:
    key = world.register("cam-1")
    original = command(envelope("cam-1", key, payload()))
    (sha,) = original.blobs
    swapped = dataclasses.replace(original, blobs={sha: image_bytes()})
    with pytest.raises(IngestError) as caught:
        world.ingest.submit(swapped)
    assert caught.value.code == "image_hash_mismatch"
    assert not world.evidence.exists(sha)


def test_a_declared_size_that_does_not_match(world: World) -> None:
    key = world.register("cam-1")
    message = envelope("cam-1", key, payload())
    message["reads"][0]["images"][0]["size_bytes"] += 1
    message["signature"] = sign(key, message)  # the camera itself declared the wrong size
    assert refused(world, message) == "invalid_field"


@pytest.mark.parametrize("data", [b"just some text, not a picture", PNG_MAGIC + b"\x00" * 40])
def test_bytes_that_are_not_the_declared_image_type(world: World, data: bytes) -> None:
    key = world.register("cam-1")
    fake = Attachment(role="plate", content_type="image/jpeg", data=data)
    assert refused(world, envelope("cam-1", key, payload(images=[fake]))) == "not_an_image"


def test_an_image_over_the_size_limit(world: World) -> None:
    key = world.register("cam-1")
    assert refused(world, envelope("cam-1", key, payload(images=[jpeg(size=5_001)]))) == (
        "body_too_large")


def test_two_images_of_one_role_are_refused(world: World) -> None:
    key = world.register("cam-1")
    assert refused(world, envelope("cam-1", key, payload(images=[jpeg(), jpeg()]))) == (
        "invalid_field")


def test_a_batch_over_the_limit(world: World) -> None:
    key = world.register("cam-1")
    reads = [payload(f"r{n}", seconds=60 * n) for n in range(4)]
    assert refused(world, envelope("cam-1", key, *reads)) == "batch_too_large"


def test_a_clip_uploaded_earlier_need_not_be_attached(world: World) -> None:
    key = world.register("cam-1")
    clip = Attachment(role="clip", content_type="video/mp4", data=b"clip bytes")
    with world.uow_factory() as uow:
        uow.reads.add_blob("cam-1", clip.ref(), created_at=NOW)
        uow.commit()
    message = envelope("cam-1", key, payload(images=[jpeg(), clip.ref()]))
    assert [o.status for o in world.ingest.submit(command(message))] == ["accepted"]


def test_a_close_repeat_is_stored_as_a_duplicate_and_not_evaluated(world: World) -> None:
    key = world.register("cam-1", kind="spot-speed", speed_limit_kmh=60)
    reads = [payload("r1", speed_kmh=90.0), payload("r2", seconds=2, speed_kmh=91.0)]
    outcomes = world.ingest.submit(command(envelope("cam-1", key, *reads)))
    assert [o.status for o in outcomes] == ["accepted", "accepted"]
    world.rules.on_reads_accepted(world.publisher.of(ReadAccepted))
    assert stored(world)["cam-1:r2"].duplicate_of == "cam-1:r1"
    with world.uow_factory(read_only=True) as uow:
        found = uow.violations.find(ViolationFilter())
    assert [v.read_ids for v in found] == [("cam-1:r1",)]


def test_a_read_of_the_plate_after_the_window_is_a_new_pass(world: World) -> None:
    key = world.register("cam-1")
    reads = [payload("r1"), payload("r2", seconds=10.5)]
    world.ingest.submit(command(envelope("cam-1", key, *reads)))
    world.rules.evaluate(["cam-1:r1", "cam-1:r2"])
    assert stored(world)["cam-1:r2"].duplicate_of is None


def test_events_are_published_only_for_accepted_reads(world: World) -> None:
    key = world.register("cam-1")
    first = payload("r1")
    world.ingest.submit(command(envelope("cam-1", key, first)))
    outcomes = world.ingest.submit(command(envelope("cam-1", key, first,
                                                    payload("r2", seconds=60))))
    assert [(o.read_id, o.status) for o in outcomes] == [("r1", "duplicate"),
                                                         ("r2", "accepted")]
    assert [e.read_id for e in world.publisher.of(ReadAccepted)] == ["cam-1:r1", "cam-1:r2"]


def test_a_blob_no_read_refers_to_is_refused(world: World) -> None:
    key = world.register("cam-1")
    original = command(envelope("cam-1", key, payload()))
    extra = b"not an image, and not the bytes of its key"
    padded = dataclasses.replace(original, blobs={**original.blobs, "e" * 64: extra})
    with pytest.raises(IngestError):
        world.ingest.submit(padded)


def test_a_blob_no_read_refers_to_is_not_stored(world: World) -> None:
    key = world.register("cam-1")
    original = command(envelope("cam-1", key, payload()))
    extra = b"#!/bin/sh\n" * 1_000  # neither an image nor within max_image_bytes
    sha = hashlib.sha256(extra).hexdigest()
    padded = dataclasses.replace(original, blobs={**original.blobs, sha: extra})
    with contextlib.suppress(IngestError):
        world.ingest.submit(padded)
    assert not world.evidence.exists(sha)


def test_a_queue_of_close_reads_collapses_onto_the_first(world: World) -> None:
    key = world.register("cam-1")
    reads = [payload("r1"), payload("r2", seconds=8), payload("r3", seconds=16)]
    world.ingest.submit(command(envelope("cam-1", key, *reads)))
    world.rules.evaluate(["cam-1:r1", "cam-1:r2", "cam-1:r3"])
    duplicates = {pk: s.duplicate_of for pk, s in stored(world).items()}
    assert duplicates == {"cam-1:r1": None, "cam-1:r2": "cam-1:r1", "cam-1:r3": "cam-1:r1"}


def test_the_earliest_captured_of_two_close_reads_is_kept(world: World) -> None:
    key = world.register("cam-1")
    world.ingest.submit(command(envelope("cam-1", key, payload("r2", seconds=5))))
    world.ingest.submit(command(envelope("cam-1", key, payload("r1"))))
    world.rules.evaluate(["cam-1:r2", "cam-1:r1"])
    duplicates = {pk: s.duplicate_of for pk, s in stored(world).items()}
    assert duplicates == {"cam-1:r1": None, "cam-1:r2": "cam-1:r1"}


def test_a_late_earlier_read_joins_the_pass_already_evaluated(world: World) -> None:
    key = world.register("cam-1")
    world.ingest.submit(command(envelope("cam-1", key, payload("r2", seconds=5))))
    world.rules.evaluate(["cam-1:r2"])
    world.ingest.submit(command(envelope("cam-1", key, payload("r1"))))
    world.rules.evaluate(["cam-1:r1"])
    duplicates = {pk: s.duplicate_of for pk, s in stored(world).items()}
    # The pass was counted with r2; r1 arriving late joins it rather than counting again.
    assert duplicates == {"cam-1:r1": "cam-1:r2", "cam-1:r2": None}


def test_a_late_read_outside_the_window_counts_on_its_own(world: World) -> None:
    key = world.register("cam-1")
    world.ingest.submit(command(envelope("cam-1", key, payload("r2", seconds=60))))
    world.rules.evaluate(["cam-1:r2"])
    world.ingest.submit(command(envelope("cam-1", key, payload("r1"))))
    world.rules.evaluate(["cam-1:r1"])
    duplicates = {pk: s.duplicate_of for pk, s in stored(world).items()}
    assert duplicates == {"cam-1:r1": None, "cam-1:r2": None}


def test_cameras_submitting_at_once_are_all_stored(world: World) -> None:
    keys = {f"cam-{n}": world.register(f"cam-{n}") for n in range(6)}
    messages = [envelope(cid, key, payload("r1"), payload("r2", seconds=60))
                for cid, key in keys.items()]
    errors: list[BaseException] = []

    def submit(message: dict[str, object]) -> None:
        try:
            world.ingest.submit(command(message))
        except BaseException as exc:  # surfaced by the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=submit, args=(m,)) for m in messages]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(10)
    assert errors == []
    assert len(stored(world)) == 12
    assert len(world.publisher.of(ReadAccepted)) == 12


def test_nonces_older_than_twice_the_skew_are_forgotten(world: World) -> None:
    key = world.register("cam-1")
    old = envelope("cam-1", key, payload("r1"), nonce="old-nonce-0000000")
    world.ingest.submit(command(old))
    world.clock.advance(seconds=2 * 300 + 61)
    later = NOW + timedelta(seconds=2 * 300 + 61)
    world.ingest.submit(command(envelope("cam-1", key, payload("r2", seconds=661),
                                         sent_at=later, nonce="new-nonce-0000000")))
    with world.uow_factory(read_only=True) as uow:
        kept = uow.reads.nonce_digests([("cam-1", "old-nonce-0000000"),
                                        ("cam-1", "new-nonce-0000000")])
    assert list(kept) == [("cam-1", "new-nonce-0000000")]
