"""After an event: a personal invitation to its feedback survey for each attendee the events
service asks for (`events.feedback_requested.v1`), mailed through the campaigns' invitation
mail in the attendee's language and naming the event.

Each event gets one campaign at its first request: launched at once with the survey frozen,
no audience of its own (`{"any": []}`), no reminders, open until `feedback_days` after the
event's end, in the mode the event chose (anonymous by default). Runs on the consumer's
unit of work (with its inbox row): the invitation, its mail request and the event's new
counts commit together.
"""

from __future__ import annotations

import logging
from dataclasses import replace
from datetime import UTC, datetime
from typing import Literal

from shared.events.events import FeedbackRequestedV1
from surveys.builder.domain.readiness import unfinished_questions
from surveys.campaigns.domain import Campaign, new_campaign
from surveys.campaigns.service import Links, request_mails
from surveys.event_feedback import domain
from surveys.event_feedback import repository as rows
from surveys.event_feedback.counts import publish_counts
from surveys.invitations.domain import Invitee
from surveys.unit_of_work import SurveysUnitOfWork

log = logging.getLogger(__name__)

Outcome = Literal[
    "invited", "already", "erased", "unreachable", "no_address", "no_survey", "not_ready", "closed"
]
NO_AUDIENCE: dict[str, list[object]] = {"any": []}


async def _campaign(
    uow: SurveysUnitOfWork, request: FeedbackRequestedV1, *, days: int, now: datetime
) -> Campaign | Outcome:
    """The event's feedback campaign, made and launched at its first request."""
    found = await uow.event_feedback.feedback_of_event(request.event_id, for_update=True)
    if found is not None:
        existing = await uow.campaigns.get(found.campaign_id)
        assert existing is not None  # a foreign key keeps it
        return existing
    survey = await uow.surveys.get(request.survey_id)
    if survey is None:
        return "no_survey"
    if unfinished_questions(survey.survey):
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
    campaign = campaign.launched(survey_definition=survey.definition, now=now)
    await uow.campaigns.add(campaign)
    await uow.campaigns.save_launch(campaign)
    added = await uow.event_feedback.add_feedback(
        event_id=request.event_id, campaign_id=campaign.id, survey_id=request.survey_id
    )
    if not added:  # another transaction made it first: ours rolls back with this one
        raise RuntimeError("the event's feedback campaign was made meanwhile; retry")
    return campaign


async def invite_attendee(
    uow: SurveysUnitOfWork,
    *,
    request: FeedbackRequestedV1,
    links: Links,
    days: int,
    now: datetime | None = None,
) -> Outcome:
    """Invite the request's attendee (once per registration) and request their mail."""
    now = now or datetime.now(UTC)
    async with uow:
        outcome = await _invite(uow, request, links=links, days=days, now=now)
        await uow.commit()  # a campaign made for a request left out is kept too
    return outcome


async def _invite(
    uow: SurveysUnitOfWork,
    request: FeedbackRequestedV1,
    *,
    links: Links,
    days: int,
    now: datetime,
) -> Outcome:
    campaign = await _campaign(uow, request, days=days, now=now)
    if isinstance(campaign, str):
        log.warning("event feedback not sent", extra={"reason": campaign})
        return campaign
    if campaign.state(now) == "closed":
        return "closed"
    feedback = uow.event_feedback
    if request.contact_id is not None:
        known = await feedback.known_by_id(request.contact_id)
    else:
        known = await feedback.known_by_email(request.email)
    address = request.email.strip().lower()
    decision = domain.recipient(
        email=address,
        name=request.name,
        language=request.language,
        known=known,
        address_bounced=known is None and await feedback.address_bounced(address),
    )
    if isinstance(decision, str):
        return decision
    nonce = rows.new_nonce()
    invitation_id = await feedback.invite(
        campaign_id=campaign.id,
        registration_id=request.registration_id,
        recipient=decision,
        nonce=nonce,
        now=now,
    )
    if invitation_id is None:
        return "already"
    invitee = Invitee(
        id=invitation_id,
        nonce=nonce,
        contact_id=decision.contact_id,
        email=decision.email,
        first_name=decision.first_name,
        last_name=decision.last_name,
        language=decision.language,
    )
    request_mails(uow, campaign, [invitee], links, template="survey_invitation")
    counts = await feedback.count(event_id=request.event_id, invited=1)
    publish_counts(uow, counts, anonymous=campaign.anonymous)
    return "invited"
