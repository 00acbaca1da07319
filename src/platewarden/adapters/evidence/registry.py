"""Build the configured evidence store; the ``type`` field picks the implementation."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from platewarden.adapters.evidence.local import LocalEvidenceStore
from platewarden.services.ports import EvidenceStore


class LocalEvidenceStoreConfig(BaseModel):
    """Evidence on the local disk, under ``path`` (relative paths are inside the data dir)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["local"] = "local"
    path: Path = Path("evidence")


# Becomes ``Annotated[Local... | S3..., Field(discriminator="type")]`` when a second kind exists.
EvidenceStoreConfig = LocalEvidenceStoreConfig


def build_evidence_store(config: EvidenceStoreConfig, *, data_dir: Path,
                         master_key: bytes) -> EvidenceStore:
    """The store ``config`` describes, keyed by ``master_key``."""
    if config.type == "local":
        return LocalEvidenceStore(Path(data_dir) / config.path, master_key=master_key)
    raise ValueError(f"unknown evidence store type {config.type!r}")  # pragma: no cover
