"""retention finds a day's kept reads by time: violation_reads.captured_us, alerts by time

Revision ID: 0012
Revises: 0011
Create Date: 2026-11-26 20:30:00

Dropping an expired day's partitions must save the reads behind violations, alerts and legal
holds. Finding them by evaluating a keep condition over every read of the day made a day's
retention grow with the day; with the read's capture time beside each violation link
(``violation_reads.captured_us``, filled from the read) and an index on the alert's time
(``alerts.occurred_us``, the read's capture time by construction), the day's kept reads are
found from those small tables. Links whose read was gone before this revision keep a NULL
time; retention treats NULL as "may be in any day".
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0012"
down_revision = "0011"
branch_labels = None
depends_on = None

_BIGINT = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


def upgrade() -> None:
    with op.batch_alter_table("violation_reads", schema=None) as batch_op:
        batch_op.add_column(sa.Column("captured_us", _BIGINT, nullable=True))
    op.execute("UPDATE violation_reads SET captured_us = (SELECT min(reads.captured_us) "
               "FROM reads WHERE reads.id = violation_reads.read_pk)")
    op.create_index("ix_violation_reads_captured", "violation_reads", ["captured_us"])
    op.create_index("ix_alerts_occurred", "alerts", ["occurred_us"])


def downgrade() -> None:
    op.drop_index("ix_alerts_occurred", table_name="alerts")
    op.drop_index("ix_violation_reads_captured", table_name="violation_reads")
    with op.batch_alter_table("violation_reads", schema=None) as batch_op:
        batch_op.drop_column("captured_us")
