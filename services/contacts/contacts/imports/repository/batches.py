"""A chunk's consent rows, projection and outbox rows sent with binary COPY, in its transaction.

COPY streams each row once in asyncpg's binary format; the INSERT ... SELECT unnest(...) it
replaces sent one array per column and paid a type check per array element. Everything runs
on the chunk's own connection, so it commits or rolls back with the people it describes.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import column, func, select, table, text
from sqlalchemy.dialects.postgresql import insert
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.consents.domain import Purpose
from contacts.tables import contact_snapshot
from shared.outbox.writer import notify_channel

# (event id, topic, key, headers as JSON, payload): an outbox row as `copy_outbox` takes it.
OutboxRow = tuple[uuid.UUID, str, str, str, bytes]
# Every projection column but updated_at (which the upsert sets), from the table itself.
SNAPSHOT_COLUMNS = tuple(c.name for c in contact_snapshot.c if c.name != "updated_at")
_STAGING = table("import_snapshot", *(column(c) for c in SNAPSHOT_COLUMNS))
_INSERT = insert(contact_snapshot).from_select(SNAPSHOT_COLUMNS, select(*_STAGING.c))
_UPSERT_SNAPSHOTS = _INSERT.on_conflict_do_update(
    index_elements=[contact_snapshot.c.contact_id],
    set_={c: _INSERT.excluded[c] for c in SNAPSHOT_COLUMNS if c != "contact_id"}
    | {"updated_at": func.now()},
    where=(contact_snapshot.c.version < _INSERT.excluded.version)
    & contact_snapshot.c.erased.is_(False),
)


async def driver_of(conn: AsyncConnection) -> Any:
    """The asyncpg connection under `conn`: same session, same open transaction. SQLAlchemy
    begins the transaction lazily, on its first statement: one is run if none has been, so no
    statement sent straight to the driver runs outside the chunk's transaction."""
    raw = await conn.get_raw_connection()
    driver: Any = raw.driver_connection
    if not driver.is_in_transaction():
        await conn.execute(text("SELECT 1"))
        if not driver.is_in_transaction():
            raise RuntimeError("An import chunk's statements must run in its transaction.")
    return driver


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
    await (await driver_of(conn)).copy_records_to_table(
        "consent_log",
        columns=("person_id", "purpose", "given", "method", "basis", "occurred_at"),
        records=[(person_id, purpose, True, "import", basis, at) for person_id, purpose in given],
    )


async def upsert_snapshots(conn: AsyncConnection, records: Sequence[tuple[Any, ...]]) -> None:
    """As `shared.snapshot.upsert_snapshots` (newer version wins, erased is final): COPY into a
    staging table dropped at commit, then one INSERT ... ON CONFLICT from it. `records` are
    projection rows in `SNAPSHOT_COLUMNS` order."""
    if not records:
        return
    driver = await driver_of(conn)
    await driver.execute(
        "CREATE TEMP TABLE import_snapshot (LIKE contact_snapshot INCLUDING DEFAULTS)"
        " ON COMMIT DROP"
    )
    await driver.copy_records_to_table("import_snapshot", columns=SNAPSHOT_COLUMNS, records=records)
    await conn.execute(_UPSERT_SNAPSHOTS)
    await driver.execute("DROP TABLE import_snapshot")  # a later chunk may reuse the session


async def copy_new_snapshots(conn: AsyncConnection, records: Sequence[tuple[Any, ...]]) -> None:
    """Projection rows of people created in this transaction, straight into the projection by
    COPY: their ids are new, so no row of theirs can be there (if one were, the COPY fails and
    the chunk rolls back)."""
    if records:
        await (await driver_of(conn)).copy_records_to_table(
            "contact_snapshot", columns=SNAPSHOT_COLUMNS, records=records
        )


async def copy_outbox(conn: AsyncConnection, rows: Sequence[OutboxRow]) -> None:
    """As `shared.outbox.add_to_outbox` (same rows, same NOTIFY), by COPY."""
    if not rows:
        return
    await (await driver_of(conn)).copy_records_to_table(
        "outbox", columns=("event_id", "topic", "key", "headers", "payload"), records=rows
    )
    await conn.execute(
        text("SELECT pg_notify(:channel, '')"), {"channel": notify_channel("contacts")}
    )
