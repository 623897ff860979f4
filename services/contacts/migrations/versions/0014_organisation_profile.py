"""Organisations' profile: the forms of digital support they offer, their funding, archiving.

Revision ID: 0014_organisation_profile
Revises: 0013_no_search_text_kept
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014_organisation_profile"
down_revision: str | None = "0013_no_search_text_kept"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for name in ("support_forms", "funding"):
        op.add_column(
            "organisations",
            sa.Column(name, postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        )
    op.add_column(
        "organisations",
        sa.Column("archived", sa.Boolean(), server_default="false", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("organisations", "archived")
    op.drop_column("organisations", "funding")
    op.drop_column("organisations", "support_forms")
