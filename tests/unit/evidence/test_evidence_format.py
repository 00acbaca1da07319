"""The segmented AEAD format, in memory: round trips and every kind of tampering."""

from __future__ import annotations

import hashlib
import io
import os

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from platewarden.adapters.evidence.format import (
    HEADER_SIZE,
    TAG_SIZE,
    EvidenceKeys,
    SegmentOpener,
    SegmentSealer,
    decrypt_segments,
)
from platewarden.services.ports import EvidenceIntegrityError

SEGMENT = 1024
SEALED = SEGMENT + TAG_SIZE
KEYS = EvidenceKeys.derive(bytes(range(32)))


def seal(data: bytes, *, keys: EvidenceKeys = KEYS, chunk: int = 700) -> bytes:
    sealer = SegmentSealer(segment_size=SEGMENT)
    body = b"".join(sealer.update(data[i:i + chunk]) for i in range(0, len(data), chunk))
    body += sealer.finish()
    return sealer.header(keys=keys, sha256=hashlib.sha256(data).hexdigest()) + body


def unseal(blob: bytes, *, sha256: str, keys: EvidenceKeys = KEYS) -> bytes:
    opener = SegmentOpener(header=blob[:HEADER_SIZE], keys=keys, sha256=sha256)
    return b"".join(decrypt_segments(io.BytesIO(blob[HEADER_SIZE:]).read, opener))


def sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def flip(blob: bytes, position: int) -> bytes:
    return blob[:position] + bytes([blob[position] ^ 0x01]) + blob[position + 1:]


@pytest.mark.parametrize("size", [0, 1, SEGMENT - 1, SEGMENT, SEGMENT + 1, 3 * SEGMENT, 5000])
def test_round_trip_at_segment_boundaries(size: int) -> None:
    data = os.urandom(size)
    blob = seal(data)
    segments = max(1, -(-size // SEGMENT))
    assert len(blob) == HEADER_SIZE + size + segments * TAG_SIZE
    assert unseal(blob, sha256=sha(data)) == data


def test_one_big_chunk_and_many_tiny_chunks_seal_alike() -> None:
    data = os.urandom(4 * SEGMENT + 10)
    assert unseal(seal(data, chunk=len(data)), sha256=sha(data)) == data
    assert unseal(seal(data, chunk=3), sha256=sha(data)) == data


def test_every_object_gets_its_own_key_and_nonces() -> None:
    data = os.urandom(3000)
    first, second = seal(data), seal(data)
    assert first[HEADER_SIZE:] != second[HEADER_SIZE:]
    assert first[:HEADER_SIZE] != second[:HEADER_SIZE]


def test_every_header_byte_is_authenticated() -> None:
    data = os.urandom(2000)
    blob = seal(data)
    for position in range(HEADER_SIZE):
        with pytest.raises(EvidenceIntegrityError):
            unseal(flip(blob, position), sha256=sha(data))


def test_segment_byte_flip_is_detected() -> None:
    data = os.urandom(3 * SEGMENT)
    blob = seal(data)
    for position in (HEADER_SIZE, HEADER_SIZE + SEALED + 5, len(blob) - 1):
        with pytest.raises(EvidenceIntegrityError):
            unseal(flip(blob, position), sha256=sha(data))


@pytest.mark.parametrize("cut", [0, 1, SEALED - 1, SEALED, SEALED + 7, 2 * SEALED])
def test_truncation_anywhere_is_detected(cut: int) -> None:
    data = os.urandom(2 * SEGMENT + 100)
    blob = seal(data)
    with pytest.raises(EvidenceIntegrityError):
        unseal(blob[:HEADER_SIZE + cut], sha256=sha(data))


def test_truncation_to_a_segment_boundary_of_an_exact_multiple_is_detected() -> None:
    data = os.urandom(3 * SEGMENT)
    blob = seal(data)
    with pytest.raises(EvidenceIntegrityError):
        unseal(blob[:HEADER_SIZE + 2 * SEALED], sha256=sha(data))


def test_swapped_segments_are_detected() -> None:
    data = os.urandom(3 * SEGMENT + 1)
    blob = seal(data)
    segs = [blob[HEADER_SIZE + i * SEALED:HEADER_SIZE + (i + 1) * SEALED] for i in range(3)]
    swapped = blob[:HEADER_SIZE] + segs[1] + segs[0] + segs[2] + blob[HEADER_SIZE + 3 * SEALED:]
    with pytest.raises(EvidenceIntegrityError):
        unseal(swapped, sha256=sha(data))


def test_dropped_middle_segment_is_detected() -> None:
    data = os.urandom(3 * SEGMENT + 1)
    blob = seal(data)
    dropped = blob[:HEADER_SIZE + SEALED] + blob[HEADER_SIZE + 2 * SEALED:]
    with pytest.raises(EvidenceIntegrityError):
        unseal(dropped, sha256=sha(data))


@pytest.mark.parametrize("extra", [b"\x00", os.urandom(TAG_SIZE), os.urandom(SEALED)])
@pytest.mark.parametrize("size", [100, SEGMENT])
def test_appended_bytes_are_detected(extra: bytes, size: int) -> None:
    data = os.urandom(size)
    with pytest.raises(EvidenceIntegrityError):
        unseal(seal(data) + extra, sha256=sha(data))


def test_appending_a_copy_of_the_last_segment_is_detected() -> None:
    data = os.urandom(2 * SEGMENT)
    blob = seal(data)
    with pytest.raises(EvidenceIntegrityError):
        unseal(blob + blob[-SEALED:], sha256=sha(data))


def test_header_bound_to_the_address() -> None:
    data = os.urandom(500)
    with pytest.raises(EvidenceIntegrityError):
        unseal(seal(data), sha256=sha(b"other"))


def test_wrong_master_key_is_detected() -> None:
    data = os.urandom(500)
    with pytest.raises(EvidenceIntegrityError):
        unseal(seal(data), sha256=sha(data), keys=EvidenceKeys.derive(os.urandom(32)))


def test_segments_of_another_object_do_not_fit() -> None:
    data = os.urandom(2 * SEGMENT)
    first, second = seal(data), seal(data)
    spliced = first[:HEADER_SIZE] + second[HEADER_SIZE:]
    with pytest.raises(EvidenceIntegrityError):
        unseal(spliced, sha256=sha(data))


def test_keys_differ_by_purpose_and_names_hide_the_hash() -> None:
    digest = sha(b"image")
    assert KEYS.key_encryption_key != KEYS.name_key
    assert KEYS.object_name(digest) != digest
    assert KEYS.object_name(digest) != EvidenceKeys.derive(os.urandom(32)).object_name(digest)


def test_master_key_must_be_32_bytes() -> None:
    with pytest.raises(ValueError, match="32 bytes"):
        EvidenceKeys.derive(b"short")


@settings(max_examples=60, deadline=None)
@given(data=st.binary(max_size=3 * SEGMENT), where=st.floats(0, 1), bit=st.integers(0, 7))
def test_any_single_bit_flip_is_detected(data: bytes, where: float, bit: int) -> None:
    blob = bytearray(seal(data))
    blob[min(len(blob) - 1, int(where * len(blob)))] ^= 1 << bit
    with pytest.raises(EvidenceIntegrityError):
        unseal(bytes(blob), sha256=sha(data))
