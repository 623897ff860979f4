"""Segments: staff define audiences; every change is published on contacts.segment.v1.

A rule is checked with the shared parser before it is stored, so what the newsletter and
surveys receive always compiles there too. Preview counts against contacts' own
`contact_snapshot` projection, the same table and compiler the replicas use.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.segments.domain import Segment
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.contacts import SegmentV1
from shared.events.envelope import new_event
from shared.events.topics import SEGMENTS
from shared.logs import correlation_id
from shared.segments.rules import parse_rule

SOURCE = "/digituki/contacts"
SAMPLE_SIZE = 20


@dataclass(frozen=True)
class Preview:
    count: int
    sample: list[dict[str, Any]]


def _publish(uow: ContactsUnitOfWork, segment: Segment) -> None:
    uow.publish(
        SEGMENTS.name,
        str(segment.id),
        new_event(
            source=SOURCE,
            data=SegmentV1(
                segment_id=segment.id,
                version=segment.version,
                name=segment.name,
                rule=segment.rule,
                archived=segment.archived,
            ),
            subject=str(segment.id),
            version=segment.version,
            correlation_id=correlation_id.get(),
        ),
    )


async def list_segments(
    uow: ContactsUnitOfWork, *, include_archived: bool = False, lang: str = "fi"
) -> list[Segment]:
    async with uow:
        return await uow.segments.all_segments(include_archived=include_archived, lang=lang)


async def get_segment(uow: ContactsUnitOfWork, segment_id: uuid.UUID) -> Segment:
    async with uow:
        segment = await uow.segments.get(segment_id)
    if segment is None:
        raise NotFound("No such segment.")
    return segment


async def create_segment(
    uow: ContactsUnitOfWork, *, actor: Actor | None, name: str, rule: Any, description: str = ""
) -> Segment:
    segment = Segment.new(
        name=name, rule=rule, description=description, by=actor.id if actor else None
    )
    async with uow:
        await uow.segments.add(segment)
        _publish(uow, segment)
        await uow.audit.record(
            actor, "segment.created", target_type="segment", target_id=str(segment.id)
        )
        await uow.commit()
    return segment


async def update_segment(
    uow: ContactsUnitOfWork, segment_id: uuid.UUID, *, actor: Actor | None, **changes: Any
) -> Segment:
    """Change name, description, rule or archived; an unchanged definition publishes nothing."""
    async with uow:
        segment = await uow.segments.get(segment_id, for_update=True)
        if segment is None:
            raise NotFound("No such segment.")
        given = {k: v for k, v in changes.items() if v is not None}
        if all(getattr(segment, k) == v for k, v in given.items()):
            return segment
        segment = segment.changed(by=actor.id if actor else None, **given)
        await uow.segments.save(segment)
        _publish(uow, segment)
        action = "segment.archived" if given.get("archived") else "segment.updated"
        await uow.audit.record(
            actor,
            action,
            target_type="segment",
            target_id=str(segment.id),
            details={"fields": sorted(given), "version": segment.version},
        )
        await uow.commit()
    return segment


async def preview(
    uow: ContactsUnitOfWork, rule: Any, *, now: datetime | None = None, lang: str = "fi"
) -> Preview:
    """The live count and a sample; RuleError (with its path) for a bad rule."""
    parsed = parse_rule(rule)
    now = now or datetime.now(UTC)
    async with uow:
        count = await uow.audience.count(parsed, now)
        sample = await uow.audience.sample(parsed, now, limit=SAMPLE_SIZE, lang=lang)
    return Preview(count=count, sample=sample)
