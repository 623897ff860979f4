"""Survey campaigns: create, launch (invite the audience), remind non-respondents, progress."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.logs import correlation_id
from shared.outbox.unit_of_work import UnitOfWork
from shared.segments import RuleError, parse_rule
from shared.tokens import TokenKeys
from surveys import SOURCE, segments
from surveys.audit import audit
from surveys.builder import repository as definitions
from surveys.builder.domain.survey import parse_survey
from surveys.builder.service import Actor
from surveys.campaigns.domain import Campaign, new_campaign
from surveys.errors import Conflict, InvalidInput, NotFound
from surveys.invitations import repository as invitations
from surveys.invitations.domain import make_token, survey_url
from surveys.tables import campaigns as campaigns_table
from surveys.unit_of_work import unit_of_work


@dataclass(frozen=True, slots=True)
class Links:
    """What a mail needs to carry a personal link."""

    keys: TokenKeys
    base_url: str


async def create_campaign(
    engine: AsyncEngine,
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
    actor: Actor,
) -> Campaign:
    """With `segment_ids`, the audience is anyone in any of those segments (of the replica)."""
    chosen: tuple[dict[str, Any], ...] = ()
    if segment_ids:
        async with engine.connect() as conn:
            found = await segments.by_ids(conn, segment_ids)
        if len(found) != len(set(segment_ids)):
            raise InvalidInput("no such segment", field="segments")
        chosen = tuple({"id": str(r.segment_id), "name": r.name, "rule": r.rule} for r in found)
        audience = {"any": [s["rule"] for s in chosen]}
    try:
        parse_rule(audience)
    except RuleError as error:
        raise InvalidInput(error.message, field=f"audience{error.path}") from error
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
    )
    async with unit_of_work(engine) as uow:
        if await definitions.get_survey(uow.conn, survey_id) is None:
            raise NotFound("No such survey.", field="survey_id")
        await definitions.add_campaign(uow.conn, campaign)
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
    engine: AsyncEngine,
    campaign_id: uuid.UUID,
    *,
    links: Links,
    actor: Actor,
    now: datetime | None = None,
) -> int:
    """Freeze the survey, invite everyone in the audience, request their mails. Returns how
    many were invited."""
    now = now or datetime.now(UTC)
    async with unit_of_work(engine) as uow:
        found = await definitions.get_campaign(uow.conn, campaign_id, for_update=True)
        if found is None:
            raise NotFound("No such campaign.")
        campaign, _ = found
        if campaign.launched_at is not None:
            raise Conflict("The campaign has already been launched.")
        if campaign.state(now) == "closed":
            raise Conflict("The campaign has already closed.")
        survey_row = await definitions.get_survey(uow.conn, campaign.survey_id)
        assert survey_row is not None  # a foreign key keeps it
        definition = survey_row["definition"]
        await definitions.mark_launched(uow.conn, campaign.id, definition, now)
        rows = await invitations.materialise(uow.conn, campaign, now)
        _request_mails(uow, campaign, definition, rows, links, template="survey_invitation")
        audit(
            uow,
            actor_id=actor.id,
            actor_role=actor.role,
            action="campaign.launched",
            target_type="survey_campaign",
            target_id=str(campaign.id),
            details={"invited": len(rows)},
        )
        await uow.commit()
    return len(rows)


async def send_due_reminders(
    engine: AsyncEngine, *, links: Links, now: datetime | None = None, batch_size: int = 1000
) -> int:
    """Remind non-respondents of open campaigns whose interval has passed (at most
    `max_reminders` each). Safe to run from several workers: rows are claimed with SKIP
    LOCKED. Returns the number of reminders requested."""
    now = now or datetime.now(UTC)
    async with engine.connect() as conn:
        ids = (
            (
                await conn.execute(
                    select(campaigns_table.c.id).where(
                        campaigns_table.c.launched_at.is_not(None),
                        campaigns_table.c.opens_at <= now,
                        campaigns_table.c.closes_at > now,
                        campaigns_table.c.max_reminders > 0,
                    )
                )
            )
            .scalars()
            .all()
        )
    sent = 0
    for campaign_id in ids:
        while True:
            async with unit_of_work(engine) as uow:
                found = await definitions.get_campaign(uow.conn, campaign_id)
                assert found is not None and found[1] is not None
                campaign, definition = found
                assert definition is not None  # launched
                rows = await invitations.due_reminders(uow.conn, campaign, now, limit=batch_size)
                _request_mails(uow, campaign, definition, rows, links, template="survey_reminder")
                await uow.commit()
            sent += len(rows)
            if len(rows) < batch_size:
                break
    return sent


def _request_mails(
    uow: UnitOfWork,
    campaign: Campaign,
    definition: dict[str, Any],
    rows: list[Any],
    links: Links,
    *,
    template: str,
) -> None:
    survey = parse_survey(definition)
    closes_on = campaign.closes_on().isoformat()
    for row in rows:
        url = survey_url(links.base_url, make_token(links.keys, row.id, row.nonce))
        round_ = getattr(row, "reminders_sent", 0)
        kind = "invitation" if template == "survey_invitation" else f"reminder:{round_}"
        mail = MailRequestedV1(
            idempotency_key=f"survey-{kind}:{row.id}",
            template_key=template,
            language=row.language if row.language in ("fi", "sv", "en") else "fi",
            to_email=row.email,
            to_name=f"{row.first_name or ''} {row.last_name or ''}".strip(),
            contact_id=row.contact_id,
            variables={
                "survey_title": survey.title.get(row.language),
                "survey_url": url,
                "closes_on": closes_on,
            },
            origin="survey_invitation",
            origin_id=str(row.id),
            origin_label=survey.title.get("fi"),
            origin_group=str(campaign.id),
        )
        uow.publish(
            MAIL_REQUESTED.name,
            str(row.contact_id),
            new_event(
                source=SOURCE,
                data=mail,
                subject=str(campaign.id),
                correlation_id=correlation_id.get(),
            ),
        )


async def campaign_status(engine: AsyncEngine, campaign_id: uuid.UUID) -> dict[str, Any]:
    async with engine.connect() as conn:
        found = await definitions.get_campaign(conn, campaign_id)
        if found is None:
            raise NotFound("No such campaign.")
        campaign, _ = found
        invited, answered = await invitations.counts(conn, campaign_id)
        by_group: dict[str, list[dict[str, Any]]] = {}
        if not campaign.anonymous:
            for column in ("organisation_type", "region", "language"):
                by_group[column] = [
                    {"group": g, "invited": i, "answered": a, "rate": _rate(a, i)}
                    for g, i, a in await invitations.response_rate_by(conn, campaign_id, column)
                    if i >= 5  # small groups are not shown
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
        "response_rate": _rate(answered, invited),
        "response_rate_by": by_group,
    }


def _rate(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0
