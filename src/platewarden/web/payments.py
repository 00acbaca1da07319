"""Held payments in the console: why each is held, and a person applies, refunds or rejects it.

The same region-scoped service as ``/api/v1/payments/held`` (``services/held_payments.py``):
a payment for a notice of another region is not listed, and posting it is the same 404 as an
absent one. Every form carries the session's CSRF token and a required reason.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Query, Request
from fastapi.responses import RedirectResponse, Response

from platewarden.api.deps import container_of, page
from platewarden.domain.access import Permission
from platewarden.domain.notices import HoldReason
from platewarden.services.accounts import Principal
from platewarden.services.errors import ServiceError
from platewarden.services.held_payments import Resolution
from platewarden.services.notice_ports import Payment
from platewarden.web.render import render

router = APIRouter(prefix="/console", include_in_schema=False)
RESOLVE = page(Permission.PAYMENTS_RESOLVE)
PATH = "/console/payments"
# Why a payment is held, as message keys; a notice with nothing due names its status instead.
_WHY = {HoldReason.UNKNOWN_REFERENCE: "payments.why_unknown",
        HoldReason.SHORT: "payments.why_short",
        HoldReason.EXCESS: "payments.why_excess"}


def why_held(payment: Payment) -> tuple[str, str]:
    """The message key for why ``payment`` is held, and the notice status it names (if any).

    Raises:
        ValueError: ``payment`` was never held.
    """
    reason = payment.hold_reason
    if reason is None:
        raise ValueError("a payment applied by itself has no hold reason")
    status = reason.notice_status
    if status is not None:
        return "payments.why_closed", status.value
    return _WHY[reason], ""


@router.get("/payments")
def held(request: Request,
         done: str | None = Query(default=None, pattern="^(applied|refunded|rejected)$"),
         principal: Principal = Depends(RESOLVE)) -> Response:
    """Held payments of the user's regions (and those without a notice), oldest first."""
    return _page(request, principal, done=done)


@router.post("/payments")
def resolve(request: Request,
            provider: Annotated[str, Form(min_length=1, max_length=64)],
            transaction_id: Annotated[str, Form(min_length=1, max_length=128)],
            resolution: Annotated[Resolution, Form()],
            reason: Annotated[str, Form(max_length=500)] = "",
            notice_number: Annotated[str, Form(max_length=24)] = "",
            principal: Principal = Depends(RESOLVE)) -> Response:
    """Apply one held payment to a notice, or refund or reject it, with a reason.

    The form's one notice field is prefilled with the payment's notice; it counts only for
    the "apply" button (refunding or rejecting names no notice).
    """
    applying = resolution is Resolution.APPLY
    try:
        done = container_of(request).notices.held_payments.resolve(
            provider, transaction_id, scope=principal.scope, resolution=resolution,
            notice_number=notice_number.strip() or None if applying else None,
            actor=principal.user_id, reason=reason)
    except ServiceError as exc:
        if exc.code == "not_found":
            raise
        return _page(request, principal, status_code=exc.status, error=exc.message,
                     failed=(provider, transaction_id))
    return RedirectResponse(f"{PATH}?done={done.outcome.value}", status_code=303)


def _page(request: Request, principal: Principal, *, status_code: int = 200,
          done: str | None = None, error: str | None = None,
          failed: tuple[str, str] | None = None) -> Response:
    payments = container_of(request).notices.held_payments.held(scope=principal.scope)
    return render(request, "payments.html", status_code=status_code, payments=payments,
                  why=why_held, resolutions=list(Resolution), done=done, error=error,
                  failed=failed)
