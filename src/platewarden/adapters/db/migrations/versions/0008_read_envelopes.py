"""the camera's signed envelope behind each read (for evidence packages)

Revision ID: 0008
Revises: 0007
Create Date: 2026-11-26 18:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0008"
down_revision = "0007"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "read_envelopes",
        sa.Column("read_pk", sa.String(length=200), nullable=False),
        sa.Column("envelope_sha256", sa.String(length=64), nullable=False),
        sa.Column("signature", sa.LargeBinary(length=64), nullable=False),
        sa.PrimaryKeyConstraint("read_pk", name=op.f("pk_read_envelopes")),
    )
    op.create_index("ix_read_envelopes_envelope_sha256", "read_envelopes",
                    ["envelope_sha256"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_read_envelopes_envelope_sha256", table_name="read_envelopes")
    op.drop_table("read_envelopes")
