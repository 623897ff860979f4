"""After an event: a personal invitation to its feedback survey for each attendee the events
service asks for (`events.feedback_requested.v1`), mailed through the campaigns' invitation
mail in the attendee's language and naming the event.

Each event gets one campaign at its first request: launched at once with the survey frozen,
no audience of its own (`{"any": []}`), no reminders, open until `feedback_days` after the
event's end, in the mode the event chose (anonymous by default). Runs in the consumer's
transaction (with its inbox row): the invitation, its mail request and the event's new
counts commit together.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Literal

from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events.envelope import CloudEvent
from shared.events.events import FeedbackRequestedV1
from shared.outbox.writer import add_to_outbox
from surveys.builder import repository as survey_rows
from surveys.builder.domain.readiness import unfinished_questions
from surveys.builder.domain.survey import parse_survey
from surveys.campaigns import repository as campaign_rows
from surveys.campaigns.domain import Campaign, new_campaign
from surveys.campaigns.service import Links, request_mails
from surveys.event_feedback import domain
from surveys.event_feedback import repository as rows
from surveys.event_feedback.counts import publish_counts
from surveys.invitations.domain import Invitee
from surveys.tables import outbox

log = logging.getLogger(__name__)

Outcome = Literal[
    "invited", "already", "erased", "unreachable", "no_address", "no_survey", "not_ready", "closed"
]
NO_AUDIENCE: dict[str, list[object]] = {"any": []}


class Queue:
    """Events this transaction publishes (written to the outbox at the end)."""

    def __init__(self) -> None:
        self.messages: list[tuple[str, str | None, CloudEvent]] = []

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None:
        self.messages.append((topic, key, event))


async def _campaign(
    conn: AsyncConnection, request: FeedbackRequestedV1, *, days: int, now: datetime
) -> Campaign | Outcome:
    """The event's feedback campaign, made and launched at its first request."""
    found = await rows.feedback_of_event(conn, request.event_id, for_update=True)
    if found is not None:
        existing = await campaign_rows.get_campaign(conn, found.campaign_id)
        assert existing is not None  # a foreign key keeps it
        return existing[0]
    survey = await survey_rows.get_survey(conn, request.survey_id)
    if survey is None:
        return "no_survey"
    if unfinished_questions(parse_survey(survey["definition"])):
        return "not_ready"
    opens, closes = domain.feedback_window(ends_at=request.event_ends_at, now=now, days=days)
    campaign = new_campaign(
        survey_id=request.survey_id,
        name=domain.campaign_name(request.event_title),
        mode="anonymous" if request.anonymous else "identified",
        opens_at=opens,
        closes_at=closes,
        audience=NO_AUDIENCE,
        max_reminders=0,
        reminder_interval_days=7,
    )
    campaign = replace(campaign, invitation=domain.invitation_texts(request.event_title))
    campaign = campaign.launched(survey_definition=survey["definition"], now=now)
    await campaign_rows.add_campaign(conn, campaign)
    assert campaign.launched_at is not None and campaign.survey_definition is not None
    await campaign_rows.mark_launched(
        conn, campaign.id, campaign.survey_definition, campaign.launched_at
    )
    added = await rows.add_feedback(
        conn, event_id=request.event_id, campaign_id=campaign.id, survey_id=request.survey_id
    )
    if not added:  # another transaction made it first: ours rolls back with this one
        raise RuntimeError("the event's feedback campaign was made meanwhile; retry")
    return campaign


async def invite_attendee(
    conn: AsyncConnection,
    request: FeedbackRequestedV1,
    *,
    links: Links,
    days: int,
    now: datetime | None = None,
) -> Outcome:
    """Invite the request's attendee (once per registration) and request their mail."""
    now = now or datetime.now(UTC)
    campaign = await _campaign(conn, request, days=days, now=now)
    if isinstance(campaign, str):
        log.warning("event feedback not sent", extra={"reason": campaign})
        return campaign
    if campaign.state(now) == "closed":
        return "closed"
    if request.contact_id is not None:
        known = await rows.known_by_id(conn, request.contact_id)
    else:
        known = await rows.known_by_email(conn, request.email)
    address = request.email.strip().lower()
    decision = domain.recipient(
        email=address,
        name=request.name,
        language=request.language,
        known=known,
        address_bounced=known is None and await rows.address_bounced(conn, address),
    )
    if isinstance(decision, str):
        return decision
    nonce = rows.new_nonce()
    invitation_id = await rows.invite(
        conn,
        campaign_id=campaign.id,
        registration_id=request.registration_id,
        recipient=decision,
        nonce=nonce,
        now=now,
    )
    if invitation_id is None:
        return "already"
    queue = Queue()
    invitee = Invitee(
        id=invitation_id,
        nonce=nonce,
        contact_id=decision.contact_id,
        email=decision.email,
        first_name=decision.first_name,
        last_name=decision.last_name,
        language=decision.language,
    )
    request_mails(queue, campaign, [invitee], links, template="survey_invitation")
    counts = await rows.count(conn, event_id=request.event_id, invited=1)
    publish_counts(queue, counts, anonymous=campaign.anonymous)
    await add_to_outbox(conn, outbox, service="surveys", messages=queue.messages)
    return "invited"
