"""rate limits shared by every server process (login, the citizen look-up)

Revision ID: 0013
Revises: 0012
Create Date: 2026-11-26 23:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0013"
down_revision = "0012"
branch_labels = None
depends_on = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    op.create_table(
        "rate_limit_hits",
        sa.Column("bucket", sa.String(32), nullable=False),
        sa.Column("key_hmac", sa.String(64), nullable=False),
        sa.Column("window_us", _BIGINT, nullable=False),
        sa.Column("hits", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("bucket", "key_hmac", "window_us",
                                name=op.f("pk_rate_limit_hits")),
    )


def downgrade() -> None:
    op.drop_table("rate_limit_hits")
