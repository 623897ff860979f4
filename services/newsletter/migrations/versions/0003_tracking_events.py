"""tracking events

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 14:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "tracking_events",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column(
            "at", sa.DateTime(timezone=True), server_default=sa.text("now()"), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_tracking_events")),
    )
    op.create_index(
        "ix_tracking_events_campaign", "tracking_events", ["campaign_id", "kind"], unique=False
    )
    op.create_index(
        "ix_tracking_events_delivery", "tracking_events", ["delivery_id", "kind"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_tracking_events_delivery", table_name="tracking_events")
    op.drop_index("ix_tracking_events_campaign", table_name="tracking_events")
    op.drop_table("tracking_events")
