"""Partners add their own events to a series (Digitaitoviikko): a public form, verified by a
link mailed to the sender (like /join), then approved or declined by staff.

A submission is stored as an event in state `submitted`; the link makes it `pending` (shown
to staff); staff publish it (`catalog.service.publish_event`) or decline it. Nothing of it is
public or leaves on `events.event.v1` before it is published."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any, Literal

from events import SOURCE
from events.catalog.domain import Event, EventDetails, pick
from events.errors import InvalidInput, NotFound
from events.registration.domain import Registrant
from events.registration.service import when
from events.unit_of_work import EventsUnitOfWork
from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.tokens import TokenError, TokenKeys, sign, verify

PURPOSE = "event-submission"


@dataclass(frozen=True)
class SubmissionLinks:
    keys: TokenKeys
    base_url: str
    max_age_s: int = 14 * 86_400

    def verify_url(self, event_id: uuid.UUID) -> str:
        token = sign(self.keys, PURPOSE, str(event_id))
        return f"{self.base_url.rstrip('/')}/events/submissions/{token}"

    def event_of(self, token: str) -> uuid.UUID:
        try:
            return uuid.UUID(str(verify(self.keys, PURPOSE, token, max_age_s=self.max_age_s)))
        except (TokenError, ValueError) as exc:
            raise NotFound("the link is not valid") from exc


async def submit_event(
    uow: EventsUnitOfWork,
    *,
    series_slug: str,
    details: EventDetails,
    submitter: Registrant,
    links: SubmissionLinks,
) -> Event:
    """Stored unverified; the sender gets the link that confirms it."""
    person = submitter.checked()
    if not details.organiser.strip():
        raise InvalidInput("the organising organisation", field="organiser")
    async with uow:
        series = await uow.series.by_slug(series_slug)
        if series is None:
            raise NotFound("no such series")
        # A partner never chooses a feedback survey: staff do, on the event's form.
        checked = replace(
            details,
            kind="digitaitoviikko",
            series_id=series.id,
            feedback_survey_id=None,
            feedback_anonymous=True,
        ).checked()
        event = Event(id=uuid.uuid4(), details=checked, state="submitted")
        await uow.events.add(event, submitter=(person.name, person.email), language=person.language)
        data = MailRequestedV1(
            idempotency_key=f"event-submission:{event.id}",
            template_key="event_submission_verify",
            language=person.language,  # checked: fi, sv or en
            to_email=person.email,
            to_name=person.name,
            variables={
                "name": person.name,
                "event_title": pick(checked.title, person.language),
                "series_name": pick(series.name, person.language),
                "verify_url": links.verify_url(event.id),
            },
            origin="transactional",
            origin_id=f"event-submission:{event.id}",
        )
        uow.publish(
            MAIL_REQUESTED.name,
            str(event.id),
            new_event(source=SOURCE, data=data, subject=str(event.id)),
        )
        await uow.commit()
        return event


async def submission_for_link(
    uow: EventsUnitOfWork, *, token: str, links: SubmissionLinks
) -> Event:
    event_id = links.event_of(token)
    async with uow:
        event = await uow.events.get(event_id)
    if event is None:
        raise NotFound("the link is not valid")
    return event


async def verify_submission(uow: EventsUnitOfWork, *, token: str, links: SubmissionLinks) -> Event:
    """The sender's link: submitted -> pending (twice = once; later states stay)."""
    event_id = links.event_of(token)
    async with uow:
        current = await uow.events.get(event_id, for_update=True)
        if current is None:
            raise NotFound("the link is not valid")
        event = current.verified()
        if event is not current:
            await uow.events.update(event)
        await uow.commit()
        return event


def tell_submitter(
    uow: EventsUnitOfWork,
    *,
    event: Event,
    submitter: tuple[str, str, str],
    series_name: dict[str, str] | None,
    verdict: Literal["approved", "declined"],
    event_url: str = "",
    reason: str = "",
) -> None:
    """Inside the approving or declining use case: the partner hears it by mail, in the
    language of the form they used (once per event and verdict)."""
    name, email, lang = submitter
    lang = lang if lang in ("fi", "sv", "en") else "fi"
    variables: dict[str, Any] = {
        "name": name,
        "event_title": pick(event.details.title, lang),
        "series_name": pick(series_name or {}, lang),
    }
    if verdict == "approved":
        variables |= {"event_when": when(event, lang), "event_url": f"{event_url}?lang={lang}"}
    else:
        variables["reason"] = reason
    data = MailRequestedV1(
        idempotency_key=f"event-submission:{event.id}:{verdict}",
        template_key=f"event_submission_{verdict}",
        language=lang,
        to_email=email,
        to_name=name,
        variables=variables,
        origin="transactional",
        origin_id=f"event-submission:{event.id}",
        origin_label=pick(event.details.title, "fi"),
    )
    uow.publish(
        MAIL_REQUESTED.name,
        str(event.id),
        new_event(source=SOURCE, data=data, subject=str(event.id)),
    )


def submitter_fields(form: dict[str, Any]) -> Registrant:
    return Registrant(
        name=str(form.get("submitter_name", "")),
        email=str(form.get("submitter_email", "")),
        language=str(form.get("lang", "fi")),
    )
