"""What retention asks about appeal attachments: their objects live while their rows do."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, delete, func, select

from platewarden.adapters.db.notice_tables import appeal_attachments as _att
from platewarden.domain.clock import to_us


def delete_for_notices(conn: Connection, numbers: Any) -> list[str]:
    """Delete the attachment rows of the notices ``numbers`` selects; their objects' hashes."""
    shas = list(conn.execute(select(_att.c.sha256).where(_att.c.number.in_(numbers))).scalars())
    conn.execute(delete(_att).where(_att.c.number.in_(numbers)))
    return shas


def referenced(conn: Connection, shas: Sequence[str]) -> set[str]:
    """Which of ``shas`` an attachment still refers to."""
    return set(conn.execute(select(_att.c.sha256).where(_att.c.sha256.in_(list(shas))))
               .scalars())


def filed_since(conn: Connection, start: datetime) -> dict[str, int]:
    """Objects of attachments filed since ``start``, with the latest filing time (us)."""
    rows = conn.execute(select(_att.c.sha256, func.max(_att.c.filed_us))
                        .where(_att.c.filed_us >= to_us(start)).group_by(_att.c.sha256))
    return {str(sha): int(filed) for sha, filed in rows}


def filed_between(conn: Connection, start: datetime, end: datetime) -> int:
    """How many attachments were filed in ``[start, end)``."""
    return int(conn.execute(select(func.count()).select_from(_att).where(
        _att.c.filed_us >= to_us(start), _att.c.filed_us < to_us(end))).scalar_one())
