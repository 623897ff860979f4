"""Event participation: the catalogue of published events, each registration's steps, and the
snapshot's event fields (last_attended_on, registered_series).

Revision ID: 0021_event_participation
Revises: 0020_impact_figures
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0021_event_participation"
down_revision: str | None = "0020_impact_figures"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "event_catalogue",
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("version", sa.BigInteger(), nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("kind", sa.Text(), nullable=False),
        sa.Column(
            "title", postgresql.JSONB(astext_type=sa.Text()), server_default="{}", nullable=False
        ),
        sa.Column("series_id", sa.Uuid(), nullable=True),
        sa.Column(
            "series_name",
            postgresql.JSONB(astext_type=sa.Text()),
            server_default="{}",
            nullable=False,
        ),
        sa.Column("starts_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("ends_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("online", sa.Boolean(), server_default="false", nullable=False),
        sa.Column("region", sa.Text(), nullable=True),
        sa.Column("municipality", sa.Text(), nullable=True),
        sa.Column("url", sa.Text(), server_default="", nullable=False),
        sa.Column(
            "updated_at",
            sa.DateTime(timezone=True),
            server_default=sa.text("now()"),
            nullable=False,
        ),
        sa.PrimaryKeyConstraint("event_id", name=op.f("pk_event_catalogue")),
    )
    op.create_index("ix_event_catalogue_ends_at", "event_catalogue", ["ends_at"], unique=False)
    op.create_index("ix_event_catalogue_series_id", "event_catalogue", ["series_id"], unique=False)
    op.create_table(
        "event_participation",
        sa.Column("registration_id", sa.Uuid(), nullable=False),
        sa.Column("event_id", sa.Uuid(), nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=True),
        sa.Column("series_id", sa.Uuid(), nullable=True),
        sa.Column("event_kind", sa.Text(), server_default="other", nullable=False),
        sa.Column("state", sa.Text(), nullable=False),
        sa.Column("state_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("first_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("registered_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("waitlisted_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("cancelled_at", sa.DateTime(timezone=True), nullable=True),
        sa.Column("attended_at", sa.DateTime(timezone=True), nullable=True),
        sa.CheckConstraint(
            "state IN ('registered', 'waitlisted', 'cancelled', 'attended')",
            name=op.f("ck_event_participation_participation_state"),
        ),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_event_participation_person_id_people"),
            ondelete="SET NULL",
        ),
        sa.PrimaryKeyConstraint("registration_id", name=op.f("pk_event_participation")),
    )
    for column in ("person_id", "event_id", "first_at"):
        op.create_index(
            f"ix_event_participation_{column}", "event_participation", [column], unique=False
        )
    op.add_column("contact_snapshot", sa.Column("last_attended_on", sa.Date(), nullable=True))
    op.add_column(
        "contact_snapshot",
        sa.Column(
            "registered_series", postgresql.ARRAY(sa.Text()), server_default="{}", nullable=False
        ),
    )


def downgrade() -> None:
    op.drop_column("contact_snapshot", "registered_series")
    op.drop_column("contact_snapshot", "last_attended_on")
    for column in ("first_at", "event_id", "person_id"):
        op.drop_index(f"ix_event_participation_{column}", table_name="event_participation")
    op.drop_table("event_participation")
    op.drop_index("ix_event_catalogue_series_id", table_name="event_catalogue")
    op.drop_index("ix_event_catalogue_ends_at", table_name="event_catalogue")
    op.drop_table("event_catalogue")
