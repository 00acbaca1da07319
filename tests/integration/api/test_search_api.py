"""Purpose-bound search through the real server: roles, reasons, approvals, signals."""

from __future__ import annotations

import secrets
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx
import pytest

from platewarden.bootstrap import Container
from platewarden.camera.keys import private_key_from_raw
from platewarden.camera.payloads import build_envelope
from platewarden.domain.access import Role
from support.factories import PASSWORD, make_container, make_read, make_user, register_camera
from support.server import running_server

pytestmark = pytest.mark.integration
PLATE = "01A123BC"


@pytest.fixture
def served(tmp_path: Path, database_url: str) -> Iterator[tuple[Container, str]]:
    container = make_container(tmp_path / "data", database_url=database_url)
    with running_server(container) as url:
        yield container, url
    container.stop()


def login(container: Container, url: str, *roles: Role) -> dict[str, str]:
    username = make_user(container, *roles)
    step = httpx.post(f"{url}/api/v1/auth/login",
                      json={"username": username, "password": PASSWORD}).json()
    token = step.get("token")
    if token is None:  # the login wants its second factor: log in as a person would
        from support.mfa import api_login  # type: ignore[import-not-found,unused-ignore]
        token = api_login(url, username, PASSWORD)
    return {"Authorization": f"Bearer {token}"}


def ingest_reads(container: Container, url: str) -> None:
    camera_id, key = register_camera(container)
    reads = [make_read(plate=plate) for plate in (PLATE, "01A123B0", "30X999ZZ")]
    envelope = build_envelope(camera_id=camera_id, private_key=private_key_from_raw(key),
                              reads=reads, sent_at=datetime.now(UTC),
                              nonce=secrets.token_hex(16))
    response = httpx.post(f"{url}/api/v1/ingest/batch", json=envelope, timeout=10)
    assert response.status_code == 200, response.text


NOW = datetime.now(UTC)


def body(**fields: Any) -> dict[str, Any]:
    now = NOW
    values: dict[str, Any] = {
        "query": PLATE, "kind": "exact", "reason_code": "stolen-vehicle",
        "case_reference": "CR-2026-001", "since": (now - timedelta(days=30)).isoformat(),
        "until": (now + timedelta(minutes=30)).isoformat()}
    values.update(fields)
    return {k: v for k, v in values.items() if v is not None}


def test_search_roles_reasons_approvals_and_signals(served: tuple[Container, str]) -> None:
    container, url = served
    ingest_reads(container, url)
    investigator = login(container, url, Role.INVESTIGATOR)
    search_url = f"{url}/api/v1/search/reads"

    for role in (Role.ADMIN, Role.REVIEWER, Role.AUDITOR):
        denied = httpx.post(search_url, json=body(), headers=login(container, url, role))
        assert denied.status_code == 403, role

    missing = httpx.post(search_url, json=body(reason_code=None), headers=investigator)
    assert (missing.status_code, missing.json()["error"]["code"]) == (422, "reason_required")
    no_case = httpx.post(search_url, json=body(case_reference=None), headers=investigator)
    assert (no_case.status_code, no_case.json()["error"]["code"]) == \
        (422, "case_reference_required")

    found = httpx.post(search_url, json=body(), headers=investigator)
    assert found.status_code == 200, found.text
    assert [r["plate"] for r in found.json()["reads"]] == [PLATE]
    wildcard = httpx.post(search_url, json=body(query="01A123B?", kind="wildcard"),
                          headers=investigator).json()
    # The grammar stores the camera's "01A123B0" as "01A123BO" (a letter slot).
    assert sorted(r["plate"] for r in wildcard["reads"]) == [PLATE, "01A123BO"]
    confusable = httpx.post(search_url, json=body(query="01A123B0", kind="confusable"),
                            headers=investigator).json()
    assert [r["plate"] for r in confusable["reads"]] == ["01A123BO"]

    old = (NOW - timedelta(days=200)).isoformat()
    refused = httpx.post(search_url, json=body(since=old), headers=investigator)
    assert (refused.status_code, refused.json()["error"]["code"]) == (403, "approval_required")
    requested = httpx.post(f"{url}/api/v1/search/approvals", json=body(since=old),
                           headers=investigator)
    assert requested.status_code == 201, requested.text
    approval_id = requested.json()["id"]
    approve_url = f"{url}/api/v1/search/approvals/{approval_id}/approve"
    assert httpx.post(approve_url, headers=investigator).status_code == 403
    supervisor = login(container, url, Role.SUPERVISOR)
    pending = httpx.get(f"{url}/api/v1/search/approvals", headers=supervisor)
    assert [p["id"] for p in pending.json()] == [approval_id]
    assert PLATE not in pending.text
    naive = httpx.post(search_url, json=body(since="2026-01-01T00:00:00"), headers=investigator)
    assert (naive.status_code, naive.json()["error"]["code"]) == (422, "invalid_field")
    assert httpx.post(approve_url, headers=supervisor).status_code == 200
    wide = body(since=old, approval_id=approval_id)
    approved = httpx.post(search_url, json=wide, headers=investigator)
    assert approved.status_code == 200, approved.text
    assert approved.json()["approval_id"] == approval_id
    again = httpx.post(search_url, json=wide, headers=investigator)
    assert (again.status_code, again.json()["error"]["code"]) == (403, "approval_not_usable")

    for _ in range(2):
        httpx.post(search_url, json=body(), headers=investigator)
    auditor = login(container, url, Role.AUDITOR)
    signals_url = f"{url}/api/v1/audit/misuse-signals"
    assert httpx.get(signals_url, headers=investigator).status_code == 403
    assert httpx.get(signals_url, headers=login(container, url, Role.ADMIN)).status_code == 403
    signals = httpx.get(signals_url, headers=auditor)
    assert signals.status_code == 200, signals.text
    repeated = [s for s in signals.json() if s["kind"] == "repeated-plate"]
    assert repeated
    assert len(repeated[0]["sequences"]) >= 3
    for plate in (PLATE, "01A123B0", "01A123BO", "A123"):
        assert plate not in signals.text
