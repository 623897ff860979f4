"""What a person changes themselves: topics, language, name, unsubscribe, erasure."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.consents import repository as consents
from contacts.consents.domain import Method, Purpose, entries
from contacts.errors import InvalidInput, NotFound
from contacts.people import repository as people
from contacts.people.domain.person import Person, clean_name, parse_language
from contacts.people.service.people import erase_person
from contacts.snapshots import publish_snapshot, record_activity
from contacts.topics import repository as topic_store
from contacts.unit_of_work import SqlContactsUnitOfWork, unit_of_work


async def language_of(engine: AsyncEngine, person_id: uuid.UUID) -> str | None:
    """The person's own language (None once erased): pages their mails link to speak it."""
    async with engine.connect() as conn:
        person = await people.get(conn, person_id)
    return None if person is None else person.language


async def update_preferences(
    engine: AsyncEngine,
    person_id: uuid.UUID,
    *,
    topics: Sequence[str],
    language: str,
    first_name: str,
    last_name: str,
) -> Person:
    async with unit_of_work(engine) as uow:
        person = await people.get(uow.conn, person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        known = {t.key for t in await topic_store.all_topics(uow.conn)}
        if any(t not in known for t in topics):
            raise InvalidInput("Choose topics from the list.", field="topics")
        changes = {
            "topics": tuple(sorted(set(topics))),
            "language": parse_language(language),
            "first_name": clean_name(first_name, field_name="first_name"),
            "last_name": clean_name(last_name, field_name="last_name"),
        }
        if all(getattr(person, k) == v for k, v in changes.items()):
            return person
        person = person.changed(**changes)
        await people.save(uow.conn, person)
        await publish_snapshot(uow, person)
        await record_activity(uow, person.id, "preferences_changed", {"fields": sorted(changes)})
        await uow.commit()
    return person


async def unsubscribe(
    engine: AsyncEngine,
    person_id: uuid.UUID,
    *,
    method: Method,
    ip: str | None = None,
    at: datetime | None = None,
) -> Literal["unsubscribed", "already"]:
    """Withdraw every consent; doing it again changes nothing (RFC 8058 clients retry)."""
    at = at or datetime.now(UTC)
    async with unit_of_work(engine) as uow:
        person = await people.get(uow.conn, person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        if person.subscription_state == "unsubscribed":
            return "already"
        withdrawn: list[Purpose] = []
        if person.newsletter_consent:
            withdrawn.append("newsletter")
        if person.survey_consent:
            withdrawn.append("surveys")
        person = person.unsubscribed()
        await people.save(uow.conn, person)
        await consents.append(
            uow.conn, entries(person.id, tuple(withdrawn), given=False, method=method, at=at, ip=ip)
        )
        await publish_snapshot(uow, person)
        await record_activity(uow, person.id, "unsubscribed", {"method": method}, at=at)
        await uow.commit()
    return "unsubscribed"


async def erase_on_request(engine: AsyncEngine, person_id: uuid.UUID) -> None:
    """The person asked from their preference centre; the audit entry names no staff."""
    await erase_person(
        SqlContactsUnitOfWork(engine), person_id, actor=None, path="preference centre"
    )
