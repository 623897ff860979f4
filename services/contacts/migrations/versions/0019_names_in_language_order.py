"""The people list sorts names in the alphabet of the page's language (Å, Ä, Ö after Z in
Finnish): one index per staff language, built with that language's ICU collation, so the
default order (surname, first name) stays an index scan on large networks.

Revision ID: 0019_names_in_language_order
Revises: 0013_no_search_text_kept
"""

from __future__ import annotations

from alembic import op

revision: str = "0019_names_in_language_order"
down_revision: str | None = "0013_no_search_text_kept"
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


def downgrade() -> None:
    for lang in COLLATIONS:
        op.execute(f"DROP INDEX IF EXISTS ix_contact_snapshot_name_{lang}")
