"""Visit requests: the public form files one, staff move it through the queue.

The request is linked to an organisation (found by name, else created for review like the
signup does) and to a person (found by email, else created pending and WITHOUT any consent:
asking for a visit is not subscribing to anything). Each step is on the person's timeline
and on contacts.events.v1.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.errors import Conflict, NotFound
from contacts.organisations import repository as organisations
from contacts.organisations.domain.organisation import Organisation
from contacts.people import repository as people
from contacts.people.domain.person import Person
from contacts.snapshots import publish_snapshot, record_activity
from contacts.unit_of_work import unit_of_work
from contacts.visits import repository as store
from contacts.visits.domain import VisitAction, VisitForm, VisitRequest, event_draft
from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.outbox.unit_of_work import UnitOfWork

SOURCE = "/digituki/contacts/visits"


@dataclass(frozen=True)
class VisitMail:
    """Who hears of a new request besides the requester, and where staff find the queue."""

    notify: tuple[str, ...] = ()
    notify_language: str = "fi"
    queue_url: str = ""


def _mail(uow: UnitOfWork, key: str, data: MailRequestedV1, subject: uuid.UUID) -> None:
    event = new_event(source=SOURCE, data=data, subject=str(subject))
    uow.publish(MAIL_REQUESTED.name, key, event)


def _request_mails(uow: UnitOfWork, visit: VisitRequest, person: Person, mail: VisitMail) -> None:
    """An acknowledgement to the requester (fixed words only: the form cannot make us mail
    someone a stranger's text) and a notification with the details to staff."""
    form = visit.form
    _mail(
        uow,
        str(person.id),
        MailRequestedV1(
            idempotency_key=f"visit-acknowledgement:{visit.id}",
            template_key="visit_acknowledgement",
            language=form.language,
            to_email=person.email,
            to_name=form.contact_name,
            contact_id=person.id,
            origin="transactional",
            origin_id=f"visit:{visit.id}",
        ),
        person.id,
    )
    details = {
        "organisation": form.organisation,
        "contact_name": form.contact_name,
        "email": form.email,
        "phone": form.phone or "",
        "topic": form.topic or "",
        "wished_dates": form.wished_dates,
        "audience_size": "" if form.audience_size is None else str(form.audience_size),
        "message": form.message,
        "queue_url": mail.queue_url,
    }
    for address in mail.notify:
        _mail(
            uow,
            str(visit.id),
            MailRequestedV1(
                idempotency_key=f"visit-notification:{visit.id}:{address}",
                template_key="visit_notification",
                language=mail.notify_language,
                to_email=address,
                variables=details,
                origin="transactional",
                origin_id=f"visit:{visit.id}",
            ),
            visit.id,
        )


async def _organisation_for(uow: UnitOfWork, name: str) -> Organisation:
    org = await organisations.by_name(uow.conn, name)
    if org is None:  # a new name waits for staff review, as on /join
        org = Organisation.new(name=name, status="pending_review")
        await organisations.add(uow.conn, org)
    return org


async def _person_for(uow: UnitOfWork, form: VisitForm) -> Person:
    """The known person untouched (nobody edits others by typing their address), else a new one."""
    person = await people.find_by_email(uow.conn, form.email, for_update=True)
    if person is not None:
        return person
    first, last = form.first_and_last_name
    person = Person.new(email=form.email, first_name=first, last_name=last, language=form.language)
    try:
        await people.add(uow.conn, person)
    except Conflict:  # the same address arrived at this very moment
        found = await people.find_by_email(uow.conn, form.email, for_update=True)
        if found is None:
            raise
        return found
    await publish_snapshot(uow, person)
    return person


async def request_visit(
    engine: AsyncEngine,
    form: VisitForm,
    *,
    at: datetime | None = None,
    mail: VisitMail | None = None,
) -> uuid.UUID:
    at = at or datetime.now(UTC)
    async with unit_of_work(engine) as uow:
        org = await _organisation_for(uow, form.organisation)
        person = await _person_for(uow, form)
        visit = VisitRequest(
            uuid.uuid4(), form, created_at=at, organisation_id=org.id, person_id=person.id
        )
        await store.add(uow.conn, visit)
        await record_activity(
            uow,
            person.id,
            "visit_requested",
            {
                "visit_id": str(visit.id),
                "organisation_id": str(org.id),
                "organisation": org.name,
                "topic": form.topic,
            },
            at=at,
        )
        _request_mails(uow, visit, person, mail or VisitMail())
        await uow.commit()
    return visit.id


async def act(
    engine: AsyncEngine,
    visit_id: uuid.UUID,
    action: VisitAction,
    *,
    actor: Actor,
    note: str = "",
    at: datetime | None = None,
) -> VisitRequest:
    """Agree, complete or decline (or only keep a note); audited, and on the timeline."""
    at = at or datetime.now(UTC)
    async with unit_of_work(engine) as uow:
        visit = await store.get(uow.conn, visit_id, for_update=True)
        if visit is None:
            raise NotFound("No such visit request.")
        after = visit.acted(action, at=at, by=actor.id, note=note)
        await store.save_state(uow.conn, after)
        if after.state != visit.state and after.person_id is not None:
            await record_activity(
                uow,
                after.person_id,
                f"visit_{after.state}",
                {"visit_id": str(visit_id), "organisation_id": str(after.organisation_id)},
                at=at,
            )
        await audit(
            uow.conn, actor, f"visit.{action}", target_type="visit_request", target_id=str(visit_id)
        )
        await uow.commit()
    return after


async def queue(engine: AsyncEngine, *, state: str | None = None) -> list[VisitRequest]:
    async with engine.connect() as conn:
        return await store.listed(conn, state=state)


async def event_drafts(engine: AsyncEngine, visits: list[VisitRequest]) -> dict[uuid.UUID, str]:
    """For each agreed visit, the query string of the events service's new-event form filled
    from it (the organisation's municipality included): staff publish a visit as an event."""
    drafts: dict[uuid.UUID, str] = {}
    async with engine.connect() as conn:
        for visit in visits:
            if visit.state != "agreed":
                continue
            org = (
                await organisations.get(conn, visit.organisation_id)
                if visit.organisation_id
                else None
            )
            drafts[visit.id] = urlencode(
                event_draft(visit, municipality=org.municipality if org else None)
            )
    return drafts


async def of_organisation(engine: AsyncEngine, organisation_id: uuid.UUID) -> list[VisitRequest]:
    async with engine.connect() as conn:
        return await store.listed(conn, organisation_id=organisation_id)


async def get(engine: AsyncEngine, visit_id: uuid.UUID) -> VisitRequest:
    async with engine.connect() as conn:
        found = await store.get(conn, visit_id)
    if found is None:
        raise NotFound("No such visit request.")
    return found
