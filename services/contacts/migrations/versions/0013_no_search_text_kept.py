"""Personal data that earlier versions kept where an erasure could not reach it.

Bulk jobs and their audit entries stored the search text they were started from (often an
address or a name); merge audit entries stored the removed duplicate's address; export jobs
dropped their people's ids, so a file could not be withdrawn when one of them was erased,
and finished imports kept their uploaded file. The search text becomes the same description
new jobs store, the address goes (the id stays), and files no longer traceable go.

Revision ID: 0013_no_search_text_kept
Revises: 0012_import_uploads
"""

from __future__ import annotations

from alembic import op

revision: str = "0013_no_search_text_kept"
down_revision: str | None = "0012_import_uploads"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.execute(
        "UPDATE jobs SET parameters = jsonb_set(parameters, '{selection,filters,text}', "
        "to_jsonb('(a search text, not kept)'::text)) "
        "WHERE parameters #> '{selection,filters,text}' IS NOT NULL"
    )
    op.execute(
        "UPDATE audit_log SET details = jsonb_set(details, '{selection,filters,text}', "
        "to_jsonb('(a search text, not kept)'::text)) "
        "WHERE details #> '{selection,filters,text}' IS NOT NULL"
    )
    op.execute(
        "UPDATE audit_log SET details = details - 'merged_email' "
        "WHERE action = 'person.merged' AND details ? 'merged_email'"
    )
    # Export files made before their jobs kept the ids: none can be withdrawn on erasure.
    op.execute(
        "UPDATE jobs SET result = NULL, "
        "error = 'The file was withdrawn: make the export again.' "
        "WHERE kind = 'export' AND result IS NOT NULL "
        "AND NOT EXISTS (SELECT 1 FROM job_items WHERE job_items.job_id = jobs.id)"
    )
    op.execute("UPDATE jobs SET input = NULL WHERE state IN ('done', 'failed', 'cancelled')")


def downgrade() -> None:
    """What was removed is not restored (that is the point)."""
