"""What contacts does with other services' events: mail outcomes and survey responses.

Each function runs in the consumer's transaction (with its inbox row), so a redelivered event
changes nothing. A person erased meanwhile is simply skipped.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contacts.activity import repository as activity
from contacts.dashboard import repository as mail_figures
from contacts.errors import NotFound
from contacts.impact import service as impact
from contacts.joined_unit_of_work import JoinedUnitOfWork
from contacts.people import repository as people
from contacts.people.domain.person import Person
from contacts.preferences import service as preferences
from contacts.snapshots import publish_snapshot
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.events.mail import MailEventV1
from shared.events.surveys import ResponseSubmittedV1
from shared.segments.rules import TIMEZONE

UNDELIVERABLE: dict[str, Literal["bounced", "complained"]] = {
    "bounced_hard": "bounced",
    "complained": "complained",
}
ENGAGEMENT = {"opened": "mail_opened", "clicked": "mail_clicked"}


async def _person_of(conn: AsyncConnection, event: MailEventV1) -> Person | None:
    if event.contact_id is not None:
        return await people.get(conn, event.contact_id, for_update=True)
    if event.email:
        return await people.find_by_email(conn, event.email, for_update=True)
    return None


def _details(event: MailEventV1) -> dict[str, str]:
    found = {"origin": event.origin, "origin_id": event.origin_id, "url": event.url}
    return {k: v for k, v in found.items() if v}


async def apply_mail_event(conn: AsyncConnection, engine: AsyncEngine, event: MailEventV1) -> None:
    if event.origin in mail_figures.COUNTED and event.origin_id:
        await mail_figures.record_mail_event(
            conn,
            delivery_id=event.delivery_id,
            outcome=event.outcome,
            origin=event.origin,
            origin_id=event.origin_id,
            group_id=event.origin_group or event.origin_id,
            label=event.origin_label,
            at=event.occurred_at,
        )
    if event.outcome == "sent" and event.origin == "campaign" and event.contact_id:
        await impact.record_reach(conn, person_id=event.contact_id, at=event.occurred_at)
    if event.outcome == "unsubscribed":
        await _unsubscribe(engine, event)
        return
    if event.outcome not in UNDELIVERABLE and event.outcome not in ENGAGEMENT:
        return  # sent, deferred, soft bounces: newsletter's business, not the person's record
    person = await _person_of(conn, event)
    if person is None:
        return
    if event.outcome in ENGAGEMENT:
        await _engaged(conn, person, event.occurred_at.astimezone(TIMEZONE).date())
        await activity.add(
            conn,
            person_id=person.id,
            kind=ENGAGEMENT[event.outcome],
            at=event.occurred_at,
            details=_details(event),
            source="newsletter",
        )
        return
    status = UNDELIVERABLE[event.outcome]
    # A complaint outranks a bounce; a bounce never softens a complaint.
    if person.email_status in (status, "complained"):
        return
    uow = JoinedUnitOfWork(conn)
    person = person.changed(email_status=status)
    await people.save(conn, person)
    await publish_snapshot(uow, person)
    await activity.add(
        conn,
        person_id=person.id,
        kind=f"email_{status}",
        at=event.occurred_at,
        details=_details(event) | ({"detail": event.detail[:500]} if event.detail else {}),
        source="newsletter",
    )
    await uow.commit()


async def _engaged(conn: AsyncConnection, person: Person, on: date) -> None:
    """Move `last_engaged_on` forward: at most one snapshot per person and day."""
    changed = person.engaged(on)
    if changed is None:
        return
    uow = JoinedUnitOfWork(conn)
    await people.save(conn, changed)
    await publish_snapshot(uow, changed)
    await uow.commit()


async def _unsubscribe(engine: AsyncEngine, event: MailEventV1) -> None:
    """As the one-click link: its own transaction, harmless to repeat ("already")."""
    if event.contact_id is None:
        return
    try:
        await preferences.unsubscribe(
            SqlContactsUnitOfWork(engine),
            event.contact_id,
            method="unsubscribe",
            at=event.occurred_at,
        )
    except NotFound:
        return


async def apply_survey_response(conn: AsyncConnection, event: ResponseSubmittedV1) -> None:
    """Counted for the dashboard; identified responses also reach the person's timeline (an
    anonymous one carries no contact id and stays so)."""
    if event.campaign_id is not None:
        await mail_figures.record_response(
            conn,
            response_id=event.response_id,
            campaign_id=event.campaign_id,
            on=event.submitted_on,
        )
    if event.contact_id is None:
        return
    person = await people.get(conn, event.contact_id, for_update=True)
    if person is None:
        return
    await _engaged(conn, person, event.submitted_on)
    details = {"survey_id": str(event.survey_id), "response_id": str(event.response_id)}
    if event.campaign_id:
        details["campaign_id"] = str(event.campaign_id)
    await activity.add(
        conn,
        person_id=event.contact_id,
        kind="survey_responded",
        at=datetime.combine(event.submitted_on, time(), UTC),
        details=details,
        source="surveys",
    )
