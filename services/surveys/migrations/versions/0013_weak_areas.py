"""Self-assessed weak areas in the contact snapshot replica (segment field `weak_areas`).

Revision ID: 0013_weak_areas
Revises: 0012_event_feedback
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0013_weak_areas"
down_revision: str | None = "0012_event_feedback"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "contact_snapshot",
        sa.Column("weak_areas", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("contact_snapshot", "weak_areas")
