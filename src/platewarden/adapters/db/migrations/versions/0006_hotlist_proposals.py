"""manual hotlist entries proposed for a supervisor's decision

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-26 18:10:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0005"
branch_labels = None
depends_on = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "hotlist_proposals",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("entry_id", sa.String(length=64), nullable=False),
        sa.Column("plate", sa.String(length=32), nullable=False),
        sa.Column("list_name", sa.String(length=64), nullable=False),
        sa.Column("reason", sa.String(length=500), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("legal_basis", sa.String(length=500), nullable=False),
        sa.Column("expires_us", _BIGINT, nullable=False),
        sa.Column("priority", sa.Integer(), nullable=False),
        sa.Column("proposed_by", sa.String(length=64), nullable=False),
        sa.Column("proposed_us", _BIGINT, nullable=False),
        sa.Column("status", sa.String(length=16), nullable=False),
        sa.Column("decided_by", sa.String(length=64), nullable=True),
        sa.Column("decided_us", _BIGINT, nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_hotlist_proposals")),
    )
    op.create_index("ix_hotlist_proposals_status", "hotlist_proposals",
                    ["status", "proposed_us"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_hotlist_proposals_status", table_name="hotlist_proposals")
    op.drop_table("hotlist_proposals")
