"""What contacts does with other services' events: mail outcomes, survey responses, audit.

Each function runs in the consumer's transaction (with its inbox row), so a redelivered event
changes nothing. A person erased meanwhile is simply skipped.
"""

from __future__ import annotations

from datetime import UTC, datetime, time
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contacts.domain.errors import NotFound
from contacts.domain.person import Person
from contacts.persistence import activity, audit, people
from contacts.persistence.joined_unit_of_work import JoinedUnitOfWork
from contacts.service import preferences
from contacts.snapshots import publish_snapshot
from shared.events.audit import StaffActionV1
from shared.events.mail import MailEventV1
from shared.events.surveys import ResponseSubmittedV1

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
    if event.outcome == "unsubscribed":
        await _unsubscribe(engine, event)
        return
    if event.outcome not in UNDELIVERABLE and event.outcome not in ENGAGEMENT:
        return  # sent, deferred, soft bounces: newsletter's business, not the person's record
    person = await _person_of(conn, event)
    if person is None:
        return
    if event.outcome in ENGAGEMENT:
        # TODO(contacts model): last_engaged_on needs a column on people and in snapshot_of.
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


async def _unsubscribe(engine: AsyncEngine, event: MailEventV1) -> None:
    """As the one-click link: its own transaction, harmless to repeat ("already")."""
    if event.contact_id is None:
        return
    try:
        await preferences.unsubscribe(
            engine, event.contact_id, method="unsubscribe", at=event.occurred_at
        )
    except NotFound:
        return


async def apply_survey_response(conn: AsyncConnection, event: ResponseSubmittedV1) -> None:
    """Identified responses only: an anonymous one carries no contact id and stays so."""
    if event.contact_id is None or await people.get(conn, event.contact_id) is None:
        return
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


async def store_staff_action(conn: AsyncConnection, event: StaffActionV1) -> None:
    await audit.add(
        conn,
        service=event.service,
        actor_id=event.actor_id,
        actor_role=event.actor_role,
        action=event.action,
        target_type=event.target_type,
        target_id=event.target_id,
        details=event.details,
        occurred_at=event.occurred_at,
    )
