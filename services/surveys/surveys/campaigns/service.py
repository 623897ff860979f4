"""Survey campaigns: create, launch (invite the audience), remind non-respondents, progress.

The use cases take the surveys unit of work; `send_due_reminders` is the scheduler's driver,
one transaction per batch."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.logs import correlation_id
from shared.outbox.unit_of_work import Publisher
from shared.tokens import TokenKeys
from surveys import SOURCE
from surveys.audit import audit
from surveys.builder.domain.readiness import shown_text, unfinished_questions, written_languages
from surveys.builder.domain.survey import Survey, parse_survey
from surveys.builder.service import Actor
from surveys.campaigns.domain import Campaign, new_campaign
from surveys.campaigns.invitation_texts import LANGUAGES, compose
from surveys.errors import Conflict, InvalidInput, NotFound
from surveys.invitations.domain import Invitee, make_token, survey_url
from surveys.results.domain import MIN_GROUP, percent
from surveys.unit_of_work import SurveysUnitOfWork


@dataclass(frozen=True, slots=True)
class Links:
    """What a mail needs to carry a personal link."""

    keys: TokenKeys
    base_url: str


async def create_campaign(
    uow: SurveysUnitOfWork,
    *,
    survey_id: uuid.UUID,
    name: str,
    mode: str,
    opens_at: datetime,
    closes_at: datetime,
    audience: dict[str, Any],
    max_reminders: int = 1,
    reminder_interval_days: float = 7,
    segment_ids: Sequence[uuid.UUID] = (),
    open_link: bool = False,
    reminder_interval_hours: float | None = None,
    actor: Actor,
) -> Campaign:
    """With `segment_ids`, the audience is anyone in any of those segments (of the replica)."""
    async with uow:
        chosen: tuple[dict[str, Any], ...] = ()
        if segment_ids:
            found = await uow.segments.by_ids(segment_ids)
            if len(found) != len(set(segment_ids)):
                raise InvalidInput("no such segment", field="segments")
            chosen = tuple(s.as_chosen() for s in found)
            audience = {"any": [s["rule"] for s in chosen]}
        campaign = new_campaign(
            survey_id=survey_id,
            name=name,
            mode=mode,
            opens_at=opens_at,
            closes_at=closes_at,
            audience=audience,
            max_reminders=max_reminders,
            reminder_interval_days=reminder_interval_days,
            segments=chosen,
            open_link=open_link,
            reminder_interval=(
                None
                if reminder_interval_hours is None
                else timedelta(hours=reminder_interval_hours)
            ),
        )
        if await uow.surveys.get(survey_id) is None:
            raise NotFound("No such survey.", field="survey_id")
        await uow.campaigns.add(campaign)
        audit(
            uow,
            actor_id=actor.id,
            actor_role=actor.role,
            action="campaign.created",
            target_type="survey_campaign",
            target_id=str(campaign.id),
        )
        await uow.commit()
    return campaign


async def launch_campaign(
    uow: SurveysUnitOfWork,
    campaign_id: uuid.UUID,
    *,
    links: Links,
    actor: Actor,
    now: datetime | None = None,
) -> int:
    """Freeze the survey, invite everyone in the audience, request their mails. Returns how
    many were invited."""
    now = now or datetime.now(UTC)
    async with uow:
        found = await uow.campaigns.get(campaign_id, for_update=True)
        if found is None:
            raise NotFound("No such campaign.")
        survey = await uow.surveys.get(found.survey_id)
        assert survey is not None  # a foreign key keeps it
        refuse_unfinished(survey.survey)
        campaign = found.launched(survey_definition=survey.definition, now=now)
        await uow.campaigns.save_launch(campaign)
        invited = await uow.invitations.invite_audience(campaign, now)
        request_mails(uow, campaign, invited, links, template="survey_invitation")
        audit(
            uow,
            actor_id=actor.id,
            actor_role=actor.role,
            action="campaign.launched",
            target_type="survey_campaign",
            target_id=str(campaign.id),
            details={"invited": len(invited)},
        )
        await uow.commit()
    return len(invited)


def refuse_unfinished(survey: Survey) -> None:
    """No placeholder question reaches respondents: Conflict naming the first one."""
    unfinished = unfinished_questions(survey)
    if unfinished:
        first = unfinished[0]
        raise Conflict(
            f"Question {first.number} (“{shown_text(first, 'fi')}”) is not written yet: "
            "write it or remove it before launching.",
            field=f"question:{first.question.id}",
        )


async def remind_campaign(
    uow: SurveysUnitOfWork,
    campaign_id: uuid.UUID,
    *,
    links: Links,
    now: datetime,
    limit: int = 1000,
) -> int:
    """Remind up to `limit` non-respondents whose interval has passed (at most `max_reminders`
    each). Rows are claimed with SKIP LOCKED, so several workers may run it. Returns how many
    reminders were requested."""
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        assert campaign is not None and campaign.survey_definition is not None  # launched
        due = await uow.invitations.claim_reminders(campaign, now, limit=limit)
        request_mails(uow, campaign, due, links, template="survey_reminder")
        await uow.commit()
    return len(due)


async def send_due_reminders(
    uow: SurveysUnitOfWork,
    *,
    links: Links,
    now: datetime | None = None,
    batch_size: int = 1000,
) -> int:
    """The scheduler's driver: remind every open campaign, batch by batch (the unit of work
    entered once per batch, so each batch is its own transaction). Returns the number of
    reminders requested."""
    now = now or datetime.now(UTC)
    async with uow:
        ids = await uow.campaigns.due_for_reminders(now)
    sent = 0
    for campaign_id in ids:
        while True:
            batch = await remind_campaign(uow, campaign_id, links=links, now=now, limit=batch_size)
            sent += batch
            if batch < batch_size:
                break
    return sent


def request_mails(
    uow: Publisher,
    campaign: Campaign,
    rows: list[Invitee],
    links: Links,
    *,
    template: str,
) -> None:
    assert campaign.survey_definition is not None  # mails go out only once launched
    survey = parse_survey(campaign.survey_definition)
    spoken = written_languages(survey)
    for row in rows:
        url = survey_url(links.base_url, make_token(row.nonce))
        kind = "invitation" if template == "survey_invitation" else f"reminder:{row.reminders_sent}"
        language = mail_language(row.language, spoken)
        mail = MailRequestedV1(
            idempotency_key=f"survey-{kind}:{row.id}",
            template_key=template,
            language=language,
            to_email=row.email,
            to_name=f"{row.first_name or ''} {row.last_name or ''}".strip(),
            contact_id=row.contact_id,
            variables=invitation_variables(
                campaign, survey, language, row.first_name, url, reminder=kind != "invitation"
            ),
            origin="survey_invitation",
            origin_id=str(row.id),
            origin_label=survey.title.get("fi"),
            origin_group=str(campaign.id),
        )
        uow.publish(
            MAIL_REQUESTED.name,
            str(row.contact_id or row.id),  # an event's attendee may not be a contact
            new_event(
                source=SOURCE,
                data=mail,
                subject=str(campaign.id),
                correlation_id=correlation_id.get(),
            ),
        )


def mail_language(language: str | None, spoken: tuple[str, ...]) -> str:
    """The recipient's language when the survey is written in it (`spoken`: complete
    languages first, then partly written ones), else the survey's first one, so mail and
    questions speak the same language."""
    if language in LANGUAGES and (language in spoken or not spoken):
        return language
    return spoken[0] if spoken else "fi"


def invitation_variables(
    campaign: Campaign,
    survey: Survey,
    language: str,
    first_name: str | None,
    url: str,
    *,
    reminder: bool = False,
) -> dict[str, Any]:
    mail = compose(
        lang=language,
        first_name=first_name,
        survey_title=survey.title.get(language),
        closes_on=campaign.closes_on(),
        own=campaign.invitation,
        reminder=reminder,
    )
    return {"survey_title": survey.title.get(language), "survey_url": url} | mail.variables()


async def campaign_status(uow: SurveysUnitOfWork, *, campaign_id: uuid.UUID) -> dict[str, Any]:
    """The campaign and its response rate; an identified one's also by organisation type,
    region and language (groups under MIN_GROUP hidden), an anonymous one's never."""
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound("No such campaign.")
        figures = uow.campaign_figures
        invited, answered = await figures.counts(campaign_id)
        by_group: dict[str, list[dict[str, Any]]] = {}
        if not campaign.anonymous:
            for column in ("organisation_type", "region", "language"):
                by_group[column] = [
                    {"group": g, "invited": i, "answered": a, "rate": percent(a, i)}
                    for g, i, a in await figures.response_rate_by(campaign_id, column)
                    if i >= MIN_GROUP  # small groups are not shown, as in results
                ]
    return {
        "id": str(campaign.id),
        "survey_id": str(campaign.survey_id),
        "name": campaign.name,
        "mode": campaign.mode,
        "opens_at": campaign.opens_at.isoformat(),
        "closes_at": campaign.closes_at.isoformat(),
        "state": campaign.state(datetime.now(UTC)),
        "launched": campaign.launched_at is not None,
        "audience": campaign.audience,
        "max_reminders": campaign.max_reminders,
        "invited": invited,
        "answered": answered,
        "response_rate": percent(answered, invited),
        "response_rate_by": by_group,
    }
