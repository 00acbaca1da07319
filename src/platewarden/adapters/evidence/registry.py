"""Build the configured evidence store; the ``type`` field picks the implementation."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import BaseModel, ConfigDict

from platewarden.adapters.evidence.keysource import EvidenceKeySource
from platewarden.adapters.evidence.local import LocalEvidenceStore
from platewarden.services.ports import EvidenceStore


class LocalEvidenceStoreConfig(BaseModel):
    """Evidence on the local disk, under ``path`` (relative paths are inside the data dir)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["local"] = "local"
    path: Path = Path("evidence")


# Becomes ``Annotated[Local... | S3..., Field(discriminator="type")]`` when a second kind exists.
EvidenceStoreConfig = LocalEvidenceStoreConfig


def build_evidence_store(config: EvidenceStoreConfig, *, data_dir: Path, master_key: bytes,
                         key_source: EvidenceKeySource | None = None) -> EvidenceStore:
    """The store ``config`` describes, keyed by ``master_key``.

    ``key_source`` gives the per-day bucket keys objects are sealed under (crypto-shredding);
    every backend should take it.
    """
    if config.type == "local":
        return LocalEvidenceStore(Path(data_dir) / config.path, master_key=master_key,
                                  key_source=key_source)
    raise ValueError(f"unknown evidence store type {config.type!r}")  # pragma: no cover
