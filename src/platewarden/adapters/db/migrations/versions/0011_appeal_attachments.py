"""files attached to appeals (the bytes are encrypted evidence objects)

Revision ID: 0011
Revises: 0010
Create Date: 2026-11-26 20:40:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0010"
branch_labels = None
depends_on = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")
_INDEXES = (("ix_appeal_attachments_appeal", ["appeal_id", "position"]),
            ("ix_appeal_attachments_number", ["number"]),
            ("ix_appeal_attachments_sha256", ["sha256"]),
            ("ix_appeal_attachments_filed", ["filed_us"]))


def upgrade() -> None:
    op.create_table(
        "appeal_attachments",
        sa.Column("id", sa.String(32), nullable=False),
        sa.Column("appeal_id", sa.String(32), nullable=False),
        sa.Column("number", sa.String(24), nullable=False),
        sa.Column("position", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(120), nullable=False),
        sa.Column("content_type", sa.String(40), nullable=False),
        sa.Column("size_bytes", _BIGINT, nullable=False),
        sa.Column("sha256", sa.String(64), nullable=False),
        sa.Column("filed_us", _BIGINT, nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_appeal_attachments")),
    )
    for name, columns in _INDEXES:
        op.create_index(name, "appeal_attachments", columns)


def downgrade() -> None:
    for name, _ in _INDEXES:
        op.drop_index(name, table_name="appeal_attachments")
    op.drop_table("appeal_attachments")
