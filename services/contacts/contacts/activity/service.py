"""What contacts does with other services' events: mail outcomes and survey responses.

The use cases take contacts' unit of work; the Kafka handlers pass one joined to the
consumer's transaction (with its inbox row, `contacts.joined_unit_of_work`), so a redelivered
event changes nothing. A person erased meanwhile is simply skipped.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Literal

from contacts.errors import NotFound
from contacts.people.domain.person import Person
from contacts.preferences import service as preferences
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.mail import MailEventV1
from shared.events.surveys import ResponseSubmittedV1
from shared.segments.rules import TIMEZONE

UNDELIVERABLE: dict[str, Literal["bounced", "complained"]] = {
    "bounced_hard": "bounced",
    "complained": "complained",
}
ENGAGEMENT = {"opened": "mail_opened", "clicked": "mail_clicked"}


async def _person_of(uow: ContactsUnitOfWork, event: MailEventV1) -> Person | None:
    if event.contact_id is not None:
        return await uow.people.get(event.contact_id, for_update=True)
    if event.email:
        return await uow.people.find_by_email(event.email, for_update=True)
    return None


def _details(event: MailEventV1) -> dict[str, str]:
    found = {"origin": event.origin, "origin_id": event.origin_id, "url": event.url}
    return {k: v for k, v in found.items() if v}


async def _count(uow: ContactsUnitOfWork, event: MailEventV1) -> None:
    if event.origin and event.origin_id:  # the dashboard counts the origins it knows
        await uow.figures.mail_event(
            delivery_id=event.delivery_id,
            outcome=event.outcome,
            origin=event.origin,
            origin_id=event.origin_id,
            group_id=event.origin_group or event.origin_id,
            label=event.origin_label,
            at=event.occurred_at,
        )
    if event.outcome == "sent" and event.origin == "campaign" and event.contact_id:
        await uow.figures.reach(person_id=event.contact_id, at=event.occurred_at)


async def apply_mail_event(uow: ContactsUnitOfWork, event: MailEventV1) -> None:
    """Counted for the dashboard and the impact chain; opens and clicks move the person's
    engagement day; a hard bounce or a complaint marks the address (a complaint outranks a
    bounce); an unsubscribe is the one-click link's (preferences)."""
    async with uow:
        await _count(uow, event)
        await uow.commit()
    if event.outcome == "unsubscribed":
        await _unsubscribe(uow, event)
        return
    if event.outcome not in UNDELIVERABLE and event.outcome not in ENGAGEMENT:
        return  # sent, deferred, soft bounces: newsletter's business, not the person's record
    async with uow:
        person = await _person_of(uow, event)
        if person is None:
            return
        if event.outcome in ENGAGEMENT:
            await _engaged(uow, person, event.occurred_at.astimezone(TIMEZONE).date())
            await uow.activity.add(
                person_id=person.id,
                kind=ENGAGEMENT[event.outcome],
                at=event.occurred_at,
                details=_details(event),
                source="newsletter",
            )
            await uow.commit()
            return
        status = UNDELIVERABLE[event.outcome]
        if person.email_status in (status, "complained"):
            return
        person = person.changed(email_status=status)
        await uow.people.save(person)
        await uow.events.publish_snapshot(person)
        await uow.activity.add(
            person_id=person.id,
            kind=f"email_{status}",
            at=event.occurred_at,
            details=_details(event) | ({"detail": event.detail[:500]} if event.detail else {}),
            source="newsletter",
        )
        await uow.commit()


async def _engaged(uow: ContactsUnitOfWork, person: Person, on: date) -> None:
    """Move `last_engaged_on` forward: at most one snapshot per person and day."""
    changed = person.engaged(on)
    if changed is None:
        return
    await uow.people.save(changed)
    await uow.events.publish_snapshot(changed)


async def _unsubscribe(uow: ContactsUnitOfWork, event: MailEventV1) -> None:
    """As the one-click link (preferences' use case), harmless to repeat ("already")."""
    if event.contact_id is None:
        return
    try:
        await preferences.unsubscribe(
            uow, event.contact_id, method="unsubscribe", at=event.occurred_at
        )
    except NotFound:
        return


async def apply_survey_response(uow: ContactsUnitOfWork, event: ResponseSubmittedV1) -> None:
    """Counted for the dashboard; identified responses also reach the person's timeline (an
    anonymous one carries no contact id and stays so)."""
    async with uow:
        if event.campaign_id is not None:
            await uow.figures.survey_response(
                response_id=event.response_id,
                campaign_id=event.campaign_id,
                on=event.submitted_on,
            )
        person = None
        if event.contact_id is not None:
            person = await uow.people.get(event.contact_id, for_update=True)
        if person is not None:
            await _engaged(uow, person, event.submitted_on)
            details = {"survey_id": str(event.survey_id), "response_id": str(event.response_id)}
            if event.campaign_id:
                details["campaign_id"] = str(event.campaign_id)
            await uow.activity.add(
                person_id=person.id,
                kind="survey_responded",
                at=datetime.combine(event.submitted_on, time(), UTC),
                details=details,
                source="surveys",
            )
        await uow.commit()
