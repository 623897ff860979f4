"""Use cases of registration: register (a seat or the waiting list), cancel by the personal
link, promote the first ones waiting, and the mails each step requests.

Capacity holds under concurrency because every use case that changes who holds a seat first
locks the event's row (`SELECT ... FOR UPDATE`): registrations of one event are counted and
written one transaction after another, registrations of different events do not wait.
Mails go to the newsletter's one pipeline as `mail.requested.v1`, through the outbox.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Literal

from babel.dates import format_datetime

from events import SOURCE
from events.audit import audit
from events.calendar.domain import CalendarEntry, Method, calendar, ics_filename
from events.catalog.domain import HELSINKI, Event, pick
from events.errors import Conflict, NotFound
from events.registration.domain import Registrant, place_for, registrations_csv, to_promote
from events.unit_of_work import EventsUnitOfWork
from shared.events.envelope import new_event
from shared.events.events import RegistrationChange, RegistrationChangedV1
from shared.events.mail import MailAttachment, MailRequestedV1
from shared.events.newsletter_signup import NewsletterSignupRequestedV1
from shared.events.topics import EVENT_NEWSLETTER_SIGNUPS, EVENT_REGISTRATIONS, MAIL_REQUESTED
from shared.places import places
from shared.tokens import TokenError, TokenKeys, sign, verify

CANCEL_PURPOSE = "event-cancel"
BABEL = {"fi": "fi_FI", "sv": "sv_FI", "en": "en_GB"}


@dataclass(frozen=True)
class Links:
    keys: TokenKeys
    base_url: str
    max_age_s: int = 400 * 86_400
    # ORGANIZER of the .ics: the address the mails come from (EVENTS_CALENDAR_ORGANISER).
    organiser: str = ""

    def event(self, event_id: uuid.UUID) -> str:
        return f"{self.base_url.rstrip('/')}/events/{event_id}"

    def cancel(self, registration_id: uuid.UUID) -> str:
        token = sign(self.keys, CANCEL_PURPOSE, str(registration_id))
        return f"{self.base_url.rstrip('/')}/events/cancel/{token}"

    def registration_of(self, token: str) -> uuid.UUID:
        try:
            return uuid.UUID(
                str(verify(self.keys, CANCEL_PURPOSE, token, max_age_s=self.max_age_s))
            )
        except (TokenError, ValueError) as exc:
            raise NotFound("the link is not valid") from exc


Outcome = Literal["registered", "waitlisted", "received"]


def when(event: Event, lang: str) -> str:
    """E.g. "ma 4.10.2027 09:00–11:00" in Finnish time, weekday in the reader's language."""
    start = event.details.starts_at.astimezone(HELSINKI)
    end = event.details.ends_at.astimezone(HELSINKI)
    locale = BABEL.get(lang, "fi_FI")
    pattern = "EEE d.M.yyyy HH:mm"
    first = format_datetime(start, pattern, tzinfo=HELSINKI, locale=locale)
    if start.date() == end.date():
        return f"{first}–{format_datetime(end, 'HH:mm', tzinfo=HELSINKI, locale=locale)}"
    return f"{first} – {format_datetime(end, pattern, tzinfo=HELSINKI, locale=locale)}"


def place(event: Event, lang: str) -> str:
    d = event.details
    if d.online:
        return {"fi": "Verkossa", "sv": "På nätet", "en": "Online"}.get(lang, "Online")
    town = places().municipality_name(d.municipality, lang)
    return ", ".join(p for p in (d.address, town) if p)


def calendar_entry(event: Event, links: Links, lang: str = "fi") -> CalendarEntry:
    """The event as the .ics download and the feed show it (Finnish texts) and as a mail
    attaches it (in the reader's language, `lang`)."""
    d = event.details
    return CalendarEntry(
        uid=event.id,
        version=event.version,
        title=pick(d.title, lang),
        description=pick(d.description, lang),
        starts_at=d.starts_at,
        ends_at=d.ends_at,
        # The join link stays with the registrants' mail text: the calendar shows "online".
        location=place(event, lang),
        url=links.event(event.id),
        cancelled=event.state == "cancelled",
    )


def ics_attachment(
    event: Event,
    links: Links,
    *,
    method: Method,
    lang: str = "fi",
    now: datetime | None = None,
) -> MailAttachment:
    """The event's .ics for a mail: the download's entry in the reader's language (the same
    UID, so a calendar updates it), PUBLISH or CANCEL."""
    text = calendar(
        [calendar_entry(event, links, lang)],
        name="Digituki",
        stamp=now or datetime.now(UTC),
        method=method,
        organizer=links.organiser,
    )
    return MailAttachment.of(ics_filename(event.id), "text/calendar", text.encode("utf-8"))


# Which mails carry the event's .ics, and with which method (docs/events.md "Mails").
ICS_METHOD: dict[str, Method] = {
    "event_confirmation": "PUBLISH",
    "event_promoted": "PUBLISH",
    "event_changed": "PUBLISH",
    "event_cancelled": "CANCEL",
}


def request_mail(
    uow: EventsUnitOfWork,
    *,
    template: str,
    event: Event,
    row: Any,
    links: Links,
    key: str,
    seat: bool,
) -> None:
    lang = row.language if row.language in BABEL else "fi"
    variables: dict[str, Any] = {
        "name": row.name,
        "event_title": pick(event.details.title, lang),
        "event_when": when(event, lang),
        "event_place": place(event, lang),
        "event_url": f"{links.event(event.id)}?lang={lang}",
        "ics_url": f"{links.event(event.id)}/event.ics",
        "cancel_url": links.cancel(row.id),
        # The join link only to those holding a seat, never to the waiting list.
        "join_url": (event.details.join_url or "") if seat else "",
    }
    data = MailRequestedV1(
        idempotency_key=key,
        template_key=template,
        language=lang,
        to_email=row.email,
        to_name=row.name,
        contact_id=row.contact_id,
        variables=variables,
        origin="transactional",
        origin_id=f"event-registration:{row.id}",
        origin_label=pick(event.details.title, "fi"),
        # A calendar entry only for a seat (a changed event also reaches the waiting list,
        # who get the news without an entry), and its cancellation to those who held one.
        attachments=(
            (ics_attachment(event, links, method=ICS_METHOD[template], lang=lang),)
            if template in ICS_METHOD and (seat or row.state == "registered")
            else ()
        ),
    )
    uow.publish(
        MAIL_REQUESTED.name, str(row.id), new_event(source=SOURCE, data=data, subject=str(row.id))
    )


def publish_change(
    uow: EventsUnitOfWork, event: Event, row: Any, change: RegistrationChange, now: datetime
) -> None:
    data = RegistrationChangedV1(
        registration_id=row.id,
        event_id=event.id,
        change=change,
        occurred_at=now,
        contact_id=row.contact_id,
        series_id=event.details.series_id,
        event_kind=event.details.kind,  # checked against KINDS
    )
    uow.publish(
        EVENT_REGISTRATIONS.name,
        str(event.id),
        new_event(source=SOURCE, data=data, subject=str(event.id)),
    )


async def register(
    uow: EventsUnitOfWork,
    *,
    event_id: uuid.UUID,
    registrant: Registrant,
    links: Links,
    now: datetime | None = None,
    newsletter: bool = False,
) -> Outcome:
    """A seat while there is one, else the waiting list. Someone registered already gets the
    same answer as a newcomer ("received") and their confirmation again, so the page never
    tells a stranger whether an address is registered. `newsletter`: the person ticked
    "also subscribe", asked of contacts in the same transaction (either way alike)."""
    now = now or datetime.now(UTC)
    person = registrant.checked()
    async with uow:
        event = await uow.events.get(event_id, for_update=True)
        if event is None or event.state != "published":
            raise NotFound("no such event")
        if event.registration_state(now) != "open":
            raise Conflict("registration is not open")
        existing = await uow.registrations.live_of(event_id, person.email)
        if existing is not None:
            template = (
                "event_confirmation" if existing.state == "registered" else "event_waitlisted"
            )
            request_mail(
                uow,
                template=template,
                event=event,
                row=existing,
                links=links,
                key=f"event-registration:{existing.id}:again:{now.date().isoformat()}",
                seat=existing.state == "registered",
            )
            if newsletter:
                ask_for_newsletter(uow, event, existing, now)
            await uow.commit()
            return "received"
        registered = await uow.registrations.count_registered(event_id)
        state = place_for(event.details.capacity, registered)
        registration_id = uuid.uuid4()
        contact_id = await uow.registrations.known_person(person.email)
        await uow.registrations.add(
            registration_id=registration_id,
            event_id=event_id,
            state=state,
            registrant=person,
            contact_id=contact_id,
            now=now,
        )
        row = await uow.registrations.get(registration_id)
        publish_change(uow, event, row, state, now)
        request_mail(
            uow,
            template="event_confirmation" if state == "registered" else "event_waitlisted",
            event=event,
            row=row,
            links=links,
            key=f"event-registration:{registration_id}:{state}",
            seat=state == "registered",
        )
        if newsletter:
            ask_for_newsletter(uow, event, row, now)
        await uow.commit()
        return state


def ask_for_newsletter(uow: EventsUnitOfWork, event: Event, row: Any, now: datetime) -> None:
    """Contacts runs /join's double opt-in for this address (events.newsletter-signup.v1)."""
    data = NewsletterSignupRequestedV1(
        email=row.email,
        name=row.name,
        language=row.language if row.language in BABEL else "fi",
        organisation=row.organisation or "",
        registration_id=row.id,
        event_id=event.id,
        requested_at=now,
    )
    uow.publish(
        EVENT_NEWSLETTER_SIGNUPS.name,
        str(row.id),
        new_event(source=SOURCE, data=data, subject=str(row.id)),
    )


async def fill_free_seats(uow: EventsUnitOfWork, event: Event, now: datetime, links: Links) -> int:
    """Inside a use case that holds the event's row lock: the first ones waiting take the
    free seats, each told by mail. Returns how many moved up."""
    if event.state != "published":
        return 0
    registered = await uow.registrations.count_registered(event.id)
    waiting = await uow.registrations.waiting(event.id)
    promoted = await uow.registrations.set_state(
        to_promote(event.details.capacity, registered, waiting), "registered", now
    )
    for row in promoted:
        publish_change(uow, event, row, "promoted", now)
        request_mail(
            uow,
            template="event_promoted",
            event=event,
            row=row,
            links=links,
            key=f"event-registration:{row.id}:promoted",
            seat=True,
        )
    return len(promoted)


async def cancel_registration(
    uow: EventsUnitOfWork, *, token: str, links: Links, now: datetime | None = None
) -> Event:
    """The personal link cancels; a freed seat goes to the first one waiting. Twice = once."""
    now = now or datetime.now(UTC)
    registration_id = links.registration_of(token)
    async with uow:
        row = await uow.registrations.get(registration_id)
        if row is None:
            raise NotFound("the link is not valid")
        event = await uow.events.get(row.event_id, for_update=True)
        if event is None:
            raise NotFound("the link is not valid")
        if row.state != "cancelled":
            (cancelled,) = await uow.registrations.set_state([row.id], "cancelled", now)
            publish_change(uow, event, cancelled, "cancelled", now)
            await fill_free_seats(uow, event, now, links)
        await uow.commit()
        return event


async def registration_for_link(
    uow: EventsUnitOfWork, *, token: str, links: Links
) -> tuple[Any, Event]:
    registration_id = links.registration_of(token)
    async with uow:
        row = await uow.registrations.get(registration_id)
        event = await uow.events.get(row.event_id) if row is not None else None
    if row is None or event is None:
        raise NotFound("the link is not valid")
    return row, event


async def tell_cancelled(uow: EventsUnitOfWork, event: Event, links: Links) -> None:
    """Inside the cancelling use case: every live registrant gets the cancellation notice."""
    for row in await uow.registrations.of_event(event.id):
        if row.state == "cancelled":
            continue
        request_mail(
            uow,
            template="event_cancelled",
            event=event,
            row=row,
            links=links,
            key=f"event-cancelled:{event.id}:{row.id}",
            seat=False,
        )


async def tell_changed(uow: EventsUnitOfWork, event: Event, links: Links) -> None:
    """Inside the editing use case: the new time or place to every live registrant (the
    join link only to seat holders); one mail per registrant and version of the event."""
    for row in await uow.registrations.of_event(event.id):
        if row.state == "cancelled":
            continue
        request_mail(
            uow,
            template="event_changed",
            event=event,
            row=row,
            links=links,
            key=f"event-changed:{event.id}:{event.version}:{row.id}",
            seat=row.state == "registered",
        )


async def registrations_of(uow: EventsUnitOfWork, event_id: uuid.UUID) -> list[Any]:
    async with uow:
        return await uow.registrations.of_event(event_id)


async def counts_of(uow: EventsUnitOfWork, event_id: uuid.UUID) -> dict[str, int]:
    async with uow:
        return await uow.registrations.counts(event_id)


async def export_rows(
    uow: EventsUnitOfWork,
    *,
    event_id: uuid.UUID,
    actor_id: str,
    actor_role: str,
    file_format: Literal["csv", "xlsx"] = "csv",
) -> list[dict[str, str]]:
    """The event's registrations for a file (personal data: every export is audited, with
    its format and row count)."""
    async with uow:
        event = await uow.events.get(event_id)
        if event is None:
            raise NotFound("no such event")
        rows = await uow.registrations.of_event(event_id)
        audit(
            uow,
            actor_id=actor_id,
            actor_role=actor_role,
            action="event.registrations.exported",
            target_type="event",
            target_id=str(event_id),
            details={"rows": len(rows), "format": file_format},
        )
        await uow.commit()
    return [
        {
            "name": r.name,
            "email": r.email,
            "organisation": r.organisation,
            "accessibility_needs": r.accessibility_needs,
            "language": r.language,
            "state": r.state,
            "registered_at": r.created_at.astimezone(HELSINKI).strftime("%Y-%m-%d %H:%M"),
            "attended": "yes" if r.attended_at else "no",
        }
        for r in rows
    ]


async def export_registrations(
    uow: EventsUnitOfWork, *, event_id: uuid.UUID, actor_id: str, actor_role: str
) -> bytes:
    """The event's registrations as CSV (audited)."""
    return registrations_csv(
        await export_rows(uow, event_id=event_id, actor_id=actor_id, actor_role=actor_role)
    )
