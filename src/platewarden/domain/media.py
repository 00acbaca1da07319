"""Recognising evidence media by their first bytes, not by what the sender claims."""

from __future__ import annotations

IMAGE_TYPES = frozenset({"image/jpeg", "image/png"})
CLIP_TYPES = frozenset({"video/mp4"})


def sniff_content_type(head: bytes) -> str | None:
    """The media type that ``head`` (the first bytes of an object) starts like.

    Returns:
        ``image/jpeg``, ``image/png`` or ``video/mp4``; ``None`` for anything else.
    """
    if head.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    if len(head) >= 12 and head[4:8] == b"ftyp":
        return "video/mp4"
    return None
