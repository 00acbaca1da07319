"""Encrypted, content-addressed evidence storage (images and clips)."""

from platewarden.adapters.evidence.fake import FakeEvidenceStore
from platewarden.adapters.evidence.local import LocalEvidenceStore
from platewarden.adapters.evidence.registry import (
    EvidenceStoreConfig,
    LocalEvidenceStoreConfig,
    build_evidence_store,
)
from platewarden.adapters.evidence.sniff import SNIFF_BYTES, sniff_content_type

__all__ = [
    "SNIFF_BYTES",
    "EvidenceStoreConfig",
    "FakeEvidenceStore",
    "LocalEvidenceStore",
    "LocalEvidenceStoreConfig",
    "build_evidence_store",
    "sniff_content_type",
]
