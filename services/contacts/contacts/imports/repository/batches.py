"""A chunk's consent rows, projection and outbox rows sent with binary COPY, in its transaction.

COPY streams each row once in asyncpg's binary format; the INSERT ... SELECT unnest(...) it
replaces sent one array per column and paid a type check per array element. Everything runs
on the chunk's own connection, so it commits or rolls back with the people it describes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from operator import itemgetter
from typing import Any

from sqlalchemy import column, func, select, table, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.consents.domain import Purpose
from contacts.tables import contact_snapshot
from shared.events.contacts import ContactSnapshotV1
from shared.outbox.writer import notify_channel

# (event id, topic, key, headers as JSON, payload): an outbox row as `copy_outbox` takes it.
OutboxRow = tuple[uuid.UUID, str, str, str, bytes]
# Every projection column but updated_at (which the upsert sets), from the table itself.
SNAPSHOT_COLUMNS = tuple(c.name for c in contact_snapshot.c if c.name != "updated_at")
_IN_COLUMN_ORDER = itemgetter(*SNAPSHOT_COLUMNS)
_STAGING = table("import_snapshot", *(column(c) for c in SNAPSHOT_COLUMNS))
_INSERT = insert(contact_snapshot).from_select(SNAPSHOT_COLUMNS, select(*_STAGING.c))
_UPSERT_SNAPSHOTS = _INSERT.on_conflict_do_update(
    index_elements=[contact_snapshot.c.contact_id],
    set_={c: _INSERT.excluded[c] for c in SNAPSHOT_COLUMNS if c != "contact_id"}
    | {"updated_at": func.now()},
    where=(contact_snapshot.c.version < _INSERT.excluded.version)
    & contact_snapshot.c.erased.is_(False),
)


def snapshot_record(fields: dict[str, Any]) -> tuple[Any, ...]:
    """A projection row in column order, as `shared.snapshot.snapshot_row` would give it."""
    row = fields | {
        "erased": False,
        "topics": list(fields["topics"]),
        "tags": list(fields["tags"]),
        "registered_series": list(fields.get("registered_series", ())),
    }
    row["weak_areas"] = list(fields.get("weak_areas", ()))
    return _IN_COLUMN_ORDER(row)  # type: ignore[no-any-return]


async def _driver(conn: AsyncConnection) -> Any:
    """The asyncpg connection under `conn`: same session, same open transaction."""
    raw = await conn.get_raw_connection()
    return raw.driver_connection


async def lock_consents(
    conn: AsyncConnection, emails: Sequence[str]
) -> dict[str, tuple[bool, bool]]:
    """(newsletter, survey) consent of the people already holding these lower-case addresses,
    locked for this transaction so the consents newly given by the import are exact."""
    rows = await conn.execute(
        text(
            "SELECT email, newsletter_consent, survey_consent FROM people"
            " WHERE lower(email) IN (SELECT unnest(CAST(:emails AS text[]))) FOR UPDATE"
        ),
        {"emails": list(emails)},
    )
    return {email.lower(): (newsletter, survey) for email, newsletter, survey in rows}


async def copy_consents(
    conn: AsyncConnection,
    given: Sequence[tuple[uuid.UUID, Purpose]],
    *,
    at: datetime,
    basis: str | None,
) -> None:
    """Consent log rows (method "import") for these (person, purpose) pairs given at `at`."""
    if not given:
        return
    await (await _driver(conn)).copy_records_to_table(
        "consent_log",
        columns=("person_id", "purpose", "given", "method", "basis", "occurred_at"),
        records=[(person_id, purpose, True, "import", basis, at) for person_id, purpose in given],
    )


async def upsert_snapshots(conn: AsyncConnection, snapshots: Sequence[ContactSnapshotV1]) -> None:
    """As `shared.snapshot.upsert_snapshots` (newer version wins, erased is final): COPY into a
    staging table dropped at commit, then one INSERT ... ON CONFLICT from it."""
    driver = await _driver(conn)
    await driver.execute(
        "CREATE TEMP TABLE import_snapshot (LIKE contact_snapshot INCLUDING DEFAULTS)"
        " ON COMMIT DROP"
    )
    records = [snapshot_record(vars(s)) for s in snapshots]
    await driver.copy_records_to_table("import_snapshot", columns=SNAPSHOT_COLUMNS, records=records)
    await conn.execute(_UPSERT_SNAPSHOTS)
    await driver.execute("DROP TABLE import_snapshot")  # a later chunk may reuse the session


async def copy_outbox(conn: AsyncConnection, rows: Sequence[OutboxRow]) -> None:
    """As `shared.outbox.add_to_outbox` (same rows, same NOTIFY), by COPY."""
    if not rows:
        return
    await (await _driver(conn)).copy_records_to_table(
        "outbox", columns=("event_id", "topic", "key", "headers", "payload"), records=rows
    )
    await conn.execute(
        text("SELECT pg_notify(:channel, '')"), {"channel": notify_channel("contacts")}
    )
