"""The rules of starting a bulk action and of what the bulk page offers, on the fake unit of
work: the people are fixed when the job starts, a refusal queues and audits nothing, erasing
needs the number typed, and a segment's rule or the search's filters choose the people."""

from __future__ import annotations

import dataclasses
import uuid

import pytest
from contacts.audit.domain import Actor
from contacts.errors import InvalidInput, NotFound
from contacts.jobs.service import jobs
from contacts.people.domain.person import Person
from contacts.segments.domain import Segment
from contacts.snapshots import snapshot_of
from contacts.topics.domain import Topic

from shared.snapshot import snapshot_row
from tests.unit.fakes.contacts import FakeContactsUnitOfWork, FakeTopics

EDITOR = Actor(id="staff-e", role="editor")
IN_TURKU = {"field": "municipality", "op": "eq", "value": "853"}


def someone(n: int, *, municipality: str | None = None, tags: tuple[str, ...] = ()) -> Person:
    person = Person.new(
        email=f"p{n}@example.fi", first_name=f"Person{n}", last_name="Bulk", tags=tags
    )
    return person.changed(municipality=municipality) if municipality else person


def with_people(*people: Person) -> FakeContactsUnitOfWork:
    uow = FakeContactsUnitOfWork(
        topics=FakeTopics(
            Topic.new(key="ai", name_fi="Tekoäly"),
            dataclasses.replace(Topic.new(key="old", name_fi="Vanha"), archived=True),
        )
    )
    for person in people:
        uow.audience.rows[person.id] = snapshot_row(snapshot_of(person))
    return uow


async def test_the_bulk_page_counts_the_chosen_people_and_offers_topics_and_tags() -> None:
    uow = with_people(someone(1), someone(2, tags=("VIP",)), someone(3, tags=("VIP",)))
    uow.tags.stored = ["VIP", "Aktiivinen"]
    choices = await jobs.bulk_choices(uow, jobs.Selection({"tag": "VIP"}), lang="fi")
    assert choices.count == 2
    assert [t.key for t in choices.topics] == ["ai"]  # archived topics are not offered
    assert choices.tags == ["Aktiivinen", "VIP"]
    everyone = await jobs.bulk_choices(uow, jobs.Selection({"text": "", "region": ""}))
    assert everyone.count == 3
    assert uow.commits == 0 and uow.published == []


async def test_the_bulk_page_of_nobody_chosen_counts_none() -> None:
    empty = with_people()
    choices = await jobs.bulk_choices(empty, jobs.Selection())
    assert (choices.count, choices.tags) == (0, [])
    uow = with_people(someone(1))
    nobody = await jobs.bulk_choices(uow, jobs.Selection({"text": "no such person"}))
    assert nobody.count == 0


async def test_a_segment_selection_counts_the_people_its_rule_selects() -> None:
    uow = with_people(someone(1, municipality="853"), someone(2, municipality="091"))
    segment = Segment.new(name="Turku", rule=IN_TURKU)
    await uow.segments.add(segment)
    choices = await jobs.bulk_choices(uow, jobs.Selection(segment_id=segment.id))
    assert choices.count == 1
    with pytest.raises(NotFound):
        await jobs.bulk_choices(uow, jobs.Selection(segment_id=uuid.UUID(int=7)))


async def test_starting_a_bulk_action_fixes_its_people_and_audits_it_once() -> None:
    chosen = [someone(1, tags=("VIP",)), someone(2, tags=("VIP",))]
    uow = with_people(*chosen, someone(3))
    job_id = await jobs.start_bulk(
        uow, kind="topic_add", selection=jobs.Selection({"tag": "VIP"}), actor=EDITOR, topic="ai"
    )
    job = await jobs.get_job(uow, job_id)
    assert (job.kind, job.state, job.total, job.created_by) == ("topic_add", "queued", 2, "staff-e")
    assert job.parameters["topic"] == "ai" and job.parameters["selection"] == {
        "filters": {"tag": "VIP"}
    }
    assert sorted(uow.jobs.items[job_id]) == sorted(p.id for p in chosen)
    (entry,) = uow.audit.entries
    assert (entry.action, entry.target_id) == ("people.bulk_topic_add", str(job_id))
    assert entry.details["people"] == 2
    assert uow.commits == 1


async def test_a_bulk_action_over_a_segment_takes_the_people_of_its_rule() -> None:
    in_turku = someone(1, municipality="853")
    uow = with_people(in_turku, someone(2, municipality="091"))
    segment = Segment.new(name="Turku", rule=IN_TURKU)
    await uow.segments.add(segment)
    job_id = await jobs.start_bulk(
        uow, kind="export", selection=jobs.Selection(segment_id=segment.id), actor=EDITOR, fmt="csv"
    )
    assert uow.jobs.items[job_id] == [in_turku.id]
    assert (await jobs.get_job(uow, job_id)).parameters["selection"] == {
        "segment_id": str(segment.id)
    }


@pytest.mark.parametrize(
    ("kind", "options", "field"),
    [
        ("shred", {}, "action"),
        ("topic_add", {"topic": "nope"}, "topic"),
        ("membership", {"action": "apply"}, "membership_action"),
        ("export", {"fmt": "pdf"}, "format"),
        ("erase", {"confirmation": "3"}, "confirmation"),  # two people are chosen
    ],
)
async def test_a_refused_bulk_action_queues_and_audits_nothing(
    kind: str, options: dict[str, str], field: str
) -> None:
    uow = with_people(someone(1), someone(2))
    with pytest.raises(InvalidInput) as refused:
        await jobs.start_bulk(uow, kind=kind, selection=jobs.Selection(), actor=EDITOR, **options)
    assert refused.value.field == field
    assert uow.jobs.rows == {} and uow.jobs.items == {}
    assert uow.audit.entries == [] and uow.commits == 0


async def test_erasing_starts_when_the_number_of_people_is_typed() -> None:
    uow = with_people(someone(1), someone(2))
    job_id = await jobs.start_bulk(
        uow, kind="erase", selection=jobs.Selection(), actor=EDITOR, confirmation=" 2 "
    )
    assert (await jobs.get_job(uow, job_id)).total == 2


async def test_a_bulk_action_over_a_missing_segment_is_not_queued() -> None:
    uow = with_people(someone(1))
    with pytest.raises(NotFound):
        await jobs.start_bulk(
            uow,
            kind="export",
            selection=jobs.Selection(segment_id=uuid.UUID(int=9)),
            actor=EDITOR,
            fmt="csv",
        )
    assert uow.jobs.rows == {} and uow.audit.entries == []
