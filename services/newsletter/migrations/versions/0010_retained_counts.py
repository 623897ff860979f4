"""Retained counts carry every campaign figure: link, hour and unique-per-link of tracking
counts, and the unsubscribed of delivery counts.

Revision ID: 0010_retained_counts
Revises: 0009_origin_label
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0010_retained_counts"
down_revision: str | None = "0009_origin_label"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("tracking_daily_counts", sa.Column("url", sa.Text(), nullable=True))
    op.add_column("tracking_daily_counts", sa.Column("hour", sa.SmallInteger(), nullable=True))
    op.add_column(
        "tracking_daily_counts",
        sa.Column("url_deliveries", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "delivery_counts",
        sa.Column("unsubscribed", sa.Integer(), server_default="0", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("delivery_counts", "unsubscribed")
    op.drop_column("tracking_daily_counts", "url_deliveries")
    op.drop_column("tracking_daily_counts", "hour")
    op.drop_column("tracking_daily_counts", "url")
