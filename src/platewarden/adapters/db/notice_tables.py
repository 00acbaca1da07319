"""Tables of notices, their history, payments, appeals and the embedded vehicle registry.

On the shared metadata of ``tables``; created by migrations ``0009`` and ``0011``.
"""

from __future__ import annotations

from sqlalchemy import Boolean, Column, Index, Integer, String, Table, Text, UniqueConstraint

from platewarden.adapters.db.tables import BigInt, metadata

notices = Table(
    "notices", metadata,
    Column("number", String(24), primary_key=True),
    # One violation never yields two notices, whoever issues them and however concurrently.
    Column("violation_id", String(64), nullable=False, unique=True),
    Column("plate_key", String(32), nullable=False),
    Column("verification_code", String(32), nullable=False, unique=True),
    Column("payment_reference", String(32), nullable=False, unique=True),
    Column("language", String(4), nullable=False),
    Column("issued_us", BigInt, nullable=False),
    Column("status", String(16), nullable=False),
    Column("paid_som", BigInt, nullable=False),
    Column("schedule_id", String(40), nullable=False),
    Column("band", Integer, nullable=False),
    Column("legal_basis", String(200), nullable=False),
    Column("amount_som", BigInt, nullable=False),
    Column("discounted_som", BigInt, nullable=False),
    Column("discount_until_us", BigInt, nullable=False),
    Column("due_us", BigInt, nullable=False),
    Column("penalty_points", Integer, nullable=False),
    Column("repeat", Boolean, nullable=False),
    Column("keeper_name", String(200)),
    Column("keeper_address", String(500)),
    Column("keeper_kind", String(16)),
    Column("keeper_language", String(4)),
    Index("ix_notices_plate", "plate_key", "issued_us"),
    Index("ix_notices_status_due", "status", "due_us"),
)

notice_events = Table(
    "notice_events", metadata,
    Column("id", Integer, primary_key=True, autoincrement=True),
    Column("number", String(24), nullable=False),
    Column("old", String(16), nullable=False),
    Column("new", String(16), nullable=False),
    Column("actor", String(128), nullable=False),
    Column("at_us", BigInt, nullable=False),
    Column("reason", String(500), nullable=False),
    Index("ix_notice_events_number", "number", "id"),
)

payments = Table(
    "payments", metadata,
    Column("provider", String(64), primary_key=True),
    Column("transaction_id", String(128), primary_key=True),
    Column("reference", String(64), nullable=False),
    Column("amount_som", BigInt, nullable=False),
    Column("paid_us", BigInt, nullable=False),
    Column("outcome", String(16), nullable=False),
    Column("notice_number", String(24)),
    Column("hold_reason", String(200), nullable=False),
    Index("ix_payments_outcome", "outcome"),
)

appeals = Table(
    "appeals", metadata,
    Column("id", String(32), primary_key=True),
    Column("number", String(24), nullable=False),
    Column("text", Text, nullable=False),
    Column("filed_us", BigInt, nullable=False),
    Column("status", String(16), nullable=False),
    Column("decided_by", String(128)),
    Column("decided_us", BigInt),
    Column("reason", String(500), nullable=False),
    Index("ix_appeals_status", "status", "filed_us"),
)

# Files attached to appeals (migration 0011): the bytes are evidence objects (encrypted,
# content-addressed), so a row here is what keeps them; retention deletes both with the case.
appeal_attachments = Table(
    "appeal_attachments", metadata,
    Column("id", String(32), primary_key=True),
    Column("appeal_id", String(32), nullable=False),
    Column("number", String(24), nullable=False),
    Column("position", Integer, nullable=False),
    Column("name", String(120), nullable=False),
    Column("content_type", String(40), nullable=False),
    Column("size_bytes", BigInt, nullable=False),
    Column("sha256", String(64), nullable=False),
    Column("filed_us", BigInt, nullable=False),
    Index("ix_appeal_attachments_appeal", "appeal_id", "position"),
    Index("ix_appeal_attachments_number", "number"),
    Index("ix_appeal_attachments_sha256", "sha256"),
    Index("ix_appeal_attachments_filed", "filed_us"),
)

registry_keepers = Table(
    "registry_keepers", metadata,
    Column("plate_key", String(32), nullable=False),
    Column("valid_from", String(10), nullable=False),  # ISO day: comparable as text
    Column("valid_to", String(10)),
    Column("name", String(200), nullable=False),
    Column("address", String(500), nullable=False),
    Column("kind", String(16), nullable=False),
    Column("language", String(4)),
    UniqueConstraint("plate_key", "valid_from", name="uq_registry_keepers_plate_from"),
)
