"""What a person changes themselves: topics, language, name, unsubscribe, erasure."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import UTC, datetime
from typing import Literal

from contacts.consents.domain import PURPOSES, Method, Purpose, entries
from contacts.errors import NotFound
from contacts.people.domain.person import Person, clean_name, parse_language
from contacts.people.service.people import erase_person
from contacts.topics.domain import Topic, kept_topics
from contacts.unit_of_work import ContactsUnitOfWork


async def language_of(uow: ContactsUnitOfWork, person_id: uuid.UUID) -> str | None:
    """The person's own language (None once erased): pages their mails link to speak it."""
    async with uow:
        person = await uow.people.get(person_id)
    return None if person is None else person.language


async def preferences_of(
    uow: ContactsUnitOfWork, person_id: uuid.UUID
) -> tuple[Person, list[Topic]]:
    """What the preference centre shows: the person (NotFound once erased) and the topics on
    offer, in one transaction."""
    async with uow:
        person = await uow.people.get(person_id)
        if person is None:
            raise NotFound("No such person.")
        return person, await uow.topics.all_topics()


async def update_preferences(
    uow: ContactsUnitOfWork,
    person_id: uuid.UUID,
    *,
    topics: Sequence[str],
    language: str,
    first_name: str,
    last_name: str,
) -> Person:
    async with uow:
        person = await uow.people.get(person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        offered = {t.key for t in await uow.topics.all_topics()}
        changes = {
            # Archived topics are not on the form; a person who holds one keeps it.
            "topics": kept_topics(topics, person.topics, offered=offered),
            "language": parse_language(language),
            "first_name": clean_name(first_name, field_name="first_name"),
            "last_name": clean_name(last_name, field_name="last_name"),
        }
        if all(getattr(person, k) == v for k, v in changes.items()):
            return person
        person = person.changed(**changes)
        await uow.people.save(person)
        await uow.events.publish_snapshot(person)
        await uow.events.record_activity(
            person.id, "preferences_changed", {"fields": sorted(changes)}
        )
        await uow.commit()
    return person


async def unsubscribe(
    uow: ContactsUnitOfWork,
    person_id: uuid.UUID,
    *,
    method: Method,
    purposes: Collection[Purpose] = PURPOSES,
    ip: str | None = None,
    at: datetime | None = None,
) -> Literal["unsubscribed", "already"]:
    """Withdraw the consents of `purposes` (all by default); doing it again changes nothing
    (RFC 8058 clients retry). The timeline says which consents went."""
    at = at or datetime.now(UTC)
    async with uow:
        person = await uow.people.get(person_id, for_update=True)
        if person is None:
            raise NotFound("No such person.")
        if person.subscription_state == "unsubscribed":
            return "already"
        held = {"newsletter": person.newsletter_consent, "surveys": person.survey_consent}
        withdrawn = tuple(p for p in PURPOSES if p in purposes and held[p])
        if not withdrawn and person.subscription_state == "subscribed":
            return "already"
        person = person.withdrawn(purposes)
        await uow.people.save(person)
        await uow.consents.append(
            entries(person.id, withdrawn, given=False, method=method, at=at, ip=ip)
        )
        await uow.events.publish_snapshot(person)
        details = {"method": method, "withdrawn": list(withdrawn)}
        await uow.events.record_activity(person.id, "unsubscribed", details, at=at)
        await uow.commit()
    return "unsubscribed"


async def erase_on_request(uow: ContactsUnitOfWork, person_id: uuid.UUID) -> None:
    """The person asked from their preference centre; the audit entry names no staff."""
    await erase_person(uow, person_id, actor=None, path="preference centre")
