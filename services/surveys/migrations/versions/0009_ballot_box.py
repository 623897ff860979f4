"""Anonymous answers reach the results through a ballot box; personal links are opaque.

Revision ID: 0009_ballot_box
Revises: 0008_retained_counts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0009_ballot_box"
down_revision: str | None = "0008_retained_counts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "ballot_box",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("sealed", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name=op.f("fk_ballot_box_campaign_id_campaigns")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_ballot_box")),
    )
    op.create_index("ix_ballot_box_campaign_id", "ballot_box", ["campaign_id"])
    op.create_index(
        "ix_invitations_reminder_token_hashes",
        "invitations",
        ["reminder_token_hashes"],
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_index("ix_invitations_reminder_token_hashes", table_name="invitations")
    op.drop_index("ix_ballot_box_campaign_id", table_name="ballot_box")
    op.drop_table("ballot_box")
