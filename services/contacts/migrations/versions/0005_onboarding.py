"""onboarding into the Facebook group: states and join codes

Revision ID: 0005
Revises: 0004
Create Date: 2026-11-28 14:50:00.000000
"""

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def _when(name: str, *, nullable: bool = True) -> sa.Column:  # type: ignore[type-arg]
    return sa.Column(name, sa.DateTime(timezone=True), nullable=nullable)


def upgrade() -> None:
    op.create_table(
        "onboarding",
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        _when("invited_at"),
        _when("requested_at"),
        _when("decided_at"),
        sa.Column("decided_by", sa.Text(), nullable=True),
        _when("left_at"),
        sa.Column("reminders_sent", sa.Integer(), server_default="0", nullable=False),
        _when("last_reminded_at"),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_onboarding_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("person_id", name=op.f("pk_onboarding")),
    )
    op.create_index("ix_onboarding_state", "onboarding", ["state"], unique=False)
    op.create_table(
        "join_codes",
        sa.Column("code", sa.Text(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        _when("issued_at", nullable=False),
        _when("expires_at", nullable=False),
        _when("used_at"),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_join_codes_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("code", name=op.f("pk_join_codes")),
    )
    op.create_index("ix_join_codes_person_id", "join_codes", ["person_id"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_join_codes_person_id", table_name="join_codes")
    op.drop_table("join_codes")
    op.drop_index("ix_onboarding_state", table_name="onboarding")
    op.drop_table("onboarding")
