"""The payment webhook: signed, fresh, then idempotent with the provider's files."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from platewarden.domain.notices import HoldReason, NoticeStatus
from platewarden.domain.webhook_signing import signature_matches, webhook_signature
from platewarden.services.errors import ServiceError
from platewarden.services.notice_cases import PaymentLine
from platewarden.services.payment_webhook import PaymentWebhook

from .notice_factories import NoticeWorld, make_notice_world

SECRET = b"k3Jd9vQ2xP7mZ4wR8tY1uL6oN5bH0cVa"


def webhook(world: NoticeWorld, secret: bytes | None = SECRET) -> PaymentWebhook:
    return PaymentWebhook(cases=world.cases, secret=secret, provider="click", window_s=300,
                          clock=world.clock)


def signed(world: NoticeWorld, payment: dict[str, object], *,
           age_s: float = 0) -> tuple[bytes, str, str]:
    body = json.dumps(payment).encode()
    timestamp = str(int((world.clock() - timedelta(seconds=age_s)).timestamp()))
    return body, timestamp, webhook_signature(SECRET, timestamp=timestamp, body=body)


def payment(reference: str, amount: int, transaction: str = "t1") -> dict[str, object]:
    return {"transaction_id": transaction, "reference": reference, "amount_som": amount,
            "paid_at": "2026-03-02T10:00:00+05:00"}


def test_the_signature_binds_timestamp_and_body() -> None:
    sig = webhook_signature(SECRET, timestamp="1700000000", body=b"{}")
    assert sig.startswith("sha256=")
    assert signature_matches(SECRET, timestamp="1700000000", body=b"{}", signature=sig)
    assert not signature_matches(SECRET, timestamp="1700000001", body=b"{}", signature=sig)
    assert not signature_matches(SECRET, timestamp="1700000000", body=b"{ }", signature=sig)
    assert not signature_matches(b"other" * 8, timestamp="1700000000", body=b"{}",
                                 signature=sig)
    assert not signature_matches(SECRET, timestamp="17000000\u0660\u0660", body=b"{}",
                                 signature=sig)


def test_a_signed_payment_settles_its_notice_once_and_a_file_line_is_the_same_payment(
        ) -> None:
    world = make_notice_world()
    notice = world.issuing.issue(world.confirmed_violation().id, actor="s")
    hook = webhook(world)
    body, ts, sig = signed(world, payment(notice.payment_reference, notice.fine.discounted_som))
    assert hook.receive(body, timestamp=ts, signature=sig).outcome == "applied"
    assert hook.receive(body, timestamp=ts, signature=sig).outcome == "duplicate"
    assert world.cases.notice(notice.number).status is NoticeStatus.PAID
    from_file = world.cases.import_payments([PaymentLine(
        transaction_id="t1", reference=notice.payment_reference, amount_som=1,
        paid_at=world.clock())], provider="click", actor="clerk")
    assert from_file.duplicates == 1


def test_unknown_references_and_short_payments_are_held() -> None:
    world = make_notice_world()
    notice = world.issuing.issue(world.confirmed_violation().id, actor="s")
    hook = webhook(world)
    for n, (reference, amount) in enumerate((("999999999999999", 1000),
                                             (notice.payment_reference, 1000))):
        body, ts, sig = signed(world, payment(reference, amount, f"t{n}"))
        assert hook.receive(body, timestamp=ts, signature=sig).outcome == "held"
    assert [p.hold_reason for p in world.cases.held_payments()] == [
        HoldReason.UNKNOWN_REFERENCE, HoldReason.SHORT]


@pytest.mark.parametrize(("change", "code"), [
    ({"signature": "sha256=" + "0" * 64}, "bad_signature"),
    ({"signature": None}, "bad_signature"),
    ({"timestamp": None}, "bad_signature"),
    ({"age_s": 301}, "stale_timestamp"),
    ({"age_s": -301}, "stale_timestamp"),
    ({"body": b"not json"}, "malformed_json"),
    ({"body": b'{"reference": "1"}'}, "invalid_field"),
    ({"payment": {**payment("1", 5), "amount_som": -5}}, "invalid_field"),
    ({"payment": {**payment("1", 5), "amount_som": True}}, "invalid_field"),
    ({"payment": {**payment("1", 5), "paid_at": "2026-03-02T10:00:00"}}, "invalid_field"),
])
def test_every_bad_request_is_refused_with_its_code(change: dict[str, object],
                                                      code: str) -> None:
    world = make_notice_world()
    body, ts, sig = signed(world, change.get("payment", payment("1", 5)),  # type: ignore[arg-type]
                           age_s=float(change.get("age_s", 0)))  # type: ignore[arg-type]
    if "body" in change:
        body = change["body"]  # type: ignore[assignment]
        sig = webhook_signature(SECRET, timestamp=ts, body=body)
    with pytest.raises(ServiceError) as refused:
        webhook(world).receive(body, timestamp=change.get("timestamp", ts),  # type: ignore[arg-type]
                               signature=change.get("signature", sig))  # type: ignore[arg-type]
    assert refused.value.code == code
    assert world.cases.held_payments() == []


def test_without_a_secret_the_webhook_is_off() -> None:
    world = make_notice_world()
    body, ts, sig = signed(world, payment("1", 5))
    with pytest.raises(ServiceError) as refused:
        webhook(world, secret=None).receive(body, timestamp=ts, signature=sig)
    assert refused.value.code == "not_found"
