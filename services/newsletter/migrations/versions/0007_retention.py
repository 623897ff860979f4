"""retention: daily tracking counts and delivery counts

Revision ID: 0007_retention
Revises: 0006_snapshot_tags
Create Date: 2026-11-28 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_retention"
down_revision: str | None = "0006_snapshot_tags"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracking_daily_counts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("events", sa.Integer(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_daily_counts")),
    )
    op.create_index(
        "ix_tracking_daily_counts_campaign",
        "tracking_daily_counts",
        ["campaign_id", "day"],
        unique=False,
    )
    op.create_table(
        "delivery_counts",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("status", sa.Text(), nullable=False),
        sa.Column("deliveries", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_delivery_counts")),
    )
    op.create_index("ix_delivery_counts_campaign", "delivery_counts", ["campaign_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_delivery_counts_campaign", table_name="delivery_counts")
    op.drop_table("delivery_counts")
    op.drop_index("ix_tracking_daily_counts_campaign", table_name="tracking_daily_counts")
    op.drop_table("tracking_daily_counts")
