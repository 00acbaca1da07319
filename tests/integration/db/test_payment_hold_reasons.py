"""Payments stored before hold reasons were typed read back as the reasons they were.

Rows hold the texts the service wrote from the first held payment on ("unknown reference",
"notice is cancelled", ...); they are written here with raw SQL, as an older release left
them, on SQLite and PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import Engine, insert

from platewarden.adapters.db.engine import make_engine, migrate
from platewarden.adapters.db.notice_tables import payments
from platewarden.adapters.db.notices import SqlNoticeUnitOfWorkFactory
from platewarden.domain.notices import HoldReason
from platewarden.services.notice_ports import PaymentOutcome
from support.postgres import truncate_all

pytestmark = pytest.mark.integration
OLD_ROWS = {"t-unknown": "unknown reference", "t-short": "less than the amount due",
            "t-excess": "more than the amount due", "t-appealed": "notice is appealed",
            "t-paid": "notice is paid", "t-cancelled": "notice is cancelled"}


@pytest.fixture(params=["sqlite", "postgresql"])
def engine(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Engine]:
    if request.param == "sqlite":
        made = make_engine(f"sqlite:///{tmp_path / 'db.sqlite'}")
        migrate(made)
    else:
        url: str = request.getfixturevalue("postgres_url")
        truncate_all(url)
        made = make_engine(url)
    yield made
    made.dispose()


def old_row(tx: str, *, outcome: str, hold_reason: str) -> dict[str, object]:
    return {"provider": "click", "transaction_id": tx, "reference": "100000000000001",
            "amount_som": 5000, "paid_us": 1_772_445_600_000_000, "outcome": outcome,
            "notice_number": None, "hold_reason": hold_reason}


def test_stored_hold_texts_read_back_as_their_reasons(engine: Engine) -> None:
    with engine.begin() as conn:
        conn.execute(insert(payments), [
            *(old_row(tx, outcome="held", hold_reason=text) for tx, text in OLD_ROWS.items()),
            old_row("t-refunded", outcome="refunded", hold_reason="more than the amount due"),
            old_row("t-applied", outcome="applied", hold_reason="")])
    with SqlNoticeUnitOfWorkFactory(engine)(read_only=True) as uow:
        found = {p.transaction_id: p.hold_reason for p in uow.notices.payments(outcome=None)}
        resolved = uow.notices.payment("click", "t-refunded")
    assert found == {**{tx: HoldReason(text) for tx, text in OLD_ROWS.items()},
                     "t-refunded": HoldReason.EXCESS, "t-applied": None}
    assert found["t-cancelled"] is HoldReason.NOTICE_CANCELLED
    assert resolved is not None
    assert resolved.outcome is PaymentOutcome.REFUNDED  # a resolved payment keeps why
    assert resolved.hold_reason is HoldReason.EXCESS
