"""Media sniffing for ingest."""

from __future__ import annotations

import pytest

from platewarden.adapters.evidence.sniff import SNIFF_BYTES, sniff_content_type


def ftyp(brand: bytes, size: int = 24) -> bytes:
    return size.to_bytes(4, "big") + b"ftyp" + brand + b"\x00\x00\x02\x00"


@pytest.mark.parametrize(("first", "expected"), [
    (b"\xff\xd8\xff\xe0\x00\x10JFIF\x00", "image/jpeg"),
    (b"\xff\xd8\xff\xdb" + bytes(8), "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image/png"),
    (ftyp(b"isom"), "video/mp4"),
    (ftyp(b"mp42"), "video/mp4"),
    (ftyp(b"heic"), None),
    (ftyp(b"avif"), None),
    (ftyp(b"isom", size=4), None),
    (b"GIF89a" + bytes(6), None),
    (b"%PDF-1.7\n" + bytes(3), None),
    (b"<svg xmlns=", None),
    (b"", None),
    (b"\xff\xd8", None),
    (b"\x00\x00\x00\x18ftyp", None),
])
def test_sniff(first: bytes, expected: str | None) -> None:
    assert sniff_content_type(first) == expected


def test_sniff_bytes_is_enough_for_every_kind() -> None:
    assert sniff_content_type(ftyp(b"isom")[:SNIFF_BYTES]) == "video/mp4"
