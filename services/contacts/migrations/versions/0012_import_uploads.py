"""Import uploads: files kept between the upload and mapping steps of the staff import page.

Revision ID: 0012_import_uploads
Revises: 0011_dashboard_figures
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0012_import_uploads"
down_revision: str | None = "0011_dashboard_figures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "import_uploads",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("filename", sa.Text(), nullable=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.Column("created_by", sa.Text(), nullable=True),
        sa.Column(
            "created_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_import_uploads")),
    )


def downgrade() -> None:
    op.drop_table("import_uploads")
