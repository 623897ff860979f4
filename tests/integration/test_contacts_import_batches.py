"""An import chunk writes people, consents, projection and outbox events together, or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from contacts.imports.service import importing
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.events.contacts import ContactSnapshotV1
from shared.events.envelope import CloudEvent
from shared.events.topics import CONTACT_SNAPSHOTS
from tests.integration import test_contacts_signup_pages as signup_pages

own_contacts_db = signup_pages.own_contacts_db
settings = signup_pages.settings
engine = signup_pages.engine

BASIS = "Partner register 2025, legitimate interest, art. 6(1)(f) GDPR"
MAPPING = {"Sähköposti": "email", "Etunimi": "first_name", "Kunta": "municipality"}
ROWS = 7
CHUNK = 3  # three chunks: 3 + 3 + 1


def people_file(rows: int = ROWS) -> importing.Table:
    lines = ["Sähköposti,Etunimi,Kunta"]
    lines += [f"erä{i}@example.fi,Äijä{i},{'091' if i % 2 else ''}" for i in range(rows)]
    return importing.read_table("\n".join(lines).encode(), "people.csv")


async def counts(engine: AsyncEngine) -> dict[str, int]:
    found = {}
    async with engine.connect() as conn:
        for table in ("people", "consent_log", "contact_snapshot"):
            found[table] = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
        found["events"] = (
            await conn.execute(
                text("SELECT count(*) FROM outbox WHERE topic = :t"), {"t": CONTACT_SNAPSHOTS.name}
            )
        ).scalar_one()
    return found


async def events(engine: AsyncEngine) -> list[CloudEvent]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT key, headers, payload FROM outbox WHERE topic = :t ORDER BY id"),
            {"t": CONTACT_SNAPSHOTS.name},
        )
        found = []
        for key, headers, payload in rows:
            event = CloudEvent.from_kafka([(k, v.encode()) for k, v in headers], payload)
            assert event.subject == key
            found.append(event)
    return found


async def test_each_imported_person_gets_one_event_equal_to_their_projected_snapshot(
    engine: AsyncEngine,
) -> None:
    report = await importing.import_people(
        engine, people_file(), MAPPING, basis=BASIS, subscribe=True, chunk=CHUNK
    )
    assert (report.created, report.consents_given) == (ROWS, 2 * ROWS)
    assert await counts(engine) == {
        "people": ROWS,
        "consent_log": 2 * ROWS,
        "contact_snapshot": ROWS,
        "events": ROWS,
    }
    async with engine.connect() as conn:
        projected = {
            r.contact_id: r._mapping
            for r in await conn.execute(text("SELECT * FROM contact_snapshot"))
        }
        people = {r.id: r for r in await conn.execute(text("SELECT * FROM people"))}
    published = {e.parse(ContactSnapshotV1).contact_id: e for e in await events(engine)}
    assert set(published) == set(people) == set(projected)
    for person_id, event in published.items():
        snapshot = event.parse(ContactSnapshotV1)
        row: Any = projected[person_id]
        assert event.version == snapshot.version == row["version"] == people[person_id].version
        assert snapshot.email == row["email"] == people[person_id].email
        assert snapshot.first_name == row["first_name"] == people[person_id].first_name
        assert (snapshot.municipality, snapshot.region) == (row["municipality"], row["region"])
        assert snapshot.confirmed_at == row["confirmed_at"] is not None
        assert snapshot.newsletter_consent and row["survey_consent"]
        assert snapshot.created_at == row["created_at"]
    assert {s.region for s in (e.parse(ContactSnapshotV1) for e in published.values())} == {
        "01",  # Helsinki's region for the rows with a municipality
        None,
    }


@pytest.mark.parametrize("failure", ["refused", "crashed"])
async def test_a_failed_chunk_leaves_none_of_its_people_consents_or_events(
    engine: AsyncEngine, failure: str
) -> None:
    chunks = 0

    async def second_fails(conn: AsyncConnection, rows: int) -> bool:
        nonlocal chunks
        chunks += 1
        if chunks == 2 and failure == "crashed":
            raise RuntimeError("the worker died after writing the chunk")
        return chunks < 2

    expected_error = importing.ChunkRefused if failure == "refused" else RuntimeError
    with pytest.raises(expected_error):
        await importing.import_people(
            engine,
            people_file(),
            MAPPING,
            basis=BASIS,
            subscribe=True,
            chunk=CHUNK,
            on_chunk=second_fails,
        )
    # Only the first chunk, whole: its people with their consents, snapshots and events.
    assert await counts(engine) == {
        "people": CHUNK,
        "consent_log": 2 * CHUNK,
        "contact_snapshot": CHUNK,
        "events": CHUNK,
    }

    # Resuming past the committed chunk completes the file, as a resumed job does.
    report = await importing.import_people(
        engine, people_file(), MAPPING, basis=BASIS, subscribe=True, chunk=CHUNK, skip=CHUNK
    )
    assert report.created == ROWS - CHUNK
    assert await counts(engine) == {
        "people": ROWS,
        "consent_log": 2 * ROWS,
        "contact_snapshot": ROWS,
        "events": ROWS,
    }


async def test_reimporting_unchanged_rows_publishes_a_new_version_and_gives_no_consent(
    engine: AsyncEngine,
) -> None:
    for _ in range(2):
        report = await importing.import_people(
            engine, people_file(), MAPPING, basis=BASIS, subscribe=True, chunk=CHUNK
        )
    assert (report.created, report.updated, report.consents_given) == (0, ROWS, 0)
    assert await counts(engine) == {
        "people": ROWS,
        "consent_log": 2 * ROWS,
        "contact_snapshot": ROWS,
        "events": 2 * ROWS,
    }
    versions = sorted(e.version or 0 for e in await events(engine))
    assert versions == [1] * ROWS + [2] * ROWS
    async with engine.connect() as conn:
        stored = (await conn.execute(text("SELECT DISTINCT version FROM contact_snapshot"))).all()
    assert stored == [(2,)]
