"""Visit requests: the public form files one, staff move it through the queue.

The request is linked to an organisation (found by name, else created for review like the
signup does) and to a person (found by email, else created pending and WITHOUT any consent:
asking for a visit is not subscribing to anything). Each step is on the person's timeline
and on contacts.events.v1. The use cases take contacts' unit of work (`uow.visits` and the
people, organisation, event and audit repositories), so their rules run on the in-memory fake.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from urllib.parse import urlencode

from contacts.audit.domain import Actor
from contacts.errors import Conflict, NotFound
from contacts.organisations.domain.organisation import Organisation
from contacts.people.domain.person import Person
from contacts.topics.domain import Topic
from contacts.unit_of_work import ContactsUnitOfWork
from contacts.visits.domain import VisitAction, VisitForm, VisitRequest, event_draft
from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED

SOURCE = "/digituki/contacts/visits"


@dataclass(frozen=True)
class VisitMail:
    """Who hears of a new request besides the requester, and where staff find the queue."""

    notify: tuple[str, ...] = ()
    notify_language: str = "fi"
    queue_url: str = ""


@dataclass(frozen=True)
class FormChoices:
    """What the public form offers: the topics and the organisations' names to suggest."""

    topics: list[Topic]
    organisation_names: list[str]


async def form_choices(uow: ContactsUnitOfWork, *, lang: str) -> FormChoices:
    """The form's choices in one transaction, the names in `lang`'s order."""
    async with uow:
        return FormChoices(
            topics=await uow.topics.all_topics(),
            organisation_names=await uow.organisations.active_names(lang=lang),
        )


def _mail(uow: ContactsUnitOfWork, key: str, data: MailRequestedV1, subject: uuid.UUID) -> None:
    event = new_event(source=SOURCE, data=data, subject=str(subject))
    uow.publish(MAIL_REQUESTED.name, key, event)


def _request_mails(
    uow: ContactsUnitOfWork, visit: VisitRequest, person: Person, mail: VisitMail
) -> None:
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


async def _organisation_for(uow: ContactsUnitOfWork, name: str) -> Organisation:
    org = await uow.organisations.by_name(name)
    if org is None:  # a new name waits for staff review, as on /join
        org = Organisation.new(name=name, status="pending_review")
        await uow.organisations.add(org)
    return org


async def _person_for(uow: ContactsUnitOfWork, form: VisitForm) -> Person:
    """The known person untouched (nobody edits others by typing their address), else a new one."""
    person = await uow.people.find_by_email(form.email, for_update=True)
    if person is not None:
        return person
    first, last = form.first_and_last_name
    person = Person.new(email=form.email, first_name=first, last_name=last, language=form.language)
    try:
        await uow.people.add(person)
    except Conflict:  # the same address arrived at this very moment
        found = await uow.people.find_by_email(form.email, for_update=True)
        if found is None:
            raise
        return found
    await uow.events.publish_snapshot(person)
    return person


async def request_visit(
    uow: ContactsUnitOfWork,
    form: VisitForm,
    *,
    at: datetime | None = None,
    mail: VisitMail | None = None,
) -> uuid.UUID:
    at = at or datetime.now(UTC)
    async with uow:
        org = await _organisation_for(uow, form.organisation)
        person = await _person_for(uow, form)
        visit = VisitRequest(
            uuid.uuid4(), form, created_at=at, organisation_id=org.id, person_id=person.id
        )
        await uow.visits.add(visit)
        await uow.events.record_activity(
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
    uow: ContactsUnitOfWork,
    visit_id: uuid.UUID,
    action: VisitAction,
    *,
    actor: Actor,
    note: str = "",
    at: datetime | None = None,
) -> VisitRequest:
    """Agree, complete or decline (or only keep a note); audited, and on the timeline."""
    at = at or datetime.now(UTC)
    async with uow:
        visit = await uow.visits.get(visit_id, for_update=True)
        if visit is None:
            raise NotFound("No such visit request.")
        after = visit.acted(action, at=at, by=actor.id, note=note)
        await uow.visits.save_state(after)
        if after.state != visit.state and after.person_id is not None:
            await uow.events.record_activity(
                after.person_id,
                f"visit_{after.state}",
                {"visit_id": str(visit_id), "organisation_id": str(after.organisation_id)},
                at=at,
            )
        await uow.audit.record(
            actor, f"visit.{action}", target_type="visit_request", target_id=str(visit_id)
        )
        await uow.commit()
    return after


@dataclass(frozen=True)
class Queue:
    visits: list[VisitRequest]
    # Per agreed visit, the query of the events service's new-event form filled from it.
    event_drafts: dict[uuid.UUID, str]


async def queue(
    uow: ContactsUnitOfWork, *, state: str | None = None, with_event_drafts: bool = False
) -> Queue:
    """Newest first; editors also get, for each agreed visit, the link to publish it as an
    event (with its organisation's municipality)."""
    async with uow:
        visits = await uow.visits.listed(state=state)
        drafts: dict[uuid.UUID, str] = {}
        for visit in visits if with_event_drafts else []:
            if visit.state != "agreed":
                continue
            org = (
                await uow.organisations.get(visit.organisation_id)
                if visit.organisation_id
                else None
            )
            drafts[visit.id] = urlencode(
                event_draft(visit, municipality=org.municipality if org else None)
            )
    return Queue(visits, drafts)
