"""The S3 evidence store on a real S3-protocol server: what the bucket sees, tampering, day keys,
and building it from settings with credentials from the environment only."""

from __future__ import annotations

import hashlib
import os
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import ValidationError

from platewarden.adapters.evidence.keysource import RETAINED_KEY, KeyringEvidenceKeys
from platewarden.adapters.evidence.registry import S3EvidenceStoreConfig, build_evidence_store
from platewarden.adapters.evidence.s3 import S3EvidenceStore, S3Objects
from platewarden.adapters.keyring import BucketKeyring, KeyDestroyed
from platewarden.config import load_settings
from platewarden.services.ports import EvidenceIntegrityError
from support import s3

pytestmark = pytest.mark.integration

PLAINTEXT = b"\xff\xd8\xff plate crop 01A123BC " * 200


def store_in(bucket: str, tmp_path: Path) -> tuple[S3EvidenceStore, BucketKeyring]:
    keyring = BucketKeyring(tmp_path / "keys", master_key=bytes(32),
                            clock=lambda: datetime(2026, 3, 2, tzinfo=UTC))
    store = S3EvidenceStore(S3Objects(s3.client(), bucket=bucket, prefix="ev/"),
                            master_key=bytes(32), segment_size=1024,
                            key_source=KeyringEvidenceKeys(keyring))
    return store, keyring


def stored_objects(bucket: str) -> dict[str, bytes]:
    client = s3.client()
    keys = [o["Key"] for o in client.list_objects_v2(Bucket=bucket).get("Contents", [])]
    return {k: client.get_object(Bucket=bucket, Key=k)["Body"].read() for k in keys}


def test_the_bucket_sees_neither_the_bytes_nor_their_hash(tmp_path: Path) -> None:
    bucket = s3.new_bucket()
    store, _ = store_in(bucket, tmp_path)
    digest = store.put(PLAINTEXT).sha256
    ((key, body),) = stored_objects(bucket).items()
    assert key.startswith("ev/")
    assert digest not in key  # the name is a keyed hash: a known image cannot be looked up
    assert b"plate crop" not in body
    assert len(body) > len(PLAINTEXT)


def test_a_changed_or_moved_object_fails_to_verify(tmp_path: Path) -> None:
    bucket = s3.new_bucket()
    store, _ = store_in(bucket, tmp_path)
    first, second = store.put(PLAINTEXT).sha256, store.put(b"another image").sha256
    objects = stored_objects(bucket)
    client = s3.client()
    key = next(k for k, v in objects.items() if len(v) > 1000)
    body = bytearray(objects[key])
    body[-5] ^= 1
    client.put_object(Bucket=bucket, Key=key, Body=bytes(body))
    with pytest.raises(EvidenceIntegrityError):
        store.get(first)
    other = next(k for k in objects if k != key)
    client.put_object(Bucket=bucket, Key=other, Body=objects[key])  # swap contents
    with pytest.raises(EvidenceIntegrityError):
        store.get(second)


def test_rekey_then_shredding_the_day_key(tmp_path: Path) -> None:
    store, keyring = store_in(s3.new_bucket(), tmp_path)
    kept, shredded = store.put(PLAINTEXT).sha256, store.put(b"not kept").sha256
    day_key = store.key_name(kept)
    assert day_key is not None
    assert day_key.startswith("evidence/")
    store.rekey(kept, key_name=RETAINED_KEY)
    assert store.key_name(kept) == RETAINED_KEY
    keyring.destroy(day_key)
    assert store.get(kept) == PLAINTEXT
    with pytest.raises(KeyDestroyed):
        store.get(shredded)


@pytest.fixture
def aws_env(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> pytest.MonkeyPatch:
    """Credentials only where boto3 looks for them, nothing from this machine's own files."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", s3.ACCESS_KEY)
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", s3.SECRET_KEY)
    monkeypatch.setenv("AWS_CONFIG_FILE", str(tmp_path / "no-config"))
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(tmp_path / "no-credentials"))
    monkeypatch.setenv("AWS_EC2_METADATA_DISABLED", "true")
    return monkeypatch


def test_settings_build_an_s3_store(aws_env: pytest.MonkeyPatch, tmp_path: Path) -> None:
    bucket = s3.new_bucket()
    (tmp_path / "platewarden.toml").write_text(
        f'[evidence]\ntype = "s3"\nbucket = "{bucket}"\nregion = "{s3.REGION}"\n'
        f'endpoint_url = "{s3.endpoint()}"\n')
    settings = load_settings(data_dir=tmp_path)
    store = build_evidence_store(settings.evidence, data_dir=tmp_path, master_key=os.urandom(32))
    digest = store.put(PLAINTEXT).sha256
    assert digest == hashlib.sha256(PLAINTEXT).hexdigest()
    assert store.get(digest) == PLAINTEXT
    assert all(k.startswith("evidence/") for k in stored_objects(bucket))


def config(**fields: str) -> S3EvidenceStoreConfig:
    values = {"type": "s3", "bucket": "evidence-bucket", "region": s3.REGION,
              "endpoint_url": s3.endpoint(), **fields}
    return S3EvidenceStoreConfig.model_validate(values)


def test_missing_or_placeholder_credentials_stop_start_up(aws_env: pytest.MonkeyPatch,
                                                          tmp_path: Path) -> None:
    aws_env.setenv("AWS_ACCESS_KEY_ID", "minioadmin")
    with pytest.raises(ValueError, match="placeholder"):
        build_evidence_store(config(), data_dir=tmp_path, master_key=bytes(32))
    aws_env.delenv("AWS_ACCESS_KEY_ID")
    aws_env.delenv("AWS_SECRET_ACCESS_KEY")
    with pytest.raises(ValueError, match="no S3 credentials"):
        build_evidence_store(config(), data_dir=tmp_path, master_key=bytes(32))


@pytest.mark.parametrize("fields", [
    {"endpoint_url": "http://minio.example.org:9000"},  # plain HTTP beyond loopback
    {"endpoint_url": "ftp://127.0.0.1"},
    {"bucket": "Bad_Bucket"},
    {"prefix": "../x/"},
    {"access_key": "AKIA..."},  # credentials are never settings
])
def test_bad_s3_settings_are_refused(fields: dict[str, str]) -> None:
    with pytest.raises(ValidationError):
        config(**fields)
