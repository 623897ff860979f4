"""Deliveries name their origin for staff elsewhere: label and (survey) campaign group.

Revision ID: 0009_origin_label
Revises: 0008_media
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009_origin_label"
down_revision: str | None = "0008_media"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("deliveries", sa.Column("origin_label", sa.Text(), nullable=True))
    op.add_column("deliveries", sa.Column("origin_group", sa.Text(), nullable=True))


def downgrade() -> None:
    op.drop_column("deliveries", "origin_group")
    op.drop_column("deliveries", "origin_label")
