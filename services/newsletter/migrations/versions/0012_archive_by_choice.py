"""Campaigns are in the public archive by the editor's choice (`in_archive`).

Campaigns sent before keep being shown (the column defaults to true); an editor can withdraw
any of them from the campaign page.

Revision ID: 0012_archive_by_choice
Revises: 0011_delivery_traceparent
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_archive_by_choice"
down_revision: str | None = "0011_delivery_traceparent"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "campaigns",
        sa.Column("in_archive", sa.Boolean(), nullable=False, server_default=sa.true()),
    )


def downgrade() -> None:
    op.drop_column("campaigns", "in_archive")
