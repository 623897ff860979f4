"""A replica batch is one statement: the newest version per person wins, whatever the order."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from newsletter.tables import contact_snapshot
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.consuming import Consumption, bare_connection
from shared.events.contacts import CONTACT_ERASED, ContactSnapshotV1
from shared.events.envelope import CloudEvent, new_event
from shared.replica import apply_contact_events
from tests.integration.test_inbox import ParkedList, record_of

PERSON = uuid.UUID("00000000-0000-4000-8000-000000000001")
OTHER = uuid.UUID("00000000-0000-4000-8000-000000000002")


def snapshot(contact_id: uuid.UUID, version: int, name: str) -> CloudEvent:
    return new_event(
        source="/tests",
        data=ContactSnapshotV1(
            contact_id=contact_id,
            version=version,
            email=f"{name}@example.fi",
            first_name=name,
            topics=("ai", "skills"),
            confirmed_at=datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC),
        ),
        subject=str(contact_id),
        version=version,
    )


def erasure(contact_id: uuid.UUID, version: int) -> CloudEvent:
    return new_event(
        source="/tests",
        data=None,
        event_type=CONTACT_ERASED,
        subject=str(contact_id),
        version=version,
    )


async def held(engine: AsyncEngine) -> dict[uuid.UUID, tuple[int, str | None, bool]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT contact_id, version, first_name, erased FROM contact_snapshot")
        )
        return {k: (v, name, erased) for k, v, name, erased in rows.all()}


async def apply(engine: AsyncEngine, events: list[CloudEvent]) -> None:
    async with engine.begin() as conn:
        await apply_contact_events(conn, contact_snapshot, events)


async def test_an_older_version_after_a_newer_one_changes_nothing_in_one_batch_or_the_next(
    clean_db: dict[str, AsyncEngine],
) -> None:
    engine = clean_db["newsletter"]
    await apply(
        engine,
        [snapshot(PERSON, 1, "one"), snapshot(PERSON, 3, "three"), snapshot(PERSON, 2, "two")],
    )
    assert await held(engine) == {PERSON: (3, "three", False)}

    await apply(engine, [snapshot(PERSON, 2, "two again"), snapshot(OTHER, 1, "other")])
    assert await held(engine) == {PERSON: (3, "three", False), OTHER: (1, "other", False)}

    await apply(engine, [snapshot(PERSON, 4, "four"), snapshot(OTHER, 1, "other again")])
    assert await held(engine) == {PERSON: (4, "four", False), OTHER: (1, "other", False)}


async def test_every_column_arrives_and_an_erasure_is_final(
    clean_db: dict[str, AsyncEngine],
) -> None:
    engine = clean_db["newsletter"]
    await apply(engine, [snapshot(PERSON, 1, "one")])
    async with engine.connect() as conn:
        row = (
            (
                await conn.execute(
                    text("SELECT * FROM contact_snapshot WHERE contact_id = :i"), {"i": PERSON}
                )
            )
            .one()
            ._mapping
        )
    assert row["email"] == "one@example.fi" and row["topics"] == ["ai", "skills"]
    assert row["confirmed_at"] == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert row["language"] == "fi" and row["subscription_state"] == "pending"
    assert row["newsletter_consent"] is False and row["tags"] == []

    await apply(engine, [erasure(PERSON, 2), snapshot(PERSON, 1, "replayed")])
    assert await held(engine) == {PERSON: (2, None, True)}
    await apply(engine, [snapshot(PERSON, 5, "back from the dead")])
    assert await held(engine) == {PERSON: (2, None, True)}


async def test_a_batch_with_a_bad_record_applies_the_others_in_order_and_parks_the_bad_one(
    clean_db: dict[str, AsyncEngine],
) -> None:
    engine = clean_db["newsletter"]
    parked = ParkedList()

    async def batch(conn: AsyncConnection, events: list[CloudEvent]) -> None:
        await apply_contact_events(conn, contact_snapshot, events)

    async def apply_one(conn: AsyncConnection, event: CloudEvent) -> None:
        await batch(conn, [event])  # as subscribe_batches does

    consumption = Consumption(
        consumer="t.replica",
        engine=engine,
        unit_of_work=bare_connection,
        handler=apply_one,
        dead_letters=parked,
        inbox=None,
        retries=0,
        backoff_s=0,
    )
    bad = record_of(snapshot(OTHER, 1, "x"), offset=1)
    bad.value = b"{not json"
    await consumption.many(
        [
            record_of(snapshot(PERSON, 2, "two"), offset=0),
            bad,
            record_of(snapshot(PERSON, 1, "one"), offset=2),
        ],
        batch,
    )
    assert await held(engine) == {PERSON: (2, "two", False)}
    assert [r.offset for r, _, _ in parked.parked] == [1]
