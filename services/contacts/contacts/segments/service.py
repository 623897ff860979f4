"""Segments: staff define audiences; every change is published on contacts.segment.v1.

A rule is checked with the shared parser before it is stored, so what the newsletter and
surveys receive always compiles there too. Preview counts against contacts' own
`contact_snapshot` projection, the same table and compiler the replicas use.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from contacts.audit.domain import Actor
from contacts.classification import load_classification
from contacts.errors import NotFound
from contacts.participation.domain import title_in
from contacts.segments.domain import Segment
from contacts.segments.fields import VALUE_LABELS
from contacts.segments.vocabulary import Terms, Vocabulary, check_values, terms
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.contacts import SegmentV1
from shared.events.envelope import new_event
from shared.events.topics import SEGMENTS
from shared.logs import correlation_id
from shared.segments.rules import parse_rule

SOURCE = "/digituki/contacts"
SAMPLE_SIZE = 20
Translate = Callable[[str], str]


@dataclass(frozen=True)
class Preview:
    count: int
    sample: list[dict[str, Any]]


async def _vocabulary(
    uow: ContactsUnitOfWork, lang: str = "fi", translate: Translate | None = None
) -> dict[str, Terms]:
    """Every field's known values, named in `lang` (call inside `async with uow`).

    Regions and municipalities come from the classification (other languages' names are
    aliases), topics from the topic list (archived ones too: people may still have them), tags
    from the tag list, event series from the event catalogue; the rest are fixed lists
    labelled by `translate`.
    """
    tr = translate or (lambda text: text)
    found = load_classification()
    topics = await uow.topics.all_topics(include_archived=True)
    tags = [name for name, _count in await uow.tags.all_with_counts()]
    areas = {
        code: await uow.segments.area_names(code)
        for code in dict.fromkeys((lang, "fi", "sv", "en"))
    }
    series = await uow.event_series.names()
    vocabulary = {
        "region": terms(
            ((r.code, r.name(lang)) for r in found.regions),
            ((n, r.code) for r in found.regions for n in r.names.values()),
        ),
        "municipality": terms(
            ((m.code, m.name(lang)) for m in found.municipalities),
            ((n, m.code) for m in found.municipalities for n in m.names.values()),
        ),
        "topics": terms(
            ((t.key, t.name(lang)) for t in topics),
            ((n, t.key) for t in topics for n in (t.name_fi, t.name_sv, t.name_en)),
        ),
        "tags": terms((name, name) for name in tags),
        # Self-assessment areas: named in `lang`, the other languages' names are aliases.
        "weak_areas": terms(
            areas[lang].items(), ((n, k) for a in areas.values() for k, n in a.items())
        ),
        # Event series by name (the catalogue of events.event.v1), stored as their ids.
        "registered_series": terms(
            ((sid, title_in(names, lang) or sid) for sid, names in series),
            ((n, sid) for sid, names in series for n in names.values() if n),
        ),
    }
    for field, labels in VALUE_LABELS.items():
        vocabulary[field] = terms(
            ((code, tr(label)) for code, label in labels.items()),
            ((label, code) for code, label in labels.items()),
        )
    return vocabulary


async def vocabulary(
    uow: ContactsUnitOfWork, *, lang: str = "fi", translate: Translate | None = None
) -> Vocabulary:
    """The known values of each field, for pickers and for showing a rule with names."""
    async with uow:
        return await _vocabulary(uow, lang, translate)


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
        check_values(segment.rule, await _vocabulary(uow))
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
        if "rule" in given:
            check_values(segment.rule, await _vocabulary(uow))
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
    """The live count and a sample; RuleError (with its path) for a bad rule or a value that
    is not among the field's known values."""
    parsed = parse_rule(rule)
    now = now or datetime.now(UTC)
    async with uow:
        check_values(rule, await _vocabulary(uow))
        count = await uow.audience.count(parsed, now)
        sample = await uow.audience.sample(parsed, now, limit=SAMPLE_SIZE, lang=lang)
    return Preview(count=count, sample=sample)


async def count(uow: ContactsUnitOfWork, rule: Any, *, now: datetime | None = None) -> int:
    """How many people a stored rule selects now (its values are not checked again)."""
    parsed = parse_rule(rule)
    async with uow:
        return await uow.audience.count(parsed, now or datetime.now(UTC))
