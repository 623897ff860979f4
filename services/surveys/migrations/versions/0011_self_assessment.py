"""Self-assessment tests: scored definitions, identified takers and attempts.

Revision ID: 0011_self_assessment
Revises: 0009_ballot_box
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0011_self_assessment"
down_revision: str | None = "0009_ballot_box"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "assessments",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("definition", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("mode", sa.Text(), nullable=False),
        sa.Column("published", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("version", sa.Integer(), server_default="1", nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessments")),
    )
    op.create_table(
        "assessment_takers",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("email", sa.Text(), nullable=True),
        sa.Column("contact_id", sa.Uuid(), nullable=True),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_takers_assessment_id_assessments"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_takers")),
    )
    op.create_index("ix_assessment_takers_contact_id", "assessment_takers", ["contact_id"])
    op.create_index(
        "ix_assessment_takers_assessment_email", "assessment_takers", ["assessment_id", "email"]
    )
    op.create_table(
        "assessment_attempts",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("token_hash", sa.LargeBinary(), nullable=False),
        sa.Column("taker_id", sa.Uuid(), nullable=True),
        sa.Column("previous_id", sa.Uuid(), nullable=True),
        sa.Column("percents", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("organisation_type", sa.Text(), nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("confirmed_at", sa.DateTime(timezone=True), nullable=True),
        sa.ForeignKeyConstraint(
            ["assessment_id"],
            ["assessments.id"],
            name=op.f("fk_assessment_attempts_assessment_id_assessments"),
        ),
        sa.ForeignKeyConstraint(
            ["taker_id"],
            ["assessment_takers.id"],
            name=op.f("fk_assessment_attempts_taker_id_assessment_takers"),
        ),
        sa.ForeignKeyConstraint(
            ["previous_id"],
            ["assessment_attempts.id"],
            name=op.f("fk_assessment_attempts_previous_id_assessment_attempts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_assessment_attempts")),
        sa.UniqueConstraint("token_hash", name=op.f("uq_assessment_attempts_token_hash")),
    )
    op.create_index(
        "ix_assessment_attempts_assessment_id", "assessment_attempts", ["assessment_id"]
    )
    op.create_index("ix_assessment_attempts_taker_id", "assessment_attempts", ["taker_id"])
    op.create_index("ix_assessment_attempts_previous_id", "assessment_attempts", ["previous_id"])


def downgrade() -> None:
    op.drop_table("assessment_attempts")
    op.drop_table("assessment_takers")
    op.drop_table("assessments")
