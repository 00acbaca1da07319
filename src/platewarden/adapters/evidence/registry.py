"""Build the configured evidence store; the ``type`` field picks the implementation."""

from __future__ import annotations

import ipaddress
from pathlib import Path
from typing import Annotated, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator

from platewarden.adapters.evidence.keysource import EvidenceKeySource
from platewarden.adapters.evidence.local import LocalEvidenceStore
from platewarden.services.ports import EvidenceStore

# Well-known example and default credentials (AWS documentation, MinIO, moto, LocalStack).
_PLACEHOLDER_ACCESS_KEYS = {"AKIAIOSFODNN7EXAMPLE", "minioadmin", "testing", "test", "admin"}


class LocalEvidenceStoreConfig(BaseModel):
    """Evidence on the local disk, under ``path`` (relative paths are inside the data dir)."""

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["local"] = "local"
    path: Path = Path("evidence")


class S3EvidenceStoreConfig(BaseModel):
    """Evidence in an S3-compatible bucket (AWS S3, MinIO, Ceph RGW, ...).

    Credentials are never configured here: boto3 takes them from the environment
    (``AWS_ACCESS_KEY_ID``/``AWS_SECRET_ACCESS_KEY``), a profile or the instance role.
    """

    model_config = ConfigDict(frozen=True, extra="forbid")

    type: Literal["s3"]
    bucket: Annotated[str, Field(min_length=3, max_length=63, pattern=r"^[a-z0-9][a-z0-9.-]+$")]
    region: Annotated[str, Field(min_length=1)]
    endpoint_url: str | None = None  # None: AWS S3 itself
    prefix: Annotated[str, Field(pattern=r"^([A-Za-z0-9][A-Za-z0-9._-]*/)*$")] = "evidence/"

    @field_validator("endpoint_url")
    @classmethod
    def _tls_beyond_loopback(cls, value: str | None) -> str | None:
        if value is None:
            return value
        parts = urlsplit(value)
        if parts.scheme not in {"http", "https"} or not parts.hostname:
            raise ValueError("endpoint_url must be an http(s) URL")
        if parts.scheme == "http" and not _loopback(parts.hostname):
            raise ValueError("endpoint_url must use https unless the server is on loopback")
        return value


def _loopback(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


EvidenceStoreConfig = Annotated[LocalEvidenceStoreConfig | S3EvidenceStoreConfig,
                                Field(discriminator="type")]


def build_evidence_store(config: EvidenceStoreConfig, *, data_dir: Path, master_key: bytes,
                         key_source: EvidenceKeySource | None = None) -> EvidenceStore:
    """The store ``config`` describes, keyed by ``master_key``.

    ``key_source`` gives the per-day bucket keys objects are sealed under (crypto-shredding);
    every backend takes it.
    """
    if isinstance(config, S3EvidenceStoreConfig):
        return _build_s3(config, master_key=master_key, key_source=key_source)
    return LocalEvidenceStore(Path(data_dir) / config.path, master_key=master_key,
                              key_source=key_source)


def _build_s3(config: S3EvidenceStoreConfig, *, master_key: bytes,
              key_source: EvidenceKeySource | None) -> EvidenceStore:
    # Imported here: the embedded default never pays for loading boto3.
    import boto3

    from platewarden.adapters.evidence.s3 import S3EvidenceStore, S3Objects

    session = boto3.session.Session(region_name=config.region)
    credentials = session.get_credentials()
    if credentials is None:
        raise ValueError("no S3 credentials: set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, "
                         "a profile or an instance role")
    if credentials.access_key in _PLACEHOLDER_ACCESS_KEYS:
        raise ValueError("the S3 access key is a well-known placeholder")
    client = session.client("s3", endpoint_url=config.endpoint_url)
    objects = S3Objects(client, bucket=config.bucket, prefix=config.prefix)
    return S3EvidenceStore(objects, master_key=master_key, key_source=key_source)
