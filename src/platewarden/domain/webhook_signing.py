"""The payment webhook's signature: HMAC-SHA256 over the timestamp and the exact body.

A provider sends ``X-Payment-Timestamp: <unix seconds>`` and
``X-Payment-Signature: sha256=<hex of HMAC-SHA256(secret, timestamp + "." + body)>``. Binding
the timestamp into the MAC lets the receiver refuse old requests (replays) by their time.
"""

from __future__ import annotations

import hashlib
import hmac

SCHEME = "sha256="


def webhook_signature(secret: bytes, *, timestamp: str, body: bytes) -> str:
    """The ``X-Payment-Signature`` value for ``body`` sent at ``timestamp``."""
    mac = hmac.new(secret, timestamp.encode("ascii") + b"." + body, hashlib.sha256)
    return SCHEME + mac.hexdigest()


def signature_matches(secret: bytes, *, timestamp: str, body: bytes, signature: str) -> bool:
    """Whether ``signature`` is the right one (compared in constant time)."""
    if not timestamp.isascii():
        return False
    expected = webhook_signature(secret, timestamp=timestamp, body=body)
    return hmac.compare_digest(expected.encode(), signature.strip().encode("utf-8", "replace"))
