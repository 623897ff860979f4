"""open link: a campaign's public anonymous link and its per-browser respondent slots

Revision ID: 0007_open_link
Revises: 0006_retention
Create Date: 2026-11-28 16:40:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0007_open_link"
down_revision: str | None = "0006_retention"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column(
        "campaigns",
        sa.Column("open_link", sa.Boolean(), server_default="false", nullable=False),
    )
    op.create_table(
        "open_respondents",
        sa.Column("token_hash", sa.LargeBinary(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("started_on", sa.Date(), nullable=False),
        sa.Column("answered", sa.Boolean(), server_default="false", nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"],
            ["campaigns.id"],
            name=op.f("fk_open_respondents_campaign_id_campaigns"),
        ),
        sa.PrimaryKeyConstraint("token_hash", name=op.f("pk_open_respondents")),
    )
    op.create_index(
        "ix_open_respondents_campaign_id", "open_respondents", ["campaign_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_open_respondents_campaign_id", table_name="open_respondents")
    op.drop_table("open_respondents")
    op.drop_column("campaigns", "open_link")
