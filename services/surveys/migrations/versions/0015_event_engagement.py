"""The replica's event participation fields of contacts' snapshot (shared/snapshot.py):
last_attended_on and registered_series, which segments may test.

Revision ID: 0015_event_engagement
Revises: 0014_materials
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0015_event_engagement"
down_revision: str | None = "0014_materials"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("contact_snapshot", sa.Column("last_attended_on", sa.Date(), nullable=True))
    op.add_column(
        "contact_snapshot",
        sa.Column(
            "registered_series", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("contact_snapshot", "registered_series")
    op.drop_column("contact_snapshot", "last_attended_on")
