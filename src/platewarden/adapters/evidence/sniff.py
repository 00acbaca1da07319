"""Media sniffing lives in the domain (ingest needs it too); re-exported for the store."""

from __future__ import annotations

from platewarden.domain.media import SNIFF_BYTES, sniff_content_type

__all__ = ["SNIFF_BYTES", "sniff_content_type"]
