"""Operating a campaign from its staff page: what launching would do (audience, languages,
unwritten questions, the invitation in each language), a test send, and for a running
campaign a reminder now, the next scheduled reminder, close now, a new closing time, the
reminder schedule and the invitation texts. Every change is audited."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.logs import correlation_id
from surveys import SOURCE
from surveys.audit import audit
from surveys.builder.domain.readiness import (
    partly_spoken,
    shown_text,
    spoken_languages,
    unfinished_questions,
    written_languages,
)
from surveys.builder.domain.survey import Survey, parse_survey
from surveys.builder.service import Actor
from surveys.campaigns.domain import MANUAL_GAP, Campaign
from surveys.campaigns.invitation_texts import LANGUAGES, InvitationMail, clean_texts, compose
from surveys.campaigns.service import Links, invitation_variables, mail_language, request_mails
from surveys.errors import Conflict, InvalidInput, NotFound
from surveys.unit_of_work import SurveysUnitOfWork

SAMPLE_NAMES = {"fi": "Maija", "sv": "Maja", "en": "Mary"}


async def _survey_of(uow: SurveysUnitOfWork, campaign: Campaign) -> Survey:
    """The survey frozen at launch, or as it is now before launch (in an open unit of work)."""
    if campaign.survey_definition is not None:
        return parse_survey(campaign.survey_definition)
    saved = await uow.surveys.get(campaign.survey_id)
    assert saved is not None  # a foreign key keeps it
    return saved.survey


async def launch_check(
    uow: SurveysUnitOfWork, *, campaign_id: uuid.UUID, now: datetime | None = None
) -> dict[str, Any]:
    """Before launch: how many would be invited (by language), which of their languages the
    survey lacks, which questions are still placeholders, and the invitation per language."""
    now = now or datetime.now(UTC)
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound("No such campaign.")
        by_language = await uow.campaign_figures.audience_languages(campaign.audience, now)
        survey = await _survey_of(uow, campaign)
    spoken, partly = spoken_languages(survey), partly_spoken(survey)
    written = written_languages(survey)
    missing = [
        {"language": lang, "count": n, "instead": mail_language(lang, written)}
        for lang, n in sorted(by_language.items())
        if lang not in written
    ]
    incomplete = [
        {"language": lang, "count": n, "instead": written[0]}
        for lang, n in sorted(by_language.items())
        if lang in partly
    ]
    return {
        "audience": sum(by_language.values()),
        "by_language": dict(sorted(by_language.items())),
        "spoken": spoken,
        "partly": partly,
        "missing": missing,
        "incomplete": incomplete,
        "unfinished": [
            {"number": u.number, "id": u.question.id, "text": shown_text(u, "fi")}
            for u in unfinished_questions(survey)
        ],
        "previews": previews(campaign, survey),
    }


def previews(campaign: Campaign, survey: Survey) -> dict[str, InvitationMail]:
    """The invitation in each language, as a recipient named like SAMPLE_NAMES gets it."""
    return {
        lang: compose(
            lang=lang,
            first_name=SAMPLE_NAMES[lang],
            survey_title=survey.title.get(lang),
            closes_on=campaign.closes_on(),
            own=campaign.invitation,
        )
        for lang in LANGUAGES
    }


async def _campaign(uow: SurveysUnitOfWork, campaign_id: uuid.UUID) -> Campaign:
    found = await uow.campaigns.get(campaign_id, for_update=True)
    if found is None:
        raise NotFound("No such campaign.")
    return found


def _audit(
    uow: SurveysUnitOfWork, actor: Actor, action: str, campaign_id: uuid.UUID, **details: Any
) -> None:
    audit(
        uow,
        actor_id=actor.id,
        actor_role=actor.role,
        action=action,
        target_type="survey_campaign",
        target_id=str(campaign_id),
        details=details or None,
    )


async def send_test(
    uow: SurveysUnitOfWork,
    campaign_id: uuid.UUID,
    *,
    to_email: str,
    language: str,
    links: Links,
    actor: Actor,
) -> str:
    """The invitation in `language` to a staff address, with the link of the staff preview
    (a test mail invites nobody and has no personal link). Returns the address."""
    to_email = to_email.strip()
    if "@" not in to_email or len(to_email) > 320 or any(c in to_email for c in " \r\n,;"):
        raise InvalidInput("an email address", field="test_email")
    if language not in LANGUAGES:
        raise InvalidInput("fi, sv or en", field="test_language")
    async with uow:
        campaign = await _campaign(uow, campaign_id)
        definition = campaign.survey_definition
        if definition is None:
            saved = await uow.surveys.get(campaign.survey_id)
            assert saved is not None
            definition = saved.definition
        survey = parse_survey(definition)
        preview = (
            f"{links.base_url.rstrip('/')}/surveys/staff/surveys/{campaign.survey_id}"
            f"/preview?lang={language}"
        )
        mail = MailRequestedV1(
            idempotency_key=f"survey-test:{campaign.id}:{uuid.uuid4()}",
            template_key="survey_invitation",
            language=language,
            to_email=to_email,
            variables=invitation_variables(campaign, survey, language, None, preview),
            origin="transactional",
            origin_label=survey.title.get("fi"),
        )
        uow.publish(
            MAIL_REQUESTED.name,
            to_email,
            new_event(
                source=SOURCE,
                data=mail,
                subject=str(campaign.id),
                correlation_id=correlation_id.get(),
            ),
        )
        _audit(uow, actor, "campaign.test_sent", campaign.id, language=language, to=to_email)
        await uow.commit()
    return to_email


async def remind_now(
    uow: SurveysUnitOfWork,
    campaign_id: uuid.UUID,
    *,
    links: Links,
    actor: Actor,
    now: datetime | None = None,
    limit: int = 100_000,
) -> int:
    """A reminder now to everyone who has not answered (and was not mailed in the last
    hour), whatever the schedule says. Returns how many."""
    now = now or datetime.now(UTC)
    async with uow:
        campaign = await _campaign(uow, campaign_id)
        if campaign.launched_at is None or campaign.state(now) != "open":
            raise Conflict("Only an open, launched campaign sends reminders.")
        due = await uow.invitations.claim_reminders(
            campaign, now, limit=limit, manual_gap=MANUAL_GAP
        )
        request_mails(uow, campaign, due, links, template="survey_reminder")
        _audit(uow, actor, "campaign.reminded", campaign.id, reminded=len(due))
        await uow.commit()
    return len(due)


async def close_now(
    uow: SurveysUnitOfWork, campaign_id: uuid.UUID, *, actor: Actor, now: datetime | None = None
) -> Campaign:
    now = now or datetime.now(UTC)
    async with uow:
        before = await _campaign(uow, campaign_id)
        campaign = before.closed_now(now)
        await uow.campaigns.save_changes(campaign)
        _audit(uow, actor, "campaign.closed", campaign.id, was=before.closes_at.isoformat())
        await uow.commit()
    return campaign


async def change_closing(
    uow: SurveysUnitOfWork,
    campaign_id: uuid.UUID,
    *,
    closes_at: datetime,
    actor: Actor,
    now: datetime | None = None,
) -> Campaign:
    now = now or datetime.now(UTC)
    async with uow:
        before = await _campaign(uow, campaign_id)
        campaign = before.closing_at(closes_at, now)
        await uow.campaigns.save_changes(campaign)
        _audit(
            uow,
            actor,
            "campaign.closing_changed",
            campaign.id,
            was=before.closes_at.isoformat(),
            now=closes_at.isoformat(),
        )
        await uow.commit()
    return campaign


async def change_reminders(
    uow: SurveysUnitOfWork,
    campaign_id: uuid.UUID,
    *,
    max_reminders: int,
    interval: timedelta,
    actor: Actor,
) -> Campaign:
    async with uow:
        campaign = (await _campaign(uow, campaign_id)).reminding(
            max_reminders=max_reminders, interval=interval
        )
        await uow.campaigns.save_changes(campaign)
        _audit(
            uow,
            actor,
            "campaign.reminders_changed",
            campaign.id,
            max_reminders=max_reminders,
            interval_hours=interval.total_seconds() / 3600,
        )
        await uow.commit()
    return campaign


async def change_invitation(
    uow: SurveysUnitOfWork, campaign_id: uuid.UUID, *, texts: dict[str, str], actor: Actor
) -> Campaign:
    """Staff's own subject and message per language (`subject_fi`, `body_sv`, …); only before
    launch, since the invitations go out at launch."""
    cleaned = clean_texts(texts)
    async with uow:
        campaign = await _campaign(uow, campaign_id)
        if campaign.launched_at is not None:
            raise Conflict("The invitations have already been sent.")
        campaign = campaign.with_invitation(cleaned)
        await uow.campaigns.save_changes(campaign)
        _audit(uow, actor, "campaign.invitation_changed", campaign.id, languages=sorted(cleaned))
        await uow.commit()
    return campaign


async def next_reminder(
    uow: SurveysUnitOfWork, *, campaign: Campaign, now: datetime | None = None
) -> datetime | None:
    """When the schedule sends its next reminders (None: it sends none any more)."""
    now = now or datetime.now(UTC)
    async with uow:
        oldest = await uow.campaign_figures.oldest_due_mail(campaign)
    return campaign.next_reminder(oldest, now)
