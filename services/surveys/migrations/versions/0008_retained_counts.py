"""Retained counts carry every campaign figure: complaints, public-link answers and the counts
per audience segment survive the invitations' deletion.

Revision ID: 0008_retained_counts
Revises: 0007_open_link
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0008_retained_counts"
down_revision: str | None = "0007_open_link"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column(
        "invitation_tallies",
        sa.Column("complained", sa.Integer(), server_default="0", nullable=False),
    )
    op.add_column(
        "invitation_tallies",
        sa.Column("open_answered", sa.Integer(), server_default="0", nullable=False),
    )
    op.create_table(
        "segment_tallies",
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("segment_id", sa.Uuid(), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_segment_tallies_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint("campaign_id", "segment_id", name=op.f("pk_segment_tallies")),
    )


def downgrade() -> None:
    op.drop_table("segment_tallies")
    op.drop_column("invitation_tallies", "open_answered")
    op.drop_column("invitation_tallies", "complained")
