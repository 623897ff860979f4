"""Self-assessed weak areas on people and the snapshot; results and area names for impact.

Revision ID: 0022_weak_areas
Revises: 0021_event_participation
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0022_weak_areas"
down_revision: str | None = "0021_event_participation"
branch_labels = None
depends_on = None


def upgrade() -> None:
    for table in ("people", "contact_snapshot"):
        op.add_column(
            table,
            sa.Column(
                "weak_areas", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
            ),
        )
    op.create_table(
        "assessment_results",
        sa.Column("attempt_id", sa.Uuid(), nullable=False),
        sa.Column("assessment_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("taken_on", sa.Date(), nullable=False),
        sa.Column("percents", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.Column(
            "received_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_assessment_results_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("attempt_id", name=op.f("pk_assessment_results")),
    )
    op.create_index("ix_assessment_results_person_id", "assessment_results", ["person_id"])
    op.create_index("ix_assessment_results_taken_on", "assessment_results", ["taken_on"])
    op.create_table(
        "assessment_areas",
        sa.Column("key", sa.Text(), nullable=False),
        sa.Column("name_fi", sa.Text(), nullable=False),
        sa.Column("name_sv", sa.Text(), server_default="", nullable=False),
        sa.Column("name_en", sa.Text(), server_default="", nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_assessment_areas")),
    )


def downgrade() -> None:
    op.drop_table("assessment_areas")
    op.drop_index("ix_assessment_results_taken_on", table_name="assessment_results")
    op.drop_index("ix_assessment_results_person_id", table_name="assessment_results")
    op.drop_table("assessment_results")
    for table in ("contact_snapshot", "people"):
        op.drop_column(table, "weak_areas")
