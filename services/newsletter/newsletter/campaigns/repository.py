"""Storing and loading campaigns, and who their audience is (the SQL side of both)."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import asdict, replace
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, insert, select, update
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.campaigns import segments
from newsletter.campaigns.domain import Audience, Campaign, Recipient, audience_rule
from newsletter.delivery import repository as delivery_rows
from newsletter.retention import repository as retained
from newsletter.tables import campaigns, contact_snapshot, deliveries
from shared.segments.compiler import compile_rule


async def add(conn: AsyncConnection, values: dict[str, Any]) -> None:
    await conn.execute(insert(campaigns).values(**values))


async def get(
    conn: AsyncConnection, campaign_id: uuid.UUID, *, for_update: bool = False
) -> RowMapping | None:
    stmt = select(campaigns).where(campaigns.c.id == campaign_id)
    if for_update:
        stmt = stmt.with_for_update()
    row = (await conn.execute(stmt)).first()
    return row._mapping if row else None


async def get_many(conn: AsyncConnection, ids: set[uuid.UUID]) -> dict[uuid.UUID, RowMapping]:
    rows = (await conn.execute(select(campaigns).where(campaigns.c.id.in_(ids)))).all()
    return {r.id: r._mapping for r in rows}


async def delivery_counts(conn: AsyncConnection, campaign_id: uuid.UUID) -> dict[str, int]:
    """By status, the rows still here plus those the retention job turned into counts."""
    rows = (
        await conn.execute(
            select(deliveries.c.status, func.count())
            .where(deliveries.c.campaign_id == campaign_id)
            .group_by(deliveries.c.status)
        )
    ).all()
    raw = {status: int(n) for status, n in rows}
    return retained.add(raw, await retained.status_counts(conn, campaign_id))


async def set_status(conn: AsyncConnection, campaign_id: uuid.UUID, **values: Any) -> None:
    await conn.execute(update(campaigns).where(campaigns.c.id == campaign_id).values(**values))


async def due(conn: AsyncConnection, limit: int = 10) -> list[uuid.UUID]:
    """Scheduled campaigns whose time has come, locked so two workers never start one twice."""
    stmt = (
        select(campaigns.c.id)
        .where(campaigns.c.status == "scheduled", campaigns.c.scheduled_at <= func.now())
        .order_by(campaigns.c.scheduled_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await conn.execute(stmt)).scalars())


async def finish_done(conn: AsyncConnection) -> list[uuid.UUID]:
    """Sending campaigns without a pending row are sent (paused rows are not pending)."""
    pending = (
        select(deliveries.c.id)
        .where(deliveries.c.campaign_id == campaigns.c.id, deliveries.c.status == "pending")
        .exists()
    )
    stmt = (
        update(campaigns)
        .where(campaigns.c.status == "sending", ~pending)
        .values(status="sent", finished_at=func.now())
        .returning(campaigns.c.id)
    )
    return list((await conn.execute(stmt)).scalars())


async def move_deliveries(
    conn: AsyncConnection, campaign_id: uuid.UUID, *, old: tuple[str, ...], new: str
) -> int:
    """Pause, resume or cancel a campaign's unsent rows; workers only claim `pending` ones."""
    result = await conn.execute(
        update(deliveries)
        .where(deliveries.c.campaign_id == campaign_id, deliveries.c.status.in_(old))
        .values(status=new)
    )
    return result.rowcount or 0


class CampaignRows:
    """The campaigns repository of one unit of work (see unit_of_work.CampaignRepository)."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def get(self, campaign_id: uuid.UUID, *, lock: bool = False) -> Campaign | None:
        row = await get(self._conn, campaign_id, for_update=lock)
        return Campaign.of(dict(row)) if row is not None else None

    async def add(self, campaign: Campaign) -> None:
        values = asdict(campaign)
        if values["created_at"] is None:
            del values["created_at"]  # the database's clock
        await add(self._conn, values)

    async def save(self, campaign: Campaign) -> None:
        values = asdict(campaign)
        del values["id"], values["created_at"]
        await set_status(self._conn, campaign.id, **values)

    async def move_deliveries(
        self, campaign_id: uuid.UUID, *, old: tuple[str, ...], new: str
    ) -> int:
        return await move_deliveries(self._conn, campaign_id, old=old, new=new)

    async def delivery_counts(self, campaign_id: uuid.UUID) -> dict[str, int]:
        return await delivery_counts(self._conn, campaign_id)

    async def due(self) -> list[uuid.UUID]:
        return await due(self._conn)

    async def finish_done(self) -> list[uuid.UUID]:
        return await finish_done(self._conn)


_PERSON = (
    contact_snapshot.c.email,
    contact_snapshot.c.first_name,
    contact_snapshot.c.last_name,
    contact_snapshot.c.language,
    contact_snapshot.c.contact_id,
    contact_snapshot.c.organisation_name,
    contact_snapshot.c.region,
)


def _recipient(r: Any) -> Recipient:
    return Recipient(
        r.email, r.first_name, r.last_name, r.language, r.contact_id, r.organisation_name, r.region
    )


class AudienceRows:
    """Who a campaign reaches, computed in SQL from the contact replica (one definition for
    the preview, the sending checks and the materialisation)."""

    def __init__(self, conn: AsyncConnection, suppression_key: bytes) -> None:
        self._conn = conn
        self._key = suppression_key

    async def _where(self, campaign: Campaign) -> ColumnElement[bool]:
        """Its rule, any included segment, no excluded segment, and every rule of
        docs/mail.md "Deliveries"."""
        ids = [*campaign.included_segments, *campaign.excluded_segments]
        rule = audience_rule(campaign, await segments.rules(self._conn, ids))
        return delivery_rows.campaign_audience(
            rule_where=compile_rule(rule, contact_snapshot, datetime.now(UTC)),
            topics=campaign.topics if campaign.topical else None,
            suppression_key=self._key,
        )

    async def preview(self, campaign: Campaign, *, sample_size: int) -> Audience:
        cs = contact_snapshot
        where = await self._where(campaign)
        counted = select(cs.c.language, func.count()).where(where).group_by(cs.c.language)
        by_language = {la or "none": int(n) for la, n in (await self._conn.execute(counted)).all()}
        reads = delivery_rows.reading_language(tuple(campaign.variants), campaign.send_language)
        sample = (
            await self._conn.execute(
                select(*_PERSON, reads.label("reads"))
                .where(where)
                .order_by(cs.c.email)
                .limit(sample_size)
            )
        ).all()
        return Audience(
            by_language=by_language,
            sample=[replace(_recipient(r), reads=r.reads) for r in sample],
        )

    async def lacking(
        self, campaign: Campaign, fields: Sequence[str]
    ) -> dict[str, tuple[int, Recipient | None]]:
        """Per merge field: how many of the audience have no value, and the first of them."""
        if not fields:
            return {}
        cs = contact_snapshot
        where = await self._where(campaign)
        empty = {f: func.coalesce(func.btrim(cs.c[f]), "") == "" for f in fields}
        counts = (
            await self._conn.execute(
                select(*(func.count().filter(empty[f]) for f in fields)).where(where)
            )
        ).one()
        found: dict[str, tuple[int, Recipient | None]] = {}
        for f, n in zip(fields, counts, strict=True):
            first = None
            if n:
                stmt = select(*_PERSON).where(where, empty[f]).order_by(cs.c.email).limit(1)
                first = _recipient((await self._conn.execute(stmt)).one())
            found[f] = (int(n), first)
        return found

    async def languages(self, campaign: Campaign) -> list[str | None]:
        cs = contact_snapshot
        stmt = select(cs.c.language).where(await self._where(campaign)).distinct()
        return list((await self._conn.execute(stmt)).scalars())

    async def materialise(
        self, campaign: Campaign, *, languages: Sequence[str], default_language: str
    ) -> int:
        """One delivery per recipient in one statement; workers take it from there."""
        return await delivery_rows.materialise_campaign(
            self._conn,
            campaign_id=campaign.id,
            campaign_name=campaign.name,
            audience=await self._where(campaign),
            languages=languages,
            default_language=default_language,
        )
