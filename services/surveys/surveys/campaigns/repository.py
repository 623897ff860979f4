"""Storing campaigns, and a survey's campaigns with their progress for the staff pages (the
invitations still here plus the tallies the retention job kept of those it deleted)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from surveys.campaigns.domain import Campaign, SegmentChoice
from surveys.invitations import repository as invitation_rows
from surveys.retention import repository as retained
from surveys.segments import replica as segment_replica
from surveys.tables import campaigns, invitation_tallies, invitations


async def campaigns_of_survey(conn: AsyncConnection, survey_id: uuid.UUID) -> list[dict[str, Any]]:
    inv, kept = invitations, invitation_tallies  # raw rows + what retention kept
    progress = (
        select(
            inv.c.campaign_id,
            func.count().label("invited"),
            func.count().filter(inv.c.answered.is_(True)).label("answered"),
            func.count().filter(inv.c.mail_status == "delivered").label("delivered"),
            func.count().filter(inv.c.mail_status == "bounced").label("bounced"),
        )
        .group_by(inv.c.campaign_id)
        .subquery()
    )
    stmt = (
        select(
            campaigns.c.id,
            campaigns.c.name,
            campaigns.c.mode,
            campaigns.c.opens_at,
            campaigns.c.closes_at,
            campaigns.c.launched_at,
            *(
                (func.coalesce(progress.c[n], 0) + func.coalesce(kept.c[n], 0)).label(n)
                for n in ("invited", "answered", "delivered", "bounced")
            ),
        )
        .select_from(
            campaigns.outerjoin(progress, progress.c.campaign_id == campaigns.c.id).outerjoin(
                kept, kept.c.campaign_id == campaigns.c.id
            )
        )
        .where(campaigns.c.survey_id == survey_id)
        .order_by(campaigns.c.created_at.desc())
    )
    return [dict(r) for r in (await conn.execute(stmt)).mappings().all()]


async def progress(conn: AsyncConnection, campaign_id: uuid.UUID) -> dict[str, int]:
    """Invited, delivered, bounced (incl. complaints) and responded, of one campaign."""
    inv = invitations
    stmt = select(
        func.count().label("invited"),
        func.count().filter(inv.c.mail_status == "delivered").label("delivered"),
        func.count().filter(inv.c.mail_status.in_(("bounced", "complained"))).label("bounced"),
        func.count().filter(inv.c.answered.is_(True)).label("answered"),
    ).where(inv.c.campaign_id == campaign_id)
    raw = dict((await conn.execute(stmt)).mappings().one())
    kept = await retained.tallies(conn, campaign_id)
    kept["bounced"] += kept["complained"]
    return {name: int(n) + kept[name] for name, n in raw.items()}


async def by_segment(conn: AsyncConnection, campaign_id: uuid.UUID) -> list[dict[str, Any]]:
    """(segment id, invited, answered) for each audience segment; a person in two segments
    counts in both."""
    inv = invitations
    segment = func.unnest(inv.c.segment_ids).label("segment_id")
    member = select(segment, inv.c.answered).where(inv.c.campaign_id == campaign_id).subquery()
    stmt = select(
        member.c.segment_id,
        func.count().label("invited"),
        func.count().filter(member.c.answered.is_(True)).label("answered"),
    ).group_by(member.c.segment_id)
    found = {r["segment_id"]: dict(r) for r in (await conn.execute(stmt)).mappings().all()}
    for kept in await retained.segments(conn, campaign_id):
        row = found.setdefault(kept["segment_id"], {**kept, "invited": 0, "answered": 0})
        row["invited"] += kept["invited"]
        row["answered"] += kept["answered"]
    return list(found.values())


async def add_campaign(conn: AsyncConnection, campaign: Campaign) -> None:
    await conn.execute(
        insert(campaigns).values(
            id=campaign.id,
            survey_id=campaign.survey_id,
            name=campaign.name,
            mode=campaign.mode,
            opens_at=campaign.opens_at,
            closes_at=campaign.closes_at,
            audience=campaign.audience,
            max_reminders=campaign.max_reminders,
            reminder_interval=campaign.reminder_interval,
            segments=list(campaign.segments),
            open_link=campaign.open_link,
            invitation=campaign.invitation,
        )
    )


def campaign_of(row: Any) -> Campaign:
    return Campaign(
        id=row.id,
        survey_id=row.survey_id,
        name=row.name,
        mode=row.mode,
        opens_at=row.opens_at,
        closes_at=row.closes_at,
        audience=row.audience,
        max_reminders=row.max_reminders,
        reminder_interval=row.reminder_interval,
        launched_at=row.launched_at,
        segments=tuple(row.segments),
        open_link=row.open_link,
        survey_definition=row.survey_definition,
        invitation=dict(row.invitation or {}),
    )


async def get_campaign(
    conn: AsyncConnection, campaign_id: uuid.UUID, *, for_update: bool = False
) -> tuple[Campaign, dict[str, Any] | None] | None:
    """The campaign and the survey definition frozen at its launch (None before launch)."""
    stmt = select(campaigns).where(campaigns.c.id == campaign_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return (campaign_of(row), row.survey_definition) if row else None


async def mark_launched(
    conn: AsyncConnection, campaign_id: uuid.UUID, definition: dict[str, Any], at: datetime
) -> None:
    await conn.execute(
        update(campaigns)
        .where(campaigns.c.id == campaign_id)
        .values(survey_definition=definition, launched_at=at)
    )


class SqlCampaignRepository:
    """Campaigns, as domain objects, on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, campaign: Campaign) -> None:
        await add_campaign(self._conn, campaign)

    async def get(self, campaign_id: uuid.UUID, *, for_update: bool = False) -> Campaign | None:
        found = await get_campaign(self._conn, campaign_id, for_update=for_update)
        return found[0] if found else None

    async def save_launch(self, campaign: Campaign) -> None:
        assert campaign.launched_at is not None and campaign.survey_definition is not None
        await mark_launched(
            self._conn, campaign.id, campaign.survey_definition, campaign.launched_at
        )

    async def save_changes(self, campaign: Campaign) -> None:
        """Store what staff may change on a campaign: closing time, reminders, invitation."""
        await self._conn.execute(
            update(campaigns)
            .where(campaigns.c.id == campaign.id)
            .values(
                closes_at=campaign.closes_at,
                max_reminders=campaign.max_reminders,
                reminder_interval=campaign.reminder_interval,
                invitation=campaign.invitation,
            )
        )

    async def due_for_reminders(self, now: datetime) -> list[uuid.UUID]:
        """Launched, open campaigns that remind at all."""
        stmt = select(campaigns.c.id).where(
            campaigns.c.launched_at.is_not(None),
            campaigns.c.opens_at <= now,
            campaigns.c.closes_at > now,
            campaigns.c.max_reminders > 0,
        )
        return list((await self._conn.execute(stmt)).scalars().all())


class SqlSegmentRepository:
    """Contacts' segments a campaign may choose, from the local replica."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def by_ids(self, ids: Sequence[uuid.UUID]) -> list[SegmentChoice]:
        rows = await segment_replica.by_ids(self._conn, ids)
        return [SegmentChoice(id=r["segment_id"], name=r["name"], rule=r["rule"]) for r in rows]

    async def active(self, lang: str = "fi") -> list[dict[str, Any]]:
        return [dict(r) for r in await segment_replica.active(self._conn, lang)]


class CampaignFigures(Protocol):
    """What the staff pages and the API count of campaigns (retention's tallies included)."""

    async def of_survey(self, survey_id: uuid.UUID) -> list[dict[str, Any]]:
        """The survey's campaigns, newest first: id, name, mode, times, invited, answered,
        delivered, bounced."""
        ...

    async def progress(self, campaign_id: uuid.UUID) -> dict[str, int]:
        """Invited, delivered, bounced (complaints included) and answered."""
        ...

    async def by_segment(self, campaign_id: uuid.UUID) -> list[dict[str, Any]]:
        """{segment_id, invited, answered} per audience segment."""
        ...

    async def counts(self, campaign_id: uuid.UUID) -> tuple[int, int]:
        """(invited, answered) of the invitations still kept."""
        ...

    async def response_rate_by(
        self, campaign_id: uuid.UUID, column: str
    ) -> list[tuple[str | None, int, int]]:
        """(group, invited, answered) by organisation_type, region or language."""
        ...

    async def audience_languages(self, audience: dict[str, Any], now: datetime) -> dict[str, int]:
        """How many an audience would invite now, by language."""
        ...

    async def oldest_due_mail(self, campaign: Campaign) -> datetime | None:
        """The oldest last mail of anyone the schedule may still remind (None: nobody)."""
        ...


class SqlCampaignFigures:
    """Campaign figures on the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def of_survey(self, survey_id: uuid.UUID) -> list[dict[str, Any]]:
        return await campaigns_of_survey(self._conn, survey_id)

    async def progress(self, campaign_id: uuid.UUID) -> dict[str, int]:
        return await progress(self._conn, campaign_id)

    async def by_segment(self, campaign_id: uuid.UUID) -> list[dict[str, Any]]:
        return await by_segment(self._conn, campaign_id)

    async def counts(self, campaign_id: uuid.UUID) -> tuple[int, int]:
        return await invitation_rows.counts(self._conn, campaign_id)

    async def response_rate_by(
        self, campaign_id: uuid.UUID, column: str
    ) -> list[tuple[str | None, int, int]]:
        return await invitation_rows.response_rate_by(self._conn, campaign_id, column)

    async def audience_languages(self, audience: dict[str, Any], now: datetime) -> dict[str, int]:
        return await invitation_rows.audience_languages(self._conn, audience, now)

    async def oldest_due_mail(self, campaign: Campaign) -> datetime | None:
        return await invitation_rows.oldest_due_mail(self._conn, campaign)
