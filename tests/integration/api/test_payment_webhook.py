"""Payments through the real server: the signed webhook (fresh, idempotent, held, silent) and
the held payments a supervisor resolves (region-scoped, audited)."""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from platewarden.bootstrap import Container
from platewarden.config_notices import NoticeSettings
from platewarden.domain.access import RegionScope, Role
from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import Notice, NoticeStatus
from platewarden.domain.webhook_signing import webhook_signature
from support.factories import PASSWORD, make_container, make_user
from support.mfa import api_login
from support.notices import add_confirmed_violation
from support.server import running_server

pytestmark = pytest.mark.integration
SECRET = "k3Jd9vQ2xP7mZ4wR8tY1uL6oN5bH0cVa"


@pytest.fixture
def served(tmp_path: Path) -> Iterator[tuple[Container, str]]:
    container = make_container(tmp_path / "data", notices=NoticeSettings(
        payment_webhook_secret=SECRET, payment_webhook_provider="click"))
    with running_server(container) as url:
        yield container, url
    container.stop()


def issue(container: Container, read_id: str = "r1") -> Notice:
    return container.notices.issuing.issue(
        add_confirmed_violation(container, read_id=read_id), actor="test")


def post(url: str, payment: dict[str, object], *, secret: str = SECRET, age_s: int = 0,
         body: bytes | None = None) -> httpx.Response:
    raw = body if body is not None else json.dumps(payment).encode()
    timestamp = str(int(time.time()) - age_s)
    signature = webhook_signature(secret.encode(), timestamp=timestamp, body=raw)
    return httpx.post(f"{url}/api/v1/payments/webhook", content=raw, timeout=10, headers={
        "content-type": "application/json", "x-payment-timestamp": timestamp,
        "x-payment-signature": signature})


def paying(notice: Notice, transaction: str = "click-1", amount: int | None = None
           ) -> dict[str, object]:
    return {"transaction_id": transaction, "reference": notice.payment_reference,
            "amount_som": notice.fine.discounted_som if amount is None else amount,
            "paid_at": "2026-03-20T10:00:00+05:00"}


def test_a_signed_confirmation_pays_the_notice_once(
        served: tuple[Container, str], caplog: pytest.LogCaptureFixture) -> None:
    container, url = served
    notice = issue(container)
    with caplog.at_level(logging.DEBUG):
        first = post(url, paying(notice))
        again = post(url, paying(notice))
    assert (first.status_code, first.json()) == (200, {"transaction_id": "click-1",
                                                       "outcome": "applied"})
    assert again.json()["outcome"] == "duplicate"
    assert container.notices.cases.notice(notice.number).status is NoticeStatus.PAID
    assert [c.new for c in container.notices.cases.history(notice.number)] == [
        NoticeStatus.PAID]
    assert SECRET not in caplog.text
    assert notice.payment_reference not in caplog.text


def test_unknown_references_and_short_payments_are_held_for_a_person(
        served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    unknown = post(url, {**paying(notice, "click-2"), "reference": "123456789012345"})
    short = post(url, paying(notice, "click-3", amount=1000))
    assert [unknown.json()["outcome"], short.json()["outcome"]] == ["held", "held"]
    assert container.notices.cases.notice(notice.number).status is NoticeStatus.ISSUED
    assert {p.transaction_id for p in container.notices.cases.held_payments()} == {
        "click-2", "click-3"}


@pytest.mark.parametrize(("how", "status", "code"), [
    ({"secret": "another-secret-of-32-characters-x9"}, 401, "bad_signature"),
    # 10 s past the 300 s window: the timestamp is whole seconds, so 301 could land inside.
    ({"age_s": 310}, 401, "stale_timestamp"),
    ({"age_s": -310}, 401, "stale_timestamp"),
    ({"body": b"{not json"}, 400, "malformed_json"),
    ({"body": b"x" * 20_000}, 413, "body_too_large"),
])
def test_forged_stale_or_malformed_requests_change_nothing(
        served: tuple[Container, str], how: dict[str, object], status: int,
        code: str) -> None:
    container, url = served
    notice = issue(container)
    refused = post(url, paying(notice), **how)  # type: ignore[arg-type]
    assert (refused.status_code, refused.json()["error"]["code"]) == (status, code)
    assert container.notices.cases.notice(notice.number).status is NoticeStatus.ISSUED
    unsigned = httpx.post(f"{url}/api/v1/payments/webhook", json=paying(notice))
    assert (unsigned.status_code, unsigned.json()["error"]["code"]) == (401, "bad_signature")
    # A signature is for one body: the headers of a good request on another body fail.
    good = post(url, paying(notice, "click-9", amount=1000))
    swapped = httpx.post(f"{url}/api/v1/payments/webhook", timeout=10,
                         content=json.dumps(paying(notice, "click-10")).encode(),
                         headers={k: v for k, v in good.request.headers.items()
                                  if k.startswith("x-payment-")})
    assert (good.status_code, swapped.status_code) == (200, 401)


def test_without_a_secret_the_webhook_is_not_there(tmp_path: Path) -> None:
    container = make_container(tmp_path / "data")
    with running_server(container) as url:
        answer = post(url, {"transaction_id": "t"})
    container.stop()
    assert (answer.status_code, answer.json()["error"]["code"]) == (404, "not_found")


def bearer(container: Container, url: str, role: Role,
           regions: RegionScope | None = None) -> dict[str, str]:
    name = (make_user(container, role, regions=regions) if regions is not None
            else make_user(container, role))
    return {"Authorization": "Bearer " + api_login(url, name, PASSWORD)}


def test_a_supervisor_resolves_held_payments_in_their_regions(
        served: tuple[Container, str]) -> None:
    container, url = served
    notice = issue(container)
    over = post(url, paying(notice, "click-20", amount=notice.fine.amount_som))
    assert over.json()["outcome"] == "held"  # the full amount inside the discount window
    stray = post(url, {**paying(notice, "click-21"), "reference": "123456789012345"})
    assert stray.json()["outcome"] == "held"
    supervisor = bearer(container, url, Role.SUPERVISOR)
    listed = httpx.get(f"{url}/api/v1/payments/held", headers=supervisor).json()
    assert {(p["transaction_id"], p["hold_reason"]) for p in listed} == {
        ("click-20", "more than the amount due"), ("click-21", "unknown reference")}
    # Another region's supervisor sees only the payment without a notice, and cannot touch
    # the one for a notice of region 01, nor apply anything to that notice.
    samarkand = bearer(container, url, Role.SUPERVISOR, RegionScope.of(["14"]))
    theirs = httpx.get(f"{url}/api/v1/payments/held", headers=samarkand).json()
    assert [p["transaction_id"] for p in theirs] == ["click-21"]
    for body in ({"provider": "click", "transaction_id": "click-20", "resolution": "refund",
                  "reason": "x"},
                 {"provider": "click", "transaction_id": "click-21", "resolution": "apply",
                  "notice_number": notice.number, "reason": "x"}):
        hidden = httpx.post(f"{url}/api/v1/payments/held/resolve", json=body,
                            headers=samarkand)
        assert hidden.status_code == 404
    reviewer = bearer(container, url, Role.REVIEWER)
    assert httpx.get(f"{url}/api/v1/payments/held", headers=reviewer).status_code == 403
    applied = httpx.post(f"{url}/api/v1/payments/held/resolve", headers=supervisor, json={
        "provider": "click", "transaction_id": "click-20", "resolution": "apply",
        "notice_number": notice.number.lower(), "reason": "payer asked to keep the excess"})
    assert (applied.status_code, applied.json()["outcome"]) == (200, "applied")
    assert container.notices.cases.notice(notice.number).status is NoticeStatus.PAID
    rejected = httpx.post(f"{url}/api/v1/payments/held/resolve", headers=supervisor, json={
        "provider": "click", "transaction_id": "click-21", "resolution": "reject"})
    assert (rejected.status_code, rejected.json()["error"]["code"]) == (422, "invalid_field")
    again = httpx.post(f"{url}/api/v1/payments/held/resolve", headers=supervisor, json={
        "provider": "click", "transaction_id": "click-20", "resolution": "refund",
        "reason": "changed my mind"})
    assert (again.status_code, again.json()["error"]["code"]) == (409, "conflict")
    with container.notices.uow_factory(read_only=True) as uow:
        [entry] = [r.entry for r in uow.audit.find([AuditAction.PAYMENT_RESOLVED])]
    assert entry.details["notice"] == notice.number
