"""composer: schedule, fallback, segment audience, test copies; segment replica

Revision ID: 0004_composer
Revises: 0003
Create Date: 2026-11-28 16:00:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0004_composer"
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
    op.add_column("campaigns", sa.Column("fallback_language", sa.Text(), nullable=True))
    op.add_column(
        "campaigns",
        sa.Column(
            "included_segments", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False
        ),
    )
    op.add_column(
        "campaigns",
        sa.Column(
            "excluded_segments", postgresql.ARRAY(sa.Uuid()), server_default="{}", nullable=False
        ),
    )
    op.add_column("campaigns", sa.Column("scheduled_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("campaigns", sa.Column("finished_at", sa.DateTime(timezone=True), nullable=True))
    op.add_column("campaigns", sa.Column("cancelled_count", sa.Integer(), nullable=True))
    op.add_column("campaigns", sa.Column("test_of", sa.Uuid(), nullable=True))
    # Campaigns made before the composer fell back to their default language.
    op.execute("UPDATE campaigns SET fallback_language = default_language")
    op.create_index(
        "ix_campaigns_due",
        "campaigns",
        ["scheduled_at"],
        unique=False,
        postgresql_where=sa.text("status = 'scheduled'"),
    )


def downgrade() -> None:
    op.drop_index(
        "ix_campaigns_due", table_name="campaigns", postgresql_where=sa.text("status = 'scheduled'")
    )
    for column in (
        "test_of",
        "cancelled_count",
        "finished_at",
        "scheduled_at",
        "excluded_segments",
        "included_segments",
        "fallback_language",
    ):
        op.drop_column("campaigns", column)
    op.drop_table("segments")
