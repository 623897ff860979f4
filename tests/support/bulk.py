"""Many person changes at once through contacts' tables, projection and outbox.

The same rows, snapshot events and outbox entries the use cases write, in a few bulk
statements, so crash tests and benchmarks are not bound by per-row round trips.
"""

from __future__ import annotations

import uuid

from contacts.snapshots import SOURCE
from contacts.tables import contact_snapshot, outbox, people
from sqlalchemy import bindparam, insert, update
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.contacts import ContactSnapshotV1
from shared.events.envelope import new_event
from shared.events.topics import CONTACT_SNAPSHOTS
from shared.outbox import add_to_outbox
from shared.snapshot import snapshot_row, upsert_snapshots


async def publish(engine: AsyncEngine, snapshots: list[ContactSnapshotV1], *, new: bool) -> None:
    rows = [
        {
            "pid": s.contact_id,
            "email": s.email,
            "first_name": s.first_name,
            "last_name": s.last_name,
            "language": s.language,
            "version": s.version,
        }
        for s in snapshots
    ]
    async with engine.begin() as conn:
        if new:
            await conn.execute(insert(people), [r | {"id": r["pid"]} for r in rows])
        else:
            await conn.execute(
                update(people)
                .where(people.c.id == bindparam("pid"))
                .values(first_name=bindparam("first_name"), version=bindparam("version")),
                rows,
            )
        await upsert_snapshots(conn, contact_snapshot, [snapshot_row(s) for s in snapshots])
        await add_to_outbox(
            conn,
            outbox,
            service="contacts",
            messages=[
                (
                    CONTACT_SNAPSHOTS.name,
                    str(s.contact_id),
                    new_event(source=SOURCE, data=s, subject=str(s.contact_id), version=s.version),
                )
                for s in snapshots
            ],
        )


async def create_people(engine: AsyncEngine, count: int, *, tag: str) -> list[ContactSnapshotV1]:
    crowd = [
        ContactSnapshotV1(
            contact_id=uuid.uuid4(),
            version=1,
            email=f"p{i}.{tag}@bulk.example",
            first_name=f"P{i}",
            last_name="Bulk",
        )
        for i in range(count)
    ]
    await publish(engine, crowd, new=True)
    return crowd


async def change_people(
    engine: AsyncEngine, crowd: list[ContactSnapshotV1]
) -> list[ContactSnapshotV1]:
    changed = [
        s.model_copy(update={"version": s.version + 1, "first_name": f"{s.first_name}+"})
        for s in crowd
    ]
    await publish(engine, changed, new=False)
    return changed
