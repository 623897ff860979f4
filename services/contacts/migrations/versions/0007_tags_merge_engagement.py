"""tags, last_engaged_on on people; segment-count indexes on contact_snapshot

Revision ID: 0007_tags_merge_engagement
Revises: 0006
Create Date: 2026-11-28 15:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0007_tags_merge_engagement"
down_revision: str | None = "0006"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "people",
        sa.Column("tags", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
    )
    op.add_column("people", sa.Column("last_engaged_on", sa.Date(), nullable=True))
    op.create_table(
        "tags",
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("name", name=op.f("pk_tags")),
    )
    op.create_index("uq_tags_name_lower", "tags", [sa.literal_column("lower(name)")], unique=True)
    create_snapshot_indexes()


def downgrade() -> None:
    drop_snapshot_indexes()
    op.drop_index("uq_tags_name_lower", table_name="tags")
    op.drop_table("tags")
    op.drop_column("people", "last_engaged_on")
    op.drop_column("people", "tags")


# The same two indexes in every service's contact_snapshot (shared/snapshot.py).
def create_snapshot_indexes() -> None:
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


def drop_snapshot_indexes() -> None:
    op.drop_index("ix_contact_snapshot_tags", table_name="contact_snapshot", postgresql_using="gin")
    op.drop_index(
        "ix_contact_snapshot_live_type_region_lang",
        table_name="contact_snapshot",
        postgresql_where=sa.text("erased IS false"),
    )
