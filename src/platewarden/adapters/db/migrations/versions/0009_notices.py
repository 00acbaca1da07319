"""notices, their history, payments, appeals and the embedded vehicle registry

Revision ID: 0009
Revises: 0008
Create Date: 2026-11-26 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0008"
branch_labels = None
depends_on = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "notices",
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column("violation_id", sa.String(64), nullable=False),
        sa.Column("plate_key", sa.String(32), nullable=False),
        sa.Column("verification_code", sa.String(32), nullable=False),
        sa.Column("payment_reference", sa.String(32), nullable=False),
        sa.Column("language", sa.String(4), nullable=False),
        sa.Column("issued_us", _BIGINT, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("paid_som", _BIGINT, nullable=False),
        sa.Column("schedule_id", sa.String(40), nullable=False),
        sa.Column("band", sa.Integer(), nullable=False),
        sa.Column("legal_basis", sa.String(200), nullable=False),
        sa.Column("amount_som", _BIGINT, nullable=False),
        sa.Column("discounted_som", _BIGINT, nullable=False),
        sa.Column("discount_until_us", _BIGINT, nullable=False),
        sa.Column("due_us", _BIGINT, nullable=False),
        sa.Column("penalty_points", sa.Integer(), nullable=False),
        sa.Column("repeat", sa.Boolean(), nullable=False),
        sa.Column("keeper_name", sa.String(200), nullable=True),
        sa.Column("keeper_address", sa.String(500), nullable=True),
        sa.Column("keeper_kind", sa.String(16), nullable=True),
        sa.PrimaryKeyConstraint("number", name=op.f("pk_notices")),
        sa.UniqueConstraint("violation_id", name=op.f("uq_notices_violation_id")),
        sa.UniqueConstraint("verification_code", name=op.f("uq_notices_verification_code")),
        sa.UniqueConstraint("payment_reference", name=op.f("uq_notices_payment_reference")),
    )
    op.create_index("ix_notices_plate", "notices", ["plate_key", "issued_us"])
    op.create_index("ix_notices_status_due", "notices", ["status", "due_us"])
    op.create_table(
        "notice_events",
        sa.Column("id", sa.Integer(), autoincrement=True, nullable=False),
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column("old", sa.String(16), nullable=False),
        sa.Column("new", sa.String(16), nullable=False),
        sa.Column("actor", sa.String(128), nullable=False),
        sa.Column("at_us", _BIGINT, nullable=False),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notice_events")),
    )
    op.create_index("ix_notice_events_number", "notice_events", ["number", "id"])
    op.create_table(
        "payments",
        sa.Column("provider", sa.String(64), nullable=False),
        sa.Column("transaction_id", sa.String(128), nullable=False),
        sa.Column("reference", sa.String(64), nullable=False),
        sa.Column("amount_som", _BIGINT, nullable=False),
        sa.Column("paid_us", _BIGINT, nullable=False),
        sa.Column("outcome", sa.String(16), nullable=False),
        sa.Column("notice_number", sa.String(24), nullable=True),
        sa.Column("hold_reason", sa.String(200), nullable=False),
        sa.PrimaryKeyConstraint("provider", "transaction_id", name=op.f("pk_payments")),
    )
    op.create_index("ix_payments_outcome", "payments", ["outcome"])
    op.create_table(
        "appeals",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column("text", sa.Text(), nullable=False),
        sa.Column("filed_us", _BIGINT, nullable=False),
        sa.Column("status", sa.String(16), nullable=False),
        sa.Column("decided_by", sa.String(128), nullable=True),
        sa.Column("decided_us", _BIGINT, nullable=True),
        sa.Column("reason", sa.String(500), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeals")),
    )
    op.create_index("ix_appeals_status", "appeals", ["status", "filed_us"])
    op.create_table(
        "registry_keepers",
        sa.Column("plate_key", sa.String(32), nullable=False),
        sa.Column("valid_from", sa.String(10), nullable=False),
        sa.Column("valid_to", sa.String(10), nullable=True),
        sa.Column("name", sa.String(200), nullable=False),
        sa.Column("address", sa.String(500), nullable=False),
        sa.Column("kind", sa.String(16), nullable=False),
        sa.UniqueConstraint("plate_key", "valid_from", name="uq_registry_keepers_plate_from"),
    )


def downgrade() -> None:
    for index, table in (("ix_appeals_status", "appeals"), ("ix_payments_outcome", "payments"),
                         ("ix_notice_events_number", "notice_events"),
                         ("ix_notices_status_due", "notices"), ("ix_notices_plate", "notices")):
        op.drop_index(index, table_name=table)
    for table in ("registry_keepers", "appeals", "payments", "notice_events", "notices"):
        op.drop_table(table)
