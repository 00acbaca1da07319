"""the keeper's language of correspondence, in the registry and on the notice

Revision ID: 0014
Revises: 0013
Create Date: 2026-11-27 00:00:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0013"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("registry_keepers", schema=None) as batch_op:
        batch_op.add_column(sa.Column("language", sa.String(length=4), nullable=True))
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.add_column(sa.Column("keeper_language", sa.String(length=4), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("notices", schema=None) as batch_op:
        batch_op.drop_column("keeper_language")
    with op.batch_alter_table("registry_keepers", schema=None) as batch_op:
        batch_op.drop_column("language")
