"""Payments: the provider's webhook, and the held payments a person resolves.

The webhook is authenticated by ``X-Payment-Signature`` (HMAC-SHA256 with the shared secret
over ``X-Payment-Timestamp`` + "." + body), not by a login; see
``services/payment_webhook.py``. Held payments need ``payments:resolve`` and the regions of
the notices involved (a payment without a known notice is anyone's with the permission);
``services/held_payments.py`` decides, shared with the console.
"""

from __future__ import annotations

from datetime import datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel, ConfigDict, Field, StringConstraints
from starlette.concurrency import run_in_threadpool

from platewarden.api.bodies import read_body
from platewarden.api.deps import container_of, payment_signed, require
from platewarden.bootstrap import Container
from platewarden.domain.access import Permission
from platewarden.domain.notices import HoldReason
from platewarden.services.accounts import Principal
from platewarden.services.held_payments import Resolution
from platewarden.services.notice_ports import Payment

router = APIRouter(prefix="/api/v1/payments", tags=["payments"])
MAX_BODY_BYTES = 16 * 1024  # one confirmation is a few hundred bytes
TIMESTAMP_HEADER = "x-payment-timestamp"
SIGNATURE_HEADER = "x-payment-signature"


class WebhookOut(BaseModel):
    """What became of the payment: ``applied``, ``held`` (for a person) or ``duplicate``."""

    transaction_id: str
    outcome: str


@router.post("/webhook", response_model=WebhookOut, dependencies=[Depends(payment_signed)])
async def webhook(request: Request) -> WebhookOut:
    """``{transaction_id, reference, amount_som, paid_at}``, signed by the provider."""
    body = await read_body(request, limit=MAX_BODY_BYTES)
    done = await run_in_threadpool(
        container_of(request).notices.webhook.receive, body,
        timestamp=request.headers.get(TIMESTAMP_HEADER),
        signature=request.headers.get(SIGNATURE_HEADER))
    return WebhookOut(transaction_id=done.transaction_id, outcome=done.outcome)


# A plain string as it always was (a schema enum would be a change for generated clients);
# the values are the domain's fixed vocabulary, listed for readers of the schema.
_HOLD_REASONS = "Why it was held: " + ", ".join(f'"{r}"' for r in HoldReason) + "."


class PaymentItem(BaseModel):
    """A payment as a person resolving it sees it."""

    provider: str
    transaction_id: str
    reference: str
    amount_som: int
    paid_at: datetime
    outcome: str
    hold_reason: Annotated[str, Field(description=_HOLD_REASONS)]
    notice_number: str | None


class ResolveIn(BaseModel):
    """Apply to ``notice_number``, or refund, or reject a held payment; with a reason."""

    model_config = ConfigDict(extra="forbid")
    provider: Annotated[str, StringConstraints(min_length=1, max_length=64)]
    transaction_id: Annotated[str, StringConstraints(min_length=1, max_length=128)]
    resolution: Resolution
    notice_number: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                                    max_length=24)] | None = None
    reason: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1,
                                             max_length=500)]


def _item(payment: Payment) -> PaymentItem:
    return PaymentItem(provider=payment.provider, transaction_id=payment.transaction_id,
                       reference=payment.reference, amount_som=payment.amount_som,
                       paid_at=payment.paid_at, outcome=payment.outcome.value,
                       hold_reason=str(payment.hold_reason or ""),
                       notice_number=payment.notice_number)


def _held(container: Container, principal: Principal) -> list[PaymentItem]:
    return [_item(p) for p in container.notices.held_payments.held(scope=principal.scope)]


def _resolve(container: Container, principal: Principal, body: ResolveIn) -> PaymentItem:
    return _item(container.notices.held_payments.resolve(
        body.provider, body.transaction_id, scope=principal.scope, resolution=body.resolution,
        notice_number=body.notice_number, actor=principal.user_id, reason=body.reason))


@router.get("/held", response_model=list[PaymentItem])
async def held_payments(request: Request,
                        principal: Principal = Depends(require(Permission.PAYMENTS_RESOLVE))
                        ) -> list[PaymentItem]:
    """Payments waiting for a person (unknown reference, short, excess, nothing due)."""
    return await run_in_threadpool(_held, container_of(request), principal)


@router.post("/held/resolve", response_model=PaymentItem)
async def resolve(body: ResolveIn, request: Request,
                  principal: Principal = Depends(require(Permission.PAYMENTS_RESOLVE))
                  ) -> PaymentItem:
    """Apply a held payment to a notice (it becomes paid), or refund or reject it."""
    return await run_in_threadpool(_resolve, container_of(request), principal, body)
