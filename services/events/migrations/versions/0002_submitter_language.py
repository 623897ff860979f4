"""A partner's submission remembers the language of its form (issue 16: the approval and
decline mails are written in it).

Revision ID: 0002_submitter_language
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0002_submitter_language"
down_revision: str | None = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("submitter_language", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("events", "submitter_language")
