"""The payment provider's webhook: a signed confirmation per request, applied idempotently.

Authenticated by ``X-Payment-Signature`` (HMAC-SHA256 with the shared secret over
``X-Payment-Timestamp`` + "." + body), not by a login; see ``services/payment_webhook.py``.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Request
from pydantic import BaseModel
from starlette.concurrency import run_in_threadpool

from platewarden.api.bodies import read_body
from platewarden.api.deps import container_of, payment_signed

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
