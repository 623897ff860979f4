"""The flat `contact_snapshot` table: contacts' projection and every other service's replica.

One definition here means one segment compiler gives the same count in every service.
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Sequence
from datetime import date, datetime
from functools import lru_cache
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
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection
from sqlalchemy.sql.elements import TextClause

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
    "last_attended_on",
)
# Lists cleared (to empty, not NULL) when the person is erased.
PERSONAL_LISTS = ("weak_areas",)


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
        Column("weak_areas", ARRAY(Text), nullable=False, server_default="{}"),
        Column("updated_at", DateTime(timezone=True), nullable=False, server_default=func.now()),
        Column("last_attended_on", Date, nullable=True),
        Column("registered_series", ARRAY(Text), nullable=False, server_default="{}"),
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
    row["weak_areas"] = list(snapshot.weak_areas)
    row["registered_series"] = list(snapshot.registered_series)
    row["erased"] = False
    return row


def erased_row(contact_id: Any, version: int) -> dict[str, Any]:
    row: dict[str, Any] = {c: None for c in PERSONAL_COLUMNS}
    row.update({key: [] for key in PERSONAL_LISTS})
    row.update(
        contact_id=contact_id,
        version=version,
        erased=True,
        topics=[],
        tags=[],
        registered_series=[],
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

    One statement per batch, whatever its size: the rows travel as one JSON array that
    PostgreSQL unpacks (`jsonb_populate_recordset`), because binding thousands of rows
    through the driver cost more than the database work (docs/infrastructure.md, outbox).
    """
    newest: dict[Any, dict[str, Any]] = {}
    for row in rows:  # one statement may not touch a row twice: keep the newest per person
        held = newest.get(row["contact_id"])
        if held is None or row["version"] > held["version"]:
            newest[row["contact_id"]] = row
    if not newest:
        return 0
    offered = list(newest.values())
    # The columns the rows name (as an INSERT of these dicts would): the others keep their
    # defaults, and the update sets every column from the proposed row, as before.
    named = tuple(c.name for c in table.columns if c.name in offered[0] and c.name != "updated_at")
    payload = json.dumps(offered, default=_json_value, separators=(",", ":"))
    await conn.execute(_upsert_statement(table, named), {"rows": payload})
    return len(newest)


@lru_cache(maxsize=16)
def _upsert_statement(table: Table, named: tuple[str, ...]) -> TextClause:
    name = table.name
    listed = ", ".join(f'"{c}"' for c in named)
    updated = ", ".join(
        f'"{c.name}" = EXCLUDED."{c.name}"'
        for c in table.columns
        if c.name not in ("contact_id", "updated_at")
    )
    # Names from the Table, never from input.
    return text(
        f'INSERT INTO "{name}" ({listed}, "updated_at")'  # noqa: S608
        f" SELECT {listed}, now()"
        f' FROM jsonb_populate_recordset(NULL::"{name}", CAST(:rows AS jsonb))'
        f' ON CONFLICT ("contact_id") DO UPDATE SET {updated}, "updated_at" = now()'
        f' WHERE "{name}"."version" < EXCLUDED."version" AND "{name}"."erased" IS false'
    )


def _json_value(value: object) -> str:
    """UUIDs, dates and times as PostgreSQL reads them; a naive time is local, as the driver
    would take it."""
    if isinstance(value, datetime):
        return (value if value.tzinfo is not None else value.astimezone()).isoformat()
    if isinstance(value, (date, uuid.UUID)):
        return str(value)
    raise TypeError(f"{type(value).__name__} is not a snapshot column value")
