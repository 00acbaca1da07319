"""region grants for users; indexes for audit look-ups and wildcard plate search

Users created before this revision keep the national scope they had ("*"); new users are given
their regions explicitly by the account service.

Revision ID: 0004
Revises: 0003
Create Date: 2026-11-26 17:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("regions", sa.JSON(), nullable=False,
                                      server_default='["*"]'))
    op.create_index("ix_reads_plate_time", "reads", ["plate", "captured_us"], unique=False)
    op.create_index("ix_reads_captured", "reads", ["captured_us"], unique=False)
    op.create_index("ix_audit_log_action_time", "audit_log", ["action", "at_us"], unique=False)
    op.create_index("ix_audit_log_target", "audit_log", ["target"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_audit_log_target", table_name="audit_log")
    op.drop_index("ix_audit_log_action_time", table_name="audit_log")
    op.drop_index("ix_reads_captured", table_name="reads")
    op.drop_index("ix_reads_plate_time", table_name="reads")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("regions")
