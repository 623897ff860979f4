"""The staff pages on a national network: search indexes, counted campaign figures, stored
network figures.

- pg_trgm (a trusted extension from PostgreSQL's contrib, in Debian's server package and the
  postgres image) and trigram indexes for the search box's substring matches on address,
  name and organisation; an organisation's people and the people list in name order.
- `mail_origins` counts what the dashboard shows (sent, bounced, opened, clicked units), filled
  here from the rows held; `mail_figures` finds the other deliveries of a survey invitation.
- `network_figures`: the dashboard's network size and funnel as last counted.

Revision ID: 0017_staff_page_indexes
Revises: 0016_enquiries
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op
from sqlalchemy.dialects import postgresql

revision: str = "0017_staff_page_indexes"
down_revision: str | None = "0016_enquiries"
branch_labels = None
depends_on = None

COUNTERS = ("sent", "bounced", "opened", "clicked")


def upgrade() -> None:
    op.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
    op.execute(
        "CREATE INDEX ix_contact_snapshot_search_email ON contact_snapshot "
        "USING gin (email gin_trgm_ops)"
    )
    op.execute(
        "CREATE INDEX ix_contact_snapshot_search_name ON contact_snapshot "
        "USING gin (((first_name || ' ') || last_name) gin_trgm_ops)"
    )
    op.execute(
        "CREATE INDEX ix_contact_snapshot_search_organisation ON contact_snapshot "
        "USING gin (organisation_name gin_trgm_ops)"
    )
    op.create_index(
        "ix_contact_snapshot_organisation_people",
        "contact_snapshot",
        ["organisation_id", "last_name", "first_name", "contact_id"],
        postgresql_where=sa.text("erased IS false"),
    )
    op.create_index(
        "ix_contact_snapshot_live_region_membership",
        "contact_snapshot",
        ["region", "membership_state"],
        postgresql_where=sa.text("erased IS false"),
    )
    op.create_index(
        "ix_contact_snapshot_name_order",
        "contact_snapshot",
        ["last_name", "first_name", "contact_id"],
        postgresql_where=sa.text("erased IS false"),
    )
    op.create_index(
        "ix_mail_figures_invitation",
        "mail_figures",
        ["origin_id"],
        postgresql_where=sa.text("origin = 'survey_invitation'"),
    )
    for name in COUNTERS:
        op.add_column(
            "mail_origins", sa.Column(name, sa.BigInteger(), server_default="0", nullable=False)
        )
    # The counters from the rows held: units are deliveries, for survey invitations the
    # invitation (its reminders are further deliveries of it).
    op.execute(
        """
        UPDATE mail_origins o SET sent = c.sent, bounced = c.bounced, opened = c.opened,
            clicked = c.clicked
        FROM (
            SELECT group_id,
                count(DISTINCT unit) FILTER (WHERE sent_at IS NOT NULL) AS sent,
                count(DISTINCT unit) FILTER (WHERE bounced) AS bounced,
                count(DISTINCT unit) FILTER (WHERE opened) AS opened,
                count(DISTINCT unit) FILTER (WHERE clicked) AS clicked
            FROM (
                SELECT group_id, CASE WHEN origin = 'survey_invitation' THEN origin_id
                    ELSE delivery_id::text END AS unit, sent_at, bounced, opened, clicked
                FROM mail_figures
            ) f
            GROUP BY group_id
        ) c
        WHERE c.group_id = o.group_id
        """
    )
    op.create_table(
        "network_figures",
        sa.Column("id", sa.SmallInteger(), nullable=False),
        sa.Column("computed_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("figures", postgresql.JSONB(astext_type=sa.Text()), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f("ck_network_figures_one_row")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_network_figures")),
    )


def downgrade() -> None:
    op.drop_table("network_figures")
    for name in COUNTERS:
        op.drop_column("mail_origins", name)
    op.drop_index("ix_mail_figures_invitation", table_name="mail_figures")
    for name in (
        "ix_contact_snapshot_name_order",
        "ix_contact_snapshot_live_region_membership",
        "ix_contact_snapshot_organisation_people",
        "ix_contact_snapshot_search_organisation",
        "ix_contact_snapshot_search_name",
        "ix_contact_snapshot_search_email",
    ):
        op.drop_index(name, table_name="contact_snapshot")
    # pg_trgm stays: dropping an extension may break what others built on it.
