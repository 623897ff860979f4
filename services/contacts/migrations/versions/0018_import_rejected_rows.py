"""Rows an import job rejected, kept with the job for the result page and its download.

Revision ID: 0018_import_rejected_rows
Revises: 0014_organisation_profile
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0018_import_rejected_rows"
down_revision: str | None = "0014_organisation_profile"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_rejected_rows",
        sa.Column("job_id", sa.Uuid(), nullable=False),
        sa.Column("row", sa.Integer(), nullable=False),
        sa.Column(
            "cells",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column(
            "problems",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="[]",
            nullable=False,
        ),
        sa.Column("needles", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False),
        sa.ForeignKeyConstraint(
            ["job_id"],
            ["jobs.id"],
            name=op.f("fk_import_rejected_rows_job_id_jobs"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("job_id", "row", name=op.f("pk_import_rejected_rows")),
    )
    op.create_index(
        "ix_import_rejected_rows_needles",
        "import_rejected_rows",
        ["needles"],
        unique=False,
        postgresql_using="gin",
    )


def downgrade() -> None:
    op.drop_index(
        "ix_import_rejected_rows_needles",
        table_name="import_rejected_rows",
        postgresql_using="gin",
    )
    op.drop_table("import_rejected_rows")
