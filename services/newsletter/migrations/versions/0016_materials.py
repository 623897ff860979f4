"""The materials library: materials, their files and monthly open counts (docs/materials.md).

Revision ID: 0016_materials
Revises: 0015_weak_areas
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0016_materials"
down_revision: str | None = "0015_weak_areas"
branch_labels = None
depends_on = None

SEARCH = (
    # Parenthesised as PostgreSQL shows it back, so Alembic sees no difference.
    "to_tsvector('{config}'::regconfig, (coalesce(title ->> '{lang}', '') || ' ') || "
    "coalesce(description ->> '{lang}', ''))"
)


def upgrade() -> None:
    op.create_table(
        "materials",
        sa.Column("id", sa.Uuid(), primary_key=True),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("title", postgresql.JSONB(), nullable=False),
        sa.Column(
            "description", postgresql.JSONB(), nullable=False, server_default=sa.text("'{}'::jsonb")
        ),
        sa.Column("url", sa.Text(), nullable=True),
        sa.Column("topics", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        sa.Column("audiences", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        sa.Column("areas", postgresql.ARRAY(sa.Text()), nullable=False, server_default="{}"),
        sa.Column("published", sa.Boolean(), nullable=False, server_default="false"),
        sa.Column("archived_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("version", sa.Integer(), nullable=False, server_default="1"),
        sa.Column("created_by", sa.Text(), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
        sa.Column(
            "updated_at", sa.DateTime(timezone=True), nullable=False, server_default=sa.func.now()
        ),
    )
    for lang, config in (("fi", "finnish"), ("sv", "swedish"), ("en", "english")):
        op.create_index(
            f"ix_materials_search_{lang}",
            "materials",
            [sa.text(SEARCH.format(config=config, lang=lang))],
            postgresql_using="gin",
        )
    op.create_table(
        "material_files",
        sa.Column("material_id", sa.Uuid(), primary_key=True),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("hash", sa.Text(), nullable=False),
        sa.Column("ext", sa.Text(), nullable=False),
        sa.Column("content_type", sa.Text(), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
    )
    op.create_table(
        "material_opens",
        sa.Column("material_id", sa.Uuid(), primary_key=True),
        sa.Column("month", sa.Date(), primary_key=True),
        sa.Column("source", sa.Text(), primary_key=True),
        sa.Column("opens", sa.Integer(), nullable=False),
    )


def downgrade() -> None:
    op.drop_table("material_opens")
    op.drop_table("material_files")
    op.drop_table("materials")
