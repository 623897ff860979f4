"""The flat `contact_snapshot` table: contacts' projection and every other service's replica.

One definition here means one segment compiler gives the same count in every service.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Date,
    DateTime,
    Index,
    MetaData,
    Table,
    Text,
    Uuid,
    func,
    text,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events.contacts import ContactSnapshotV1

# Columns that hold personal data: cleared when the person is erased.
PERSONAL_COLUMNS = (
    "email",
    "first_name",
    "last_name",
    "organisation_id",
    "organisation_name",
    "organisation_type",
    "region",
    "municipality",
    "topics",
    "tags",
    "confirmed_at",
    "last_engaged_on",
    "created_at",
    "ecosystem_role",
)


def contact_snapshot_table(metadata: MetaData) -> Table:
    return Table(
        "contact_snapshot",
        metadata,
        Column("contact_id", Uuid, primary_key=True),
        Column("version", BigInteger, nullable=False),
        Column("erased", Boolean, nullable=False, server_default="false"),
        Column("email", Text, nullable=True),
        Column("first_name", Text, nullable=True),
        Column("last_name", Text, nullable=True),
        Column("language", Text, nullable=True),
        Column("organisation_id", Uuid, nullable=True),
        Column("organisation_name", Text, nullable=True),
        Column("organisation_type", Text, nullable=True),
        Column("region", Text, nullable=True),
        Column("municipality", Text, nullable=True),
        Column("topics", ARRAY(Text), nullable=False, server_default="{}"),
        Column("tags", ARRAY(Text), nullable=False, server_default="{}"),
        Column("subscription_state", Text, nullable=True),
        Column("confirmed_at", DateTime(timezone=True), nullable=True),
        Column("newsletter_consent", Boolean, nullable=False, server_default="false"),
        Column("survey_consent", Boolean, nullable=False, server_default="false"),
        Column("membership_state", Text, nullable=True),
        Column("ecosystem_role", Text, nullable=True),
        Column("onboarding_state", Text, nullable=True),
        Column("email_status", Text, nullable=True),
        Column("last_engaged_on", Date, nullable=True),
        Column("created_at", DateTime(timezone=True), nullable=True),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Index("ix_contact_snapshot_org_type_region", "organisation_type", "region"),
        Index("ix_contact_snapshot_topics", "topics", postgresql_using="gin"),
        Index("ix_contact_snapshot_email", "email"),
        # Segment counts: the usual rule narrows by type, region and language and then tests
        # topics; with topics INCLUDEd the count is an index-only scan over live rows.
        Index(
            "ix_contact_snapshot_live_type_region_lang",
            "organisation_type",
            "region",
            "language",
            postgresql_include=["topics", "tags"],
            postgresql_where=text("erased IS false"),
        ),
        Index("ix_contact_snapshot_tags", "tags", postgresql_using="gin"),
    )


def snapshot_row(snapshot: ContactSnapshotV1) -> dict[str, Any]:
    row = snapshot.model_dump()
    row["topics"] = list(snapshot.topics)
    row["tags"] = list(snapshot.tags)
    row["erased"] = False
    return row


def erased_row(contact_id: Any, version: int) -> dict[str, Any]:
    row: dict[str, Any] = {c: None for c in PERSONAL_COLUMNS}
    row.update(
        contact_id=contact_id,
        version=version,
        erased=True,
        topics=[],
        tags=[],
        language=None,
        subscription_state=None,
        newsletter_consent=False,
        survey_consent=False,
        membership_state=None,
        onboarding_state=None,
        email_status=None,
    )
    return row


async def upsert_snapshots(
    conn: AsyncConnection, table: Table, rows: Sequence[dict[str, Any]]
) -> int:
    """Apply snapshot or erasure rows, each only if newer than what is held.

    An erased row is final: nothing of a later or replayed snapshot brings the person back.
    Returns the number of rows offered (after keeping the newest per person).
    """
    newest: dict[Any, dict[str, Any]] = {}
    for row in rows:  # one statement may not touch a row twice: keep the newest per person
        held = newest.get(row["contact_id"])
        if held is None or row["version"] > held["version"]:
            newest[row["contact_id"]] = row
    if not newest:
        return 0
    # executemany with one cached statement: a multi-row VALUES would be compiled afresh for
    # every batch (thousands of bind parameters), which costs more than the database work.
    await conn.execute(_upsert_statement(table), list(newest.values()))
    return len(newest)


@cache
def _upsert_statement(table: Table) -> Any:
    """Built once per table and process: building `excluded` and the ON CONFLICT clause cost
    more than a signup's own SQL (docs/performance.md)."""
    stmt = insert(table)
    columns: dict[str, Any] = {
        c.name: stmt.excluded[c.name] for c in table.columns if c.name != "contact_id"
    }
    columns["updated_at"] = func.now()
    return stmt.on_conflict_do_update(
        index_elements=[table.c.contact_id],
        set_=columns,
        where=(table.c.version < stmt.excluded.version) & table.c.erased.is_(False),
    )
