"""Held payments in the console: listed with why each is held, resolved with a reason."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import httpx
import pytest

from platewarden.domain.access import NATIONWIDE, RegionScope, Role
from platewarden.domain.audit import AuditAction
from platewarden.domain.notices import NoticeStatus
from platewarden.services.notice_cases import PaymentLine
from platewarden.services.notice_ports import PaymentOutcome
from support.console import console_token, csrf_in
from support.factories import PASSWORD, make_container, make_user
from support.notices import add_confirmed_violation
from support.server import running_server

pytestmark = pytest.mark.integration
PAID_AT = datetime(2026, 3, 20, 5, 0, tzinfo=UTC)


def test_a_supervisor_resolves_held_payments_of_their_regions_in_the_console(
        tmp_path: Path) -> None:
    container = make_container(tmp_path / "data")
    notice = container.notices.issuing.issue(add_confirmed_violation(container), actor="test")
    container.notices.cases.import_payments([  # the camera is in region 01
        PaymentLine(transaction_id="t-excess", reference=notice.payment_reference,
                    amount_som=notice.fine.amount_som, paid_at=PAID_AT),
        PaymentLine(transaction_id="t-stray", reference="123456789012345", amount_som=5000,
                    paid_at=PAID_AT)], provider="click", actor="test")
    with running_server(container) as url:
        supervisor = console_token(url, make_user(container, Role.SUPERVISOR), PASSWORD)
        samarkand = console_token(url, make_user(container, Role.SUPERVISOR,
                                                 regions=RegionScope.of(["14"])), PASSWORD)
        reviewer = console_token(url, make_user(container, Role.REVIEWER), PASSWORD)
        with httpx.Client(base_url=url, cookies={"pw_session": supervisor, "pw_lang": "en"},
                          timeout=10) as c:
            listed = c.get("/console/payments")
            csrf = csrf_in(listed.text)
            no_csrf = c.post("/console/payments", data={
                "provider": "click", "transaction_id": "t-excess", "resolution": "refund",
                "reason": "x"})
            no_reason = c.post("/console/payments", data={
                "csrf_token": csrf, "provider": "click", "transaction_id": "t-excess",
                "resolution": "apply", "notice_number": notice.number, "reason": " "})
            applied = c.post("/console/payments", data={
                "csrf_token": csrf, "provider": "click", "transaction_id": "t-excess",
                "resolution": "apply", "notice_number": notice.number.lower(),
                "reason": "excess refunded by the bank, ticket 77"}, follow_redirects=True)
            again = c.post("/console/payments", data={
                "csrf_token": csrf, "provider": "click", "transaction_id": "t-excess",
                "resolution": "reject", "notice_number": notice.number, "reason": "late"})
        with httpx.Client(base_url=url, cookies={"pw_session": samarkand}, timeout=10) as c:
            theirs = c.get("/console/payments")
            # Another region's payment (already resolved or not) is the same 404 as an
            # absent one; so is applying a payment without a notice to that region's notice.
            hidden = [c.post("/console/payments", data={
                "csrf_token": csrf_in(theirs.text), "provider": "click",
                "transaction_id": tx, "resolution": resolution, "notice_number": number,
                "reason": "r"}) for tx, resolution, number in (
                    ("t-excess", "refund", ""), ("t-stray", "apply", notice.number),
                    ("t-none", "reject", ""))]
            rejected = c.post("/console/payments", data={
                "csrf_token": csrf_in(theirs.text), "provider": "click",
                "transaction_id": "t-stray", "resolution": "reject",
                "notice_number": "ignored unless applying", "reason": "a test transfer"},
                follow_redirects=True)
        with httpx.Client(base_url=url, cookies={"pw_session": reviewer}, timeout=10) as c:
            refused = [c.get("/console/payments"), c.post("/console/payments", data={
                "csrf_token": csrf_in(c.get("/console/notices").text), "provider": "click",
                "transaction_id": "t-stray", "resolution": "reject", "reason": "r"})]
            reviewer_nav = c.get("/console/notices").text
    container.stop()
    assert listed.status_code == 200
    assert 'href="/console/payments"' in listed.text  # in the navigation
    assert 'data-payment="click/t-excess"' in listed.text
    assert "More than the amount due." in listed.text
    assert "No notice has this payment reference." in listed.text
    assert no_csrf.status_code == 403
    assert 'data-code="csrf"' in no_csrf.text
    assert no_reason.status_code == 422
    assert 'id="payment-error"' in no_reason.text
    assert applied.status_code == 200
    assert 'id="payment-done"' in applied.text
    assert 'data-payment="click/t-excess"' not in applied.text
    assert container.notices.cases.notice(notice.number).status is NoticeStatus.PAID
    assert again.status_code == 409
    assert theirs.status_code == 200
    assert 'data-payment="click/t-stray"' in theirs.text  # no notice: no region
    assert 'data-payment="click/t-excess"' not in theirs.text
    assert notice.number not in theirs.text
    assert [h.status_code for h in hidden] == [404, 404, 404]
    assert rejected.status_code == 200
    assert 'id="payments-empty"' in rejected.text
    assert [r.status_code for r in refused] == [403, 403]
    assert 'href="/console/payments"' not in reviewer_nav
    everyone = RegionScope.of([NATIONWIDE])
    assert container.notices.held_payments.held(scope=everyone) == []
    stray = container.notices.held_payments.payment("click", "t-stray", scope=everyone)
    assert (stray.outcome, stray.notice_number) == (PaymentOutcome.REJECTED, None)
    with container.notices.uow_factory(read_only=True) as uow:
        entries = [r.entry for r in uow.audit.find([AuditAction.PAYMENT_RESOLVED])]
    assert [(e.details["resolution"], e.details["reason"]) for e in entries] == [
        ("apply", "excess refunded by the bank, ticket 77"), ("reject", "a test transfer")]
