"""second factor, lockout and login challenges

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-26 16:30:00
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.add_column(sa.Column("totp_secret", sa.LargeBinary(length=128), nullable=True))
        batch_op.add_column(sa.Column("totp_last_step", _BIGINT, nullable=True))
        batch_op.add_column(sa.Column("recovery_codes", sa.JSON(), nullable=True))
        batch_op.add_column(sa.Column("failed_logins", sa.Integer(), nullable=False,
                                      server_default="0"))
        batch_op.add_column(sa.Column("locked_until_us", _BIGINT, nullable=True))
    op.create_table(
        "login_challenges",
        sa.Column("token_sha256", sa.String(length=64), nullable=False),
        sa.Column("user_id", sa.String(length=64), nullable=False),
        sa.Column("purpose", sa.String(length=16), nullable=False),
        sa.Column("sealed_secret", sa.LargeBinary(length=128), nullable=True),
        sa.Column("created_us", _BIGINT, nullable=False),
        sa.Column("expires_us", _BIGINT, nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"],
                                name=op.f("fk_login_challenges_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("token_sha256", name=op.f("pk_login_challenges")),
    )
    with op.batch_alter_table("login_challenges", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_login_challenges_user_id"), ["user_id"],
                              unique=False)


def downgrade() -> None:
    with op.batch_alter_table("login_challenges", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_login_challenges_user_id"))
    op.drop_table("login_challenges")
    with op.batch_alter_table("users", schema=None) as batch_op:
        batch_op.drop_column("locked_until_us")
        batch_op.drop_column("failed_logins")
        batch_op.drop_column("recovery_codes")
        batch_op.drop_column("totp_last_step")
        batch_op.drop_column("totp_secret")
