"""The public contact form's enquiries and the staff replies to them.

Revision ID: 0016_enquiries
Revises: 0015_membership_transitions
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0016_enquiries"
down_revision: str | None = "0015_membership_transitions"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "enquiries",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("name", sa.Text(), nullable=False),
        sa.Column("email", sa.Text(), nullable=False),
        sa.Column("organisation", sa.Text(), server_default="", nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column("message", sa.Text(), nullable=False),
        sa.Column("language", sa.Text(), nullable=False),
        sa.Column("state", sa.Text(), server_default="open", nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("closed_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("closed_by", sa.Text(), nullable=True),
        sa.CheckConstraint(
            "state IN ('open', 'answered', 'closed')", name=op.f("ck_enquiries_state")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquiries")),
    )
    op.create_index(
        "ix_enquiries_state_created_at", "enquiries", ["state", "created_at"], unique=False
    )
    op.create_index(
        "ix_enquiries_email_lower", "enquiries", [sa.literal_column("lower(email)")], unique=False
    )
    op.create_table(
        "enquiry_replies",
        sa.Column("id", sa.Uuid(), nullable=False),
        sa.Column("enquiry_id", sa.Uuid(), nullable=False),
        sa.Column("body", sa.Text(), nullable=False),
        sa.Column("sent_by", sa.Text(), nullable=False),
        sa.Column("sent_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["enquiry_id"],
            ["enquiries.id"],
            name=op.f("fk_enquiry_replies_enquiry_id_enquiries"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_enquiry_replies")),
    )
    op.create_index(
        "ix_enquiry_replies_enquiry_id", "enquiry_replies", ["enquiry_id"], unique=False
    )


def downgrade() -> None:
    op.drop_index("ix_enquiry_replies_enquiry_id", table_name="enquiry_replies")
    op.drop_table("enquiry_replies")
    op.drop_index("ix_enquiries_email_lower", table_name="enquiries")
    op.drop_index("ix_enquiries_state_created_at", table_name="enquiries")
    op.drop_table("enquiries")
