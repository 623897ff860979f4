"""The newsletter's replica of published events (`events.event.v1`) for the event card.

Revision ID: 0014_event_listing
Revises: 0013_delivery_attachments
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014_event_listing"
down_revision: str | None = "0013_delivery_attachments"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_listing",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("online", sa.Boolean(), nullable=False),
        sa.Column("municipality", sa.Text(), nullable=True),
        sa.Column("languages", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_listing")),
    )
    op.create_index("ix_event_listing_starts_at", "event_listing", ["starts_at"])


def downgrade() -> None:
    op.drop_index("ix_event_listing_starts_at", table_name="event_listing")
    op.drop_table("event_listing")
