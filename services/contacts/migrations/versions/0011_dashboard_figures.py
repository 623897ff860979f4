"""Dashboard figures: campaign and survey-invitation mail outcomes, survey responses.

Revision ID: 0011_dashboard_figures
Revises: 0010_legal_versions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0011_dashboard_figures"
down_revision: str | None = "0010_legal_versions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "mail_figures",
        sa.Column("delivery_id", sa.Uuid(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("origin_id", sa.Text(), nullable=False),
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("bounced", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("opened", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("clicked", sa.Boolean(), server_default="false", nullable=False),
        sa.PrimaryKeyConstraint("delivery_id", name=op.f("pk_mail_figures")),
    )
    op.create_index("ix_mail_figures_group", "mail_figures", ["origin", "group_id"])
    op.create_table(
        "mail_origins",
        sa.Column("group_id", sa.Text(), nullable=False),
        sa.Column("origin", sa.Text(), nullable=False),
        sa.Column("label", sa.Text(), server_default="", nullable=False),
        sa.Column("first_sent_at", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("group_id", name=op.f("pk_mail_origins")),
    )
    op.create_table(
        "survey_responses_seen",
        sa.Column("response_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("submitted_on", sa.Date(), nullable=False),
        sa.PrimaryKeyConstraint("response_id", name=op.f("pk_survey_responses_seen")),
    )
    op.create_index("ix_survey_responses_seen_campaign", "survey_responses_seen", ["campaign_id"])


def downgrade() -> None:
    op.drop_table("survey_responses_seen")
    op.drop_table("mail_origins")
    op.drop_table("mail_figures")
