"""Deterministic ids for violations and alerts.

An id is a SHA-256 over the rule and the reads behind a result, so evaluating the same reads
again yields the same id and the store's primary key makes the second insert a no-op.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable

from platewarden.domain.violations import ViolationType


def _digest(parts: list[object]) -> str:
    # JSON keeps the parts unambiguous: no separator can be forged by an id's own text.
    payload = json.dumps(parts, separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(payload.encode()).hexdigest()


def violation_id(kind: ViolationType, read_ids: Iterable[str], *, scope: str = "") -> str:
    """Id of the violation of ``kind`` evidenced by ``read_ids``.

    Args:
        kind: The rule that found it.
        read_ids: Platform-wide read ids; their order and repeats do not matter.
        scope: Extra context that distinguishes otherwise identical results (the section
            id for section speed, since two sections may share cameras).

    Returns:
        64 lower-case hex characters.

    Raises:
        ValueError: If ``read_ids`` is empty.
    """
    ids = sorted(set(read_ids))
    if not ids:
        raise ValueError("a violation needs at least one read")
    return _digest(["violation", str(kind), scope, ids])


def alert_id(read_id: str, entry_id: str) -> str:
    """Id of the alert raised by read ``read_id`` matching hotlist entry ``entry_id``."""
    return _digest(["alert", "hotlist", entry_id, [read_id]])
