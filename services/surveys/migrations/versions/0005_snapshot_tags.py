"""segment-count indexes on the contact_snapshot replica (shared/snapshot.py)

Revision ID: 0005_snapshot_tags
Revises: 0004_open_link_builder
Create Date: 2026-11-28 15:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005_snapshot_tags"
down_revision: str | None = "0004_open_link_builder"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_index(
        "ix_contact_snapshot_live_type_region_lang",
        "contact_snapshot",
        ["organisation_type", "region", "language"],
        unique=False,
        postgresql_include=["topics", "tags"],
        postgresql_where=sa.text("erased IS false"),
    )
    op.create_index(
        "ix_contact_snapshot_tags",
        "contact_snapshot",
        ["tags"],
        unique=False,
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_index("ix_contact_snapshot_tags", table_name="contact_snapshot", postgresql_using="gin")
    op.drop_index(
        "ix_contact_snapshot_live_type_region_lang",
        table_name="contact_snapshot",
        postgresql_where=sa.text("erased IS false"),
    )
