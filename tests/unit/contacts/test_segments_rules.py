"""Segment use cases on the in-memory unit of work: versions, publishing, audiences."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.people.service.people import erase_person, register_person
from contacts.segments.service import (
    create_segment,
    get_segment,
    list_segments,
    preview,
    update_segment,
)

from shared.events.contacts import SegmentV1
from shared.segments.rules import RuleError
from tests.unit.fakes.contacts import FakeContactsUnitOfWork

EDITOR = Actor(id="staff-1", role="editor")
SWEDISH = {"field": "language", "op": "eq", "value": "sv"}
NOW = datetime(2026, 3, 1, 12, tzinfo=UTC)


async def test_a_new_segment_is_published_and_audited() -> None:
    uow = FakeContactsUnitOfWork()
    segment = await create_segment(uow, actor=EDITOR, name="Swedish", rule=SWEDISH)
    [event] = uow.segment_events()
    published = SegmentV1.model_validate(event.data)
    assert (published.segment_id, published.version, published.rule) == (segment.id, 1, SWEDISH)
    assert event.version == 1
    assert [e.action for e in uow.audit.entries] == ["segment.created"]


async def test_a_bad_rule_is_refused_before_anything_is_stored() -> None:
    uow = FakeContactsUnitOfWork()
    with pytest.raises(RuleError):
        await create_segment(uow, actor=EDITOR, name="Broken", rule={"field": "shoe_size"})
    assert uow.segments.rows == {}
    assert uow.published == []


async def test_an_unchanged_definition_publishes_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    segment = await create_segment(uow, actor=EDITOR, name="Swedish", rule=SWEDISH)
    same = await update_segment(uow, segment.id, actor=EDITOR, name="Swedish", rule=SWEDISH)
    assert same.version == 1
    assert len(uow.segment_events()) == 1
    assert len(uow.audit.entries) == 1


async def test_a_changed_rule_is_a_new_version_replicas_receive() -> None:
    uow = FakeContactsUnitOfWork()
    segment = await create_segment(uow, actor=EDITOR, name="Swedish", rule=SWEDISH)
    finnish = {"field": "language", "op": "eq", "value": "fi"}
    changed = await update_segment(uow, segment.id, actor=EDITOR, rule=finnish)
    assert changed.version == 2
    latest = SegmentV1.model_validate(uow.segment_events()[-1].data)
    assert (latest.version, latest.rule) == (2, finnish)
    assert uow.audit.entries[-1].details == {"fields": ["rule"], "version": 2}


async def test_archiving_hides_the_segment_from_the_list_and_is_audited_as_such() -> None:
    uow = FakeContactsUnitOfWork()
    segment = await create_segment(uow, actor=EDITOR, name="Swedish", rule=SWEDISH)
    await update_segment(uow, segment.id, actor=EDITOR, archived=True)
    assert await list_segments(uow) == []
    assert [s.id for s in await list_segments(uow, include_archived=True)] == [segment.id]
    assert SegmentV1.model_validate(uow.segment_events()[-1].data).archived
    assert uow.audit.entries[-1].action == "segment.archived"


async def test_a_missing_segment_is_not_found() -> None:
    uow = FakeContactsUnitOfWork()
    with pytest.raises(NotFound):
        await get_segment(uow, uuid.uuid4())
    with pytest.raises(NotFound):
        await update_segment(uow, uuid.uuid4(), actor=EDITOR, name="X")


async def test_the_preview_counts_the_people_the_rule_selects_never_the_erased() -> None:
    uow = FakeContactsUnitOfWork()
    for name in ("Lind", "Aalto", "Berg"):
        await register_person(
            uow, email=f"{name.lower()}@example.fi", last_name=name, language="sv"
        )
    await register_person(uow, email="virtanen@example.fi", last_name="Virtanen", language="fi")
    erased = await register_person(uow, email="ek@example.fi", last_name="Ek", language="sv")
    await erase_person(uow, erased.id, actor=None, path="preference centre")
    result = await preview(uow, SWEDISH, now=NOW)
    assert result.count == 3
    assert [row["last_name"] for row in result.sample] == ["Aalto", "Berg", "Lind"]
    assert set(result.sample[0]) >= {"contact_id", "email", "language"}


async def test_a_bad_rule_has_no_preview() -> None:
    with pytest.raises(RuleError):
        await preview(FakeContactsUnitOfWork(), {"any": "nobody"}, now=NOW)
