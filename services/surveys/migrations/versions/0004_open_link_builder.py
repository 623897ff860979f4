"""campaign audience segments: segment replica, chosen segments, membership per invitation

Revision ID: 0004_open_link_builder
Revises: 0003
Create Date: 2026-11-28 16:10:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_open_link_builder"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "segments",
        sa.Column("segment_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("rule", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("archived", sa.Boolean(), server_default="false", nullable=False),
        sa.PrimaryKeyConstraint("segment_id", name=op.f("pk_segments")),
    )
    op.add_column(
        "campaigns",
        sa.Column(
            "segments",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
    )
    op.add_column(
        "invitations",
        sa.Column("segment_ids", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False),
    )


def downgrade() -> None:
    op.drop_column("invitations", "segment_ids")
    op.drop_column("campaigns", "segments")
    op.drop_table("segments")
