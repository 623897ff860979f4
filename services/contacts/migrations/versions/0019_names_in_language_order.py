"""The people list sorts names in the alphabet of the page's language (Å, Ä, Ö after Z in
Finnish): one index per staff language, built with that language's ICU collation, so the
default order (surname, first name) stays an index scan on large networks. They replace
0017's uncollated name-order index, which no query can use any more.

Revision ID: 0019_names_in_language_order
Revises: 0017_staff_page_indexes
"""

from __future__ import annotations

from alembic import op

revision: str = "0019_names_in_language_order"
down_revision: str | None = "0017_staff_page_indexes"
branch_labels = None
depends_on = None

# The staff languages and their collations, as in shared.collation (copied: a migration
# must not change when the code does).
COLLATIONS = {"fi": "fi-FI-x-icu", "en": "en-x-icu"}


def upgrade() -> None:
    for lang, collation in COLLATIONS.items():
        op.execute(
            f"CREATE INDEX ix_contact_snapshot_name_{lang} ON contact_snapshot "
            f'(last_name COLLATE "{collation}", first_name COLLATE "{collation}", contact_id) '
            "WHERE erased IS false"
        )
    op.execute("DROP INDEX IF EXISTS ix_contact_snapshot_name_order")


def downgrade() -> None:
    op.execute(
        "CREATE INDEX ix_contact_snapshot_name_order ON contact_snapshot "
        "(last_name, first_name, contact_id) WHERE erased IS false"
    )
    for lang in COLLATIONS:
        op.execute(f"DROP INDEX IF EXISTS ix_contact_snapshot_name_{lang}")
