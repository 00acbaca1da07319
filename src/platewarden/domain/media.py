"""Recognising evidence media by their first bytes, not by what the sender claims."""

from __future__ import annotations

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
CLIP_TYPES = frozenset({"video/mp4"})
SNIFF_BYTES = 12
"""How many leading bytes ``sniff_content_type`` needs."""

_JPEG = b"\xff\xd8\xff"
_PNG = b"\x89PNG\r\n\x1a\n"
# Major brands of MP4 video files. HEIF/AVIF images use the same ``ftyp`` box with other
# brands, so the box alone does not make a file a video.
_MP4_BRANDS = frozenset({
    b"isom", b"iso2", b"iso3", b"iso4", b"iso5", b"iso6",
    b"mp41", b"mp42", b"avc1", b"dash", b"M4V ", b"MSNV",
})


def sniff_content_type(first_bytes: bytes) -> str | None:
    """The media type of data starting with ``first_bytes``, or ``None`` if not accepted.

    Recognises ``image/jpeg``, ``image/png`` and ``video/mp4``; give it at least
    ``SNIFF_BYTES`` bytes.
    """
    if first_bytes.startswith(_JPEG):
        return "image/jpeg"
    if first_bytes.startswith(_PNG):
        return "image/png"
    if _is_mp4(first_bytes):
        return "video/mp4"
    return None


def _is_mp4(first_bytes: bytes) -> bool:
    if len(first_bytes) < SNIFF_BYTES or first_bytes[4:8] != b"ftyp":
        return False
    box_size = int.from_bytes(first_bytes[:4], "big")
    # An ftyp box holds at least its size, type, major brand and minor version (16 bytes).
    return box_size >= 16 and first_bytes[8:12] in _MP4_BRANDS


ATTACHMENT_TYPES = frozenset({"application/pdf", "image/jpeg", "image/png"})
"""What a citizen may attach to an appeal: documents and photographs."""
_PDF = b"%PDF-"
_PDF_END = b"%%EOF"
PDF_TAIL_BYTES = 2048
"""Where a complete PDF's end-of-file marker must be (writers may add a little after it)."""


def sniff_attachment_type(first_bytes: bytes) -> str | None:
    """The type of an appeal attachment starting with ``first_bytes``, or ``None``.

    Recognises ``application/pdf``, ``image/jpeg`` and ``image/png`` by their signatures;
    what the sender's client claimed is never consulted.
    """
    if first_bytes.startswith(_PDF):
        return "application/pdf"
    found = sniff_content_type(first_bytes)
    return found if found in ATTACHMENT_TYPES else None


def pdf_is_complete(data: bytes) -> bool:
    """Whether a PDF ends with its end-of-file marker (a cut-off upload does not)."""
    return _PDF_END in data[-PDF_TAIL_BYTES:]
