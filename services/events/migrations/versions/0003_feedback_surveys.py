"""The feedback survey after an event: the event's choice, when each attendee was asked, and
replicas of surveys.survey.v1 (surveys to choose) and surveys.event_feedback.v1 (counts).

Revision ID: 0003_feedback_surveys
Revises: 0002_submitter_language
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0003_feedback_surveys"
down_revision: str | None = "0002_submitter_language"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("events", sa.Column("feedback_survey_id", sa.Uuid(), nullable=True))
    op.add_column(
        "events",
        sa.Column("feedback_anonymous", sa.Boolean(), server_default="true", nullable=False),
    )
    op.add_column(
        "registrations",
        sa.Column("feedback_requested_at", sa.DateTime(timezone=True), nullable=True),
    )
    op.create_table(
        "feedback_surveys",
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("title", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("languages", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.PrimaryKeyConstraint("survey_id", name="pk_feedback_surveys"),
    )
    op.create_table(
        "feedback_status",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("invited", sa.Integer(), nullable=False),
        sa.Column("answered", sa.Integer(), nullable=False),
        sa.Column("anonymous", sa.Boolean(), nullable=False),
        sa.Column("results_path", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("event_id", name="pk_feedback_status"),
    )


def downgrade() -> None:
    op.drop_table("feedback_status")
    op.drop_table("feedback_surveys")
    op.drop_column("registrations", "feedback_requested_at")
    op.drop_column("events", "feedback_anonymous")
    op.drop_column("events", "feedback_survey_id")
