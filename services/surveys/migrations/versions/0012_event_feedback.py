"""Event feedback: invitations of attendees who are not contacts (address and name, cleared
once answered), the registration an invitation was made for (once each), and a campaign per
event with its counts.

Revision ID: 0012_event_feedback
Revises: 0010_campaign_invitation_texts
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_event_feedback"
down_revision: str | None = "0010_campaign_invitation_texts"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.add_column("invitations", sa.Column("email", sa.Text(), nullable=True))
    op.add_column("invitations", sa.Column("name", sa.Text(), nullable=True))
    op.add_column("invitations", sa.Column("registration_id", sa.Uuid(), nullable=True))
    op.create_unique_constraint(
        "uq_invitations_registration_id", "invitations", ["registration_id"]
    )
    op.create_table(
        "event_feedback",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("campaign_id", sa.Uuid(), nullable=False),
        sa.Column("survey_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column("invited", sa.Integer(), server_default="0", nullable=False),
        sa.Column("answered", sa.Integer(), server_default="0", nullable=False),
        sa.ForeignKeyConstraint(
            ["campaign_id"], ["campaigns.id"], name="fk_event_feedback_campaign_id_campaigns"
        ),
        sa.ForeignKeyConstraint(
            ["survey_id"], ["surveys.id"], name="fk_event_feedback_survey_id_surveys"
        ),
        sa.PrimaryKeyConstraint("event_id", name="pk_event_feedback"),
        sa.UniqueConstraint("campaign_id", name="uq_event_feedback_campaign_id"),
    )


def downgrade() -> None:
    op.drop_table("event_feedback")
    op.drop_constraint("uq_invitations_registration_id", "invitations", type_="unique")
    op.drop_column("invitations", "registration_id")
    op.drop_column("invitations", "name")
    op.drop_column("invitations", "email")
