"""The public archive: sent campaigns, shown without anything personal or tracked."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.campaigns.domain import PLACEHOLDERS, parse_content
from newsletter.errors import NotFound
from newsletter.mail.templates import MailTemplates
from newsletter.tables import campaigns
from newsletter.tracking.domain import PERSONAL_SENTINEL, strip_personal_links

# A campaign is in the archive once its deliveries exist (send started), never as a draft.
SENT_STATES = ("sending", "sent")


@dataclass(frozen=True)
class ArchivedCampaign:
    id: uuid.UUID
    subject: str
    sent_at: datetime
    html: str
    language: str = "fi"  # the version shown (the campaign's default if it lacks the asked one)


def _public_variables() -> dict[str, str]:
    # Personal fields empty; personal links replaced by a sentinel and then removed.
    return {name: "" for name in PLACEHOLDERS} | {
        "unsubscribe_url": PERSONAL_SENTINEL,
        "preferences_url": PERSONAL_SENTINEL,
    }


async def _sent(engine: AsyncEngine, campaign_id: uuid.UUID | None = None) -> list[dict[str, Any]]:
    stmt = (
        select(campaigns)
        .where(campaigns.c.status.in_(SENT_STATES), campaigns.c.send_started_at.is_not(None))
        .order_by(campaigns.c.send_started_at.desc())
    )
    if campaign_id is not None:
        stmt = stmt.where(campaigns.c.id == campaign_id)
    async with engine.connect() as conn:
        return [dict(r._mapping) for r in (await conn.execute(stmt)).all()]


def _render(
    templates: MailTemplates,
    row: dict[str, Any],
    lang: str,
    variables: dict[str, str] | None = None,
) -> ArchivedCampaign | None:
    variants = parse_content(row["content"], row["default_language"])
    if lang not in variants:
        return None
    compiled = templates.campaign(str(row["id"]), row["version"], lang, variants[lang])
    rendered = compiled.fill({**_public_variables(), **(variables or {})})
    return ArchivedCampaign(
        id=row["id"],
        subject=rendered.subject,
        sent_at=row["send_started_at"],
        html=strip_personal_links(rendered.html),
        language=lang,
    )


async def archive(
    engine: AsyncEngine, templates: MailTemplates, lang: str
) -> list[ArchivedCampaign]:
    """Sent campaigns that have a version in `lang`, newest first."""
    found = (_render(templates, row, lang) for row in await _sent(engine))
    return [c for c in found if c is not None]


async def archived_campaign(
    engine: AsyncEngine, templates: MailTemplates, campaign_id: uuid.UUID, lang: str
) -> ArchivedCampaign:
    rows = await _sent(engine, campaign_id)
    if not rows:
        raise NotFound("No such campaign in the archive.")
    row = rows[0]
    shown = _render(templates, row, lang) or _render(templates, row, str(row["default_language"]))
    if shown is None:
        raise NotFound("No such campaign in the archive.")
    return shown


SAMPLE_PERSON = {
    "first_name": "Aino",
    "last_name": "Virtanen",
    "organisation_name": "Esimerkkikirjasto",
    "region": "01",
}


async def preview(
    engine: AsyncEngine, templates: MailTemplates, campaign_id: uuid.UUID, lang: str
) -> ArchivedCampaign:
    """Any campaign (drafts too) as a sample recipient would see it; for staff only."""
    async with engine.connect() as conn:
        row = (await conn.execute(select(campaigns).where(campaigns.c.id == campaign_id))).first()
    if row is None:
        raise NotFound("No such campaign.")
    shown = _render(templates, dict(row._mapping), lang, SAMPLE_PERSON)
    if shown is None:
        raise NotFound("The campaign has no version in this language.")
    return shown
