"""invitation mail status

Revision ID: 0003
Revises: 0002
Create Date: 2026-11-28 14:28:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.add_column("invitations", sa.Column("mail_status", sa.Text(), nullable=True))
    op.add_column(
        "invitations", sa.Column("mail_status_at", sa.DateTime(timezone=True), nullable=True)
    )


def downgrade() -> None:
    op.drop_column("invitations", "mail_status_at")
    op.drop_column("invitations", "mail_status")
