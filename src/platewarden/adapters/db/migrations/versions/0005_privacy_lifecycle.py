"""legal holds; pseudonymised plate column on reads

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-26 18:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("reads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("plate_pseudonym", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_reads_plate_pseudonym", ["plate_pseudonym"], unique=False)
    op.create_table(
        "legal_holds",
        sa.Column("id", sa.String(length=64), nullable=False),
        sa.Column("target", sa.String(length=16), nullable=False),
        sa.Column("target_id", sa.String(length=200), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("placed_by", sa.String(length=128), nullable=False),
        sa.Column("placed_us", _BIGINT, nullable=False),
        sa.Column("released_by", sa.String(length=128), nullable=True),
        sa.Column("released_us", _BIGINT, nullable=True),
        sa.Column("release_reason", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_legal_holds")),
    )
    op.create_index("ix_legal_holds_target", "legal_holds", ["target", "target_id"],
                    unique=False)


def downgrade() -> None:
    op.drop_index("ix_legal_holds_target", table_name="legal_holds")
    op.drop_table("legal_holds")
    with op.batch_alter_table("reads", schema=None) as batch_op:
        batch_op.drop_index("ix_reads_plate_pseudonym")
        batch_op.drop_column("plate_pseudonym")
