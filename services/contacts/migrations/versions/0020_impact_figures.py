"""The impact chain: figures per indicator and month, yearly targets, the newsletter's reach.

Revision ID: 0020_impact_figures
Revises: 0019_names_in_language_order
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision: str = "0020_impact_figures"
down_revision: str | None = "0019_names_in_language_order"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "impact_figures",
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("part", sa.Text(), server_default="", nullable=False),
        sa.Column("value", sa.Double(), nullable=False),
        sa.Column("numerator", sa.BigInteger(), nullable=True),
        sa.Column("denominator", sa.BigInteger(), nullable=True),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("indicator", "month", "part", name=op.f("pk_impact_figures")),
    )
    op.create_table(
        "impact_targets",
        sa.Column("indicator", sa.Text(), nullable=False),
        sa.Column("year", sa.SmallInteger(), nullable=False),
        sa.Column("target", sa.Numeric(14, 2), nullable=False),
        sa.Column("set_by", sa.Text(), nullable=True),
        sa.Column("set_at", sa.DateTime(timezone=True), nullable=False),
        sa.PrimaryKeyConstraint("indicator", "year", name=op.f("pk_impact_targets")),
    )
    op.create_table(
        "mail_reach",
        sa.Column("month", sa.Date(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_mail_reach_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("month", "person_id", name=op.f("pk_mail_reach")),
    )
    op.create_index("ix_mail_reach_person_id", "mail_reach", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_mail_reach_person_id", table_name="mail_reach")
    op.drop_table("mail_reach")
    op.drop_table("impact_targets")
    op.drop_table("impact_figures")
