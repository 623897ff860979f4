"""Deliveries keep the trace context of the request that asked for them (shared/tracing.py).

Revision ID: 0011_delivery_traceparent
Revises: 0010_retained_counts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011_delivery_traceparent"
down_revision: str | None = "0010_retained_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("traceparent", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("deliveries", "traceparent")
