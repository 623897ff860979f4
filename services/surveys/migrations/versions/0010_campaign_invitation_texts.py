"""A campaign's own invitation texts per language (subject and message), edited by staff.

Revision ID: 0010_campaign_invitation_texts
Revises: 0011_self_assessment
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0010_campaign_invitation_texts"
down_revision: str | None = "0011_self_assessment"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "campaigns",
        sa.Column(
            "invitation",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
    )


def downgrade() -> None:
    op.drop_column("campaigns", "invitation")
