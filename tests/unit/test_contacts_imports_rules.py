"""The rules of importing people, on the fake unit of work: what a row creates, changes or
leaves alone and why, what is published and audited, and that a refused chunk leaves nothing."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import pytest
from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.imports.domain.merging import Known, PersonValues, merged, new_person, newly_given
from contacts.imports.domain.rows import ImportRow
from contacts.imports.service import exporting, importing
from contacts.people.domain.person import Person
from contacts.segments.domain import Segment
from contacts.topics.domain import Topic

from tests.unit.fakes.contacts import FakeContactsUnitOfWork, FakeTopics

NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)
BASIS = "Partner register 2025, legitimate interest, art. 6(1)(f) GDPR"
EDITOR = Actor(id="staff-e", role="editor")
COLUMNS: tuple[str, ...] = (
    "email",
    "first_name",
    "last_name",
    "language",
    "title",
    "phone",
    "municipality",
)
COLUMNS += ("organisation", "membership", "tags", "topics")
MAPPING = {c: c for c in COLUMNS}
FULL = {
    "email": "saara@example.fi",
    "first_name": "Saara",
    "last_name": "Salo",
    "language": "ruotsi",
    "title": "Kirjastonhoitaja",
    "phone": "040 123 4567",
    "municipality": "Helsinki",
    "organisation": "Uusi yhdistys ry",
    "membership": "jäsen",
    "tags": "VIP",
    "topics": "Webinaarit",
}
STORED = PersonValues(
    first_name="Saara",
    last_name="Salo",
    language="sv",
    title="Kirjastonhoitaja",
    phone="+358401234567",
    municipality="091",
    topics=("webinaarit",),
    tags=("VIP",),
)


def fake() -> FakeContactsUnitOfWork:
    return FakeContactsUnitOfWork(topics=FakeTopics(Topic("webinaarit", "Webinaarit", "W", "W")))


def table(*rows: dict[str, str]) -> importing.Table:
    return importing.Table(COLUMNS, [{c: r.get(c, "") for c in COLUMNS} for r in rows])


async def run(
    uow: FakeContactsUnitOfWork,
    *rows: dict[str, str],
    subscribe: bool = False,
    chunk: int = importing.CHUNK,
    on_chunk: importing.ChunkHook | None = None,
) -> importing.Report:
    return await importing.import_people(
        lambda: uow,
        table(*rows),
        MAPPING,
        basis=BASIS if subscribe else None,
        subscribe=subscribe,
        actor=EDITOR,
        chunk=chunk,
        on_chunk=on_chunk,
    )


def person(uow: FakeContactsUnitOfWork, email: str = "saara@example.fi") -> Person:
    return next(p for p in uow.people.rows.values() if p.email == email)


# -- the merge rule itself


@pytest.mark.parametrize(
    "field", ["first_name", "last_name", "language", "title", "phone", "municipality"]
)
def test_an_empty_cell_keeps_the_stored_value(field: str) -> None:
    row = ImportRow(
        row=2,
        email="saara@example.fi",
        first_name="Saara",
        last_name="Salo",
        language="sv",
        title="Kirjastonhoitaja",
        phone="+358401234567",
        municipality="091",
    )
    emptied = dataclasses.replace(row, **{field: None})
    assert merged(STORED, emptied, subscribe=False, now=NOW) is None


def test_a_new_person_without_a_language_is_finnish_and_a_known_one_keeps_theirs() -> None:
    row = ImportRow(row=2, email="saara@example.fi")
    assert new_person(row, subscribe=False, now=NOW).language == "fi"
    assert merged(STORED, row, subscribe=False, now=NOW) is None


def test_filled_cells_win_and_topics_and_tags_are_only_added() -> None:
    row = ImportRow(row=2, email="s@example.fi", first_name="Sara", tags=("Puhuja",), topics=())
    after = merged(STORED, row, subscribe=False, now=NOW)
    assert after is not None
    assert (after.first_name, after.last_name) == ("Sara", "Salo")
    assert after.tags == ("VIP", "Puhuja")
    assert after.topics == ("webinaarit",)


def test_subscribing_never_overrides_an_unsubscribe() -> None:
    gone = STORED._replace(subscription_state="unsubscribed")
    row = ImportRow(row=2, email="s@example.fi")
    assert merged(gone, row, subscribe=True, now=NOW) is None
    after = merged(STORED, row, subscribe=True, now=NOW)
    assert after is not None
    assert (after.subscription_state, after.newsletter_consent, after.confirmed_at) == (
        "subscribed",
        True,
        NOW,
    )


def test_only_consents_not_held_before_are_newly_given() -> None:
    half = Known(uuid.UUID(int=1), STORED._replace(newsletter_consent=True))
    both = STORED._replace(newsletter_consent=True, survey_consent=True)
    assert newly_given(None, both) == ["newsletter", "surveys"]
    assert newly_given(half, both) == ["surveys"]


# -- the import on the fake


async def test_new_rows_become_people_with_consents_one_snapshot_each_and_an_audit() -> None:
    uow = fake()
    rows = [{"email": f"p{i}@example.fi", "first_name": f"P{i}"} for i in range(3)]
    report = await run(uow, *rows, subscribe=True, chunk=2)

    assert (report.created, report.updated, report.unchanged) == (3, 0, 0)
    assert {p.language for p in uow.people.rows.values()} == {"fi"}
    assert sorted((e.purpose, e.method, e.basis) for e in uow.consents.log) == sorted(
        [(p, "import", BASIS) for p in ("newsletter", "surveys")] * 3
    )
    assert sorted(s.email for s in uow.snapshots()) == [r["email"] for r in rows]
    assert all(s.newsletter_consent and s.version == 1 for s in uow.snapshots())
    imported = [e for e in uow.audit.entries if e.action == "people.imported"]
    assert len(imported) == 1
    assert imported[0].actor == EDITOR
    assert imported[0].details["created"] == 3


async def test_the_same_file_again_changes_nobody_and_publishes_nothing() -> None:
    uow = fake()
    await run(uow, FULL)
    published = len(uow.published)
    versions = {p.id: p.version for p in uow.people.rows.values()}

    report = await run(uow, FULL)

    assert (report.created, report.updated, report.unchanged) == (0, 0, 1)
    assert (report.links_added, report.memberships_set) == (0, 0)
    assert len(uow.published) == published
    assert {p.id: p.version for p in uow.people.rows.values()} == versions


@pytest.mark.parametrize("column", [c for c in COLUMNS if c != "email"])
async def test_an_empty_cell_in_a_reimport_changes_nothing_stored(column: str) -> None:
    uow = fake()
    await run(uow, FULL)
    before = person(uow)
    links = dict(uow.organisations.links)
    membership = uow.memberships.rows[before.id]

    report = await run(uow, FULL | {column: ""})

    assert person(uow) == before
    assert uow.organisations.links == links
    assert uow.memberships.rows[before.id] == membership
    assert report.unchanged == 1


async def test_a_changed_cell_updates_the_person_with_a_new_version_and_snapshot() -> None:
    uow = fake()
    await run(uow, FULL)
    report = await run(uow, FULL | {"first_name": "Sara", "language": ""})

    saara = person(uow)
    assert (report.updated, report.unchanged) == (1, 0)
    assert (saara.first_name, saara.language, saara.version) == ("Sara", "sv", 2)
    last = uow.snapshots()[-1]
    assert (last.first_name, last.language, last.version) == ("Sara", "sv", 2)


async def test_an_unsubscribed_person_is_not_subscribed_again_nor_given_consent() -> None:
    uow = fake()
    await run(uow, {"email": "saara@example.fi"}, subscribe=True)
    saara = person(uow)
    uow.people.rows[saara.id] = dataclasses.replace(
        saara, subscription_state="unsubscribed", newsletter_consent=False, survey_consent=False
    )
    consents = len(uow.consents.log)

    report = await run(uow, {"email": "saara@example.fi"}, subscribe=True)

    assert person(uow).subscription_state == "unsubscribed"
    assert len(uow.consents.log) == consents
    assert (report.unchanged, report.consents_given) == (1, 0)


async def test_a_new_link_or_membership_alone_gives_a_new_version_and_snapshot() -> None:
    uow = fake()
    await run(uow, {"email": "saara@example.fi", "first_name": "Saara"})
    report = await run(
        uow,
        {"email": "saara@example.fi", "organisation": "Uusi yhdistys ry", "membership": "jäsen"},
    )

    assert (report.updated, report.links_added, report.memberships_set) == (1, 1, 1)
    assert len(report.organisations_created) == 1
    assert person(uow).version == 2
    last = uow.snapshots()[-1]
    assert (last.organisation_name, last.membership_state) == ("Uusi yhdistys ry", "active")


async def test_a_refused_chunk_leaves_nothing_and_the_import_is_not_audited() -> None:
    uow = fake()
    chunks = 0

    async def second_refused(_uow: object, rows: int) -> bool:
        nonlocal chunks
        chunks += 1
        return chunks < 2

    rows = [{"email": f"p{i}@example.fi"} for i in range(3)]
    with pytest.raises(importing.ChunkRefused):
        await run(uow, *rows, subscribe=True, chunk=2, on_chunk=second_refused)

    assert sorted(p.email for p in uow.people.rows.values()) == ["p0@example.fi", "p1@example.fi"]
    assert len(uow.snapshots()) == 2
    assert len(uow.consents.log) == 4
    assert not [e for e in uow.audit.entries if e.action == "people.imported"]


async def test_an_address_stored_by_someone_else_meanwhile_is_merged_not_duplicated() -> None:
    uow = fake()
    lock_known = uow.imports.lock_known
    calls = 0

    async def racing(emails: Sequence[str]) -> dict[str, Known]:
        nonlocal calls
        calls += 1
        found = await lock_known(emails)
        if calls == 1:  # a signup stores the address after the chunk read it
            await uow.people.add(
                Person(id=uuid.UUID(int=7), email="saara@example.fi", language="sv")
            )
        return found

    uow.imports.lock_known = racing  # type: ignore[method-assign]
    report = await run(uow, {"email": "saara@example.fi", "first_name": "Saara"})

    assert len(uow.people.rows) == 1
    assert (report.created, report.updated) == (0, 1)
    saara = person(uow)
    assert (saara.first_name, saara.language) == ("Saara", "sv")


# -- exports


async def test_an_export_of_a_view_holds_its_people_in_finnish_name_order_and_is_audited() -> None:
    uow = fake()
    await run(
        uow,
        {"email": "o@example.fi", "first_name": "Olli", "last_name": "Östman"},
        {"email": "a@example.fi", "first_name": "Aino", "last_name": "Aalto"},
        {"email": "v@example.fi", "first_name": "Ville", "last_name": "Virta", "language": "sv"},
    )

    data = await exporting.export_view(uow, fmt="csv", actor=EDITOR, filters={"language": "fi"})

    lines = data.decode("utf-8-sig").splitlines()
    assert lines[0].startswith("email,first_name,last_name,language")
    assert [line.split(",")[0] for line in lines[1:]] == ["a@example.fi", "o@example.fi"]
    exported = [e for e in uow.audit.entries if e.action == "people.exported"]
    assert [(e.actor, e.details["rows"], e.details["format"]) for e in exported] == [
        (EDITOR, 2, "csv")
    ]


async def test_an_export_of_a_segment_follows_its_rule() -> None:
    uow = fake()
    await run(
        uow,
        {"email": "a@example.fi", "municipality": "Helsinki"},
        {"email": "b@example.fi", "municipality": "Tampere"},
    )
    segment = Segment.new(
        name="Helsinki", rule={"field": "municipality", "op": "eq", "value": "091"}
    )
    await uow.segments.add(segment)

    data = await exporting.export_segment(uow, segment.id, fmt="csv", actor=EDITOR)

    assert [line.split(",")[0] for line in data.decode("utf-8-sig").splitlines()[1:]] == [
        "a@example.fi"
    ]
    assert uow.audit.entries[-1].details["segment_id"] == str(segment.id)


@pytest.mark.parametrize("case", ["bad-format", "no-segment"])
async def test_a_refused_export_is_not_audited(case: str) -> None:
    uow = fake()
    with pytest.raises(InvalidInput if case == "bad-format" else NotFound):
        if case == "bad-format":
            await exporting.export_view(uow, fmt="pdf", actor=EDITOR, filters={})
        else:
            await exporting.export_segment(uow, uuid.UUID(int=5), fmt="csv", actor=EDITOR)
    assert not [e for e in uow.audit.entries if e.action == "people.exported"]
