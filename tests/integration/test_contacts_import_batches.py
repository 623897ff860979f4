"""An import chunk writes people, consents, projection and outbox events together, or nothing."""

from __future__ import annotations

from typing import Any

import pytest
from contacts.imports.service import importing
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.contacts import ContactSnapshotV1
from shared.events.envelope import CloudEvent
from shared.events.topics import CONTACT_SNAPSHOTS

BASIS = "Partner register 2025, legitimate interest, art. 6(1)(f) GDPR"
MAPPING = {"Sähköposti": "email", "Etunimi": "first_name", "Kunta": "municipality"}
ROWS = 7
CHUNK = 3  # three chunks: 3 + 3 + 1


def units(engine: AsyncEngine) -> importing.UnitsOfWork:
    """A unit of work per chunk, on this engine."""
    return lambda: SqlContactsUnitOfWork(engine)


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
        units(engine), people_file(), MAPPING, basis=BASIS, subscribe=True, chunk=CHUNK
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

    async def second_fails(uow: object, rows: int) -> bool:
        nonlocal chunks
        chunks += 1
        if chunks == 2 and failure == "crashed":
            raise RuntimeError("the worker died after writing the chunk")
        return chunks < 2

    expected_error = importing.ChunkRefused if failure == "refused" else RuntimeError
    with pytest.raises(expected_error):
        await importing.import_people(
            units(engine),
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
        units(engine), people_file(), MAPPING, basis=BASIS, subscribe=True, chunk=CHUNK, skip=CHUNK
    )
    assert report.created == ROWS - CHUNK
    assert await counts(engine) == {
        "people": ROWS,
        "consent_log": 2 * ROWS,
        "contact_snapshot": ROWS,
        "events": ROWS,
    }


async def versions(engine: AsyncEngine) -> dict[str, tuple[int, int]]:
    """Each address's (person version, projected version)."""
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT p.email, p.version, s.version FROM people p"
                " JOIN contact_snapshot s ON s.contact_id = p.id"
            )
        )
        return {email: (person, projected) for email, person, projected in rows}


async def test_reimporting_unchanged_rows_writes_nothing_for_them(engine: AsyncEngine) -> None:
    await importing.import_people(
        units(engine), people_file(), MAPPING, basis=BASIS, subscribe=True, chunk=CHUNK
    )
    async with engine.connect() as conn:
        touched = (await conn.execute(text("SELECT max(updated_at) FROM people"))).scalar_one()

    report = await importing.import_people(
        units(engine), people_file(), MAPPING, basis=BASIS, subscribe=True, chunk=CHUNK
    )
    assert (report.created, report.updated, report.unchanged) == (0, 0, ROWS)
    assert report.consents_given == 0
    # No new version, no event, no consent row, the rows themselves not even rewritten.
    assert await counts(engine) == {
        "people": ROWS,
        "consent_log": 2 * ROWS,
        "contact_snapshot": ROWS,
        "events": ROWS,
    }
    assert set((await versions(engine)).values()) == {(1, 1)}
    async with engine.connect() as conn:
        assert (
            await conn.execute(text("SELECT max(updated_at) FROM people"))
        ).scalar_one() == touched
        audited = (
            await conn.execute(
                text(
                    "SELECT details FROM audit_log WHERE action = 'people.imported'"
                    " ORDER BY occurred_at DESC LIMIT 1"
                )
            )
        ).scalar_one()
    assert (audited["updated"], audited["unchanged"]) == (0, ROWS)


async def test_changed_rows_get_one_new_version_and_one_event_each(engine: AsyncEngine) -> None:
    await importing.import_people(
        units(engine), people_file(), MAPPING, basis=BASIS, subscribe=False, chunk=CHUNK
    )
    lines = ["Sähköposti,Etunimi,Kunta"]
    for i in range(ROWS):
        name = "Uusi" if i == 0 else f"Äijä{i}"  # row 0: a new first name
        place = "049" if i == 2 else ("091" if i % 2 else "")  # row 2: a municipality added
        lines.append(f"erä{i}@example.fi,{name},{place}")
    lines.append("erä3@example.fi,,")  # a duplicate: rejected, changes nothing
    changed = importing.read_table("\n".join(lines).encode(), "people.csv")

    report = await importing.import_people(
        units(engine), changed, MAPPING, basis=BASIS, subscribe=False, chunk=CHUNK
    )
    assert (report.created, report.updated, report.unchanged, report.bad_rows) == (0, 2, 5, 1)
    assert await counts(engine) == {
        "people": ROWS,
        "consent_log": 0,
        "contact_snapshot": ROWS,
        "events": ROWS + 2,
    }
    found = await versions(engine)
    assert {e for e, v in found.items() if v == (2, 2)} == {"erä0@example.fi", "erä2@example.fi"}
    assert {v for e, v in found.items() if e not in ("erä0@example.fi", "erä2@example.fi")} == {
        (1, 1)
    }
    newest = {s.email: s for s in (e.parse(ContactSnapshotV1) for e in (await events(engine))[-2:])}
    assert newest["erä0@example.fi"].first_name == "Uusi"
    assert (newest["erä2@example.fi"].municipality, newest["erä2@example.fi"].region) == (
        "049",
        "01",
    )

    # Subscribing them now changes everyone: a new version and their consent rows.
    report = await importing.import_people(
        units(engine), changed, MAPPING, basis=BASIS, subscribe=True, chunk=CHUNK
    )
    assert (report.updated, report.unchanged, report.consents_given) == (ROWS, 0, 2 * ROWS)
    assert set((await versions(engine)).values()) == {(2, 2), (3, 3)}


async def test_an_unchanged_person_linked_to_an_organisation_gets_a_new_version(
    engine: AsyncEngine,
) -> None:
    await importing.import_people(
        units(engine), people_file(), MAPPING, basis=BASIS, subscribe=True, chunk=CHUNK
    )
    linked = importing.read_table(
        "Sähköposti,Etunimi,Organisaatio\nerä1@example.fi,Äijä1,Erän Kirjasto\n"
        "erä2@example.fi,,\n".encode(),
        "people.csv",
    )
    report = await importing.import_people(
        units(engine),
        linked,
        {"Sähköposti": "email", "Etunimi": "first_name", "Organisaatio": "organisation"},
        basis=BASIS,
        subscribe=True,
    )
    assert (report.updated, report.unchanged, report.links_added) == (1, 1, 1)
    found = await versions(engine)
    assert (found["erä1@example.fi"], found["erä2@example.fi"]) == ((2, 2), (1, 1))
    newest = (await events(engine))[-1].parse(ContactSnapshotV1)
    assert (newest.email, newest.version) == ("erä1@example.fi", 2)
    assert newest.organisation_name == "Erän Kirjasto"
    assert await counts(engine) == {
        "people": ROWS,
        "consent_log": 2 * ROWS,
        "contact_snapshot": ROWS,
        "events": ROWS + 1,
    }
