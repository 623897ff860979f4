"""Transactional mail can carry files (an event's .ics, issue 16).

Revision ID: 0013_delivery_attachments
Revises: 0012_archive_by_choice
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013_delivery_attachments"
down_revision: str | None = "0012_archive_by_choice"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "deliveries",
        sa.Column(
            "attachments",
            postgresql.JSONB(),
            nullable=False,
            server_default=sa.text("'[]'::jsonb"),
        ),
    )


def downgrade() -> None:
    op.drop_column("deliveries", "attachments")
