"""Replica of the newsletter's materials (newsletter.material.v1) for self-assessment results.

Revision ID: 0014_materials
Revises: 0013_weak_areas
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0014_materials"
down_revision: str | None = "0013_weak_areas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "materials",
        sa.Column("material_id", sa.Uuid(), primary_key=True),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", postgresql.JSONB(), nullable=False),
        sa.Column("url", sa.Text(), nullable=False),
        sa.Column("areas", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        sa.Column("topics", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        sa.Column("listed", sa.Boolean(), nullable=False),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )


def downgrade() -> None:
    op.drop_table("materials")
