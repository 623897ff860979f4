"""membership transitions: every step of a membership, with who decided and why

Earlier steps are filled in from the timeline's `membership_changed` rows: the state before
is the previous row's state (none before the first), the staff member is the one whose
`membership.<action>` audit entry for the person is nearest in time (within a minute).

Revision ID: 0015_membership_transitions
Revises: 0018_import_rejected_rows
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0015_membership_transitions"
down_revision: str | None = "0018_import_rejected_rows"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "membership_transitions",
        sa.Column("id", sa.BigInteger(), autoincrement=True, nullable=False),
        sa.Column("person_id", sa.Uuid(), nullable=False),
        sa.Column("action", sa.Text(), nullable=False),
        sa.Column("from_state", sa.Text(), nullable=True),
        sa.Column("to_state", sa.Text(), nullable=False),
        sa.Column("reason", sa.Text(), server_default="", nullable=False),
        sa.Column("decided_by", sa.Text(), nullable=True),
        sa.Column("occurred_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["person_id"],
            ["people.id"],
            name=op.f("fk_membership_transitions_person_id_people"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_membership_transitions")),
    )
    op.create_index(
        "ix_membership_transitions_person_id_occurred_at",
        "membership_transitions",
        ["person_id", "occurred_at"],
        unique=False,
    )
    op.execute(
        """
        INSERT INTO membership_transitions
            (person_id, action, from_state, to_state, reason, decided_by, occurred_at)
        SELECT a.person_id,
               coalesce(a.details->>'action', 'apply'),
               lag(a.details->>'state') OVER (PARTITION BY a.person_id
                                              ORDER BY a.occurred_at, a.id),
               a.details->>'state',
               coalesce(a.details->>'reason', ''),
               (SELECT l.actor_id FROM audit_log l
                 WHERE l.target_type = 'person' AND l.target_id = a.person_id::text
                   AND l.action = 'membership.' || coalesce(a.details->>'action', 'apply')
                   AND l.occurred_at BETWEEN a.occurred_at - interval '1 minute'
                                         AND a.occurred_at + interval '1 minute'
                 ORDER BY abs(extract(epoch FROM l.occurred_at - a.occurred_at))
                 LIMIT 1),
               a.occurred_at
        FROM activity a
        WHERE a.kind = 'membership_changed' AND a.details ? 'state'
        """
    )


def downgrade() -> None:
    op.drop_index(
        "ix_membership_transitions_person_id_occurred_at", table_name="membership_transitions"
    )
    op.drop_table("membership_transitions")
