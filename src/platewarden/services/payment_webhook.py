"""Payment confirmations a provider pushes: signed, fresh, then the file import's path.

Checks run cheapest first and say nothing about a notice before the signature holds: the
webhook is on, both headers present, the HMAC over timestamp and body right, the timestamp
within the window (an older signed request is a replay), the JSON well formed. Then the one
payment goes through :meth:`NoticeCases.import_payments`, so it is idempotent with the
provider's files (``(provider, transaction_id)``) and an unknown reference, a short or an
excess payment is held for a person exactly as from a file.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime

from platewarden.domain.webhook_signing import signature_matches
from platewarden.services.errors import NotFound, ServiceError
from platewarden.services.notice_cases import NoticeCases, PaymentLine

log = logging.getLogger(__name__)
ACTOR_PREFIX = "payment-webhook:"


@dataclass(frozen=True, slots=True, kw_only=True)
class WebhookOutcome:
    """What became of the pushed payment: ``applied``, ``held`` or ``duplicate``."""

    transaction_id: str
    outcome: str


class PaymentWebhook:
    """Verifies and applies one pushed payment confirmation."""

    def __init__(self, *, cases: NoticeCases, secret: bytes | None, provider: str,
                 window_s: float, clock: Callable[[], datetime]) -> None:
        self._cases = cases
        self._secret = secret
        self.provider = provider
        self._window_s = window_s
        self._clock = clock

    def receive(self, body: bytes, *, timestamp: str | None,
                signature: str | None) -> WebhookOutcome:
        """Apply the payment in ``body`` if the request is authentic and fresh.

        Raises:
            NotFound: The webhook is not configured (no secret).
            ServiceError: ``bad_signature``, ``stale_timestamp``, ``malformed_json`` or
                ``invalid_field``.
        """
        if self._secret is None:
            raise NotFound("The payment webhook is not enabled.")
        if not timestamp or not signature or not signature_matches(
                self._secret, timestamp=timestamp, body=body, signature=signature):
            raise ServiceError("bad_signature", "The payment signature does not verify.")
        self._check_fresh(timestamp)
        line = parse_payment(body)
        report = self._cases.import_payments([line], provider=self.provider,
                                             actor=ACTOR_PREFIX + self.provider)
        outcome = ("duplicate" if report.duplicates else
                   "applied" if report.applied else "held")
        log.info("payment webhook: one payment %s", outcome)  # no reference, no amount
        return WebhookOutcome(transaction_id=line.transaction_id, outcome=outcome)

    def _check_fresh(self, timestamp: str) -> None:
        try:
            sent = datetime.fromtimestamp(int(timestamp), tz=UTC)
        except (ValueError, OverflowError, OSError) as exc:
            raise ServiceError("stale_timestamp", "The timestamp is not Unix seconds.") from exc
        if abs((self._clock() - sent).total_seconds()) > self._window_s:
            raise ServiceError("stale_timestamp", f"The timestamp is more than "
                               f"{self._window_s:.0f} s from now; sign the request again.")


def parse_payment(body: bytes) -> PaymentLine:
    """``{transaction_id, reference, amount_som, paid_at}`` as a payment line.

    Raises:
        ServiceError: ``malformed_json`` or ``invalid_field``.
    """
    try:
        raw = json.loads(body)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise ServiceError("malformed_json", "The body is not valid JSON.") from exc
    if not isinstance(raw, dict) or set(raw) != {"transaction_id", "reference", "amount_som",
                                                 "paid_at"}:
        raise ServiceError("invalid_field", "The body needs exactly transaction_id, "
                           "reference, amount_som and paid_at.")
    transaction, reference, amount = raw["transaction_id"], raw["reference"], raw["amount_som"]
    try:
        paid_at = datetime.fromisoformat(str(raw["paid_at"]))
    except ValueError as exc:
        raise ServiceError("invalid_field", "paid_at is not an ISO time.") from exc
    if not (isinstance(transaction, str) and 0 < len(transaction) <= 128) or \
            not (isinstance(reference, str) and 0 < len(reference) <= 64) or \
            isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0 or \
            paid_at.tzinfo is None:
        raise ServiceError("invalid_field", "A transaction id (1-128), a reference (1-64), a "
                           "positive whole amount in som and a time with its zone are needed.")
    return PaymentLine(transaction_id=transaction, reference=reference, amount_som=amount,
                       paid_at=paid_at.astimezone(UTC))
