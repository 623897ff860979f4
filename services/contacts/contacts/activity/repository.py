"""A person's activity timeline (`uow.activity`), and the counts other features keep of the
mail and survey events activity consumes (`uow.figures`: their SQL stays in the dashboard and
impact features)."""

from __future__ import annotations

import uuid
from datetime import date, datetime
from typing import Any, Protocol

from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.dashboard import repository as dashboard_store
from contacts.tables import activity


class ActivityRepository(Protocol):
    async def add(
        self,
        *,
        person_id: uuid.UUID,
        kind: str,
        at: datetime,
        details: dict[str, Any],
        source: str = "contacts",
    ) -> None:
        """One entry on the person's timeline (`source`: the service it came from)."""

    async def of(self, person_id: uuid.UUID, limit: int = 500) -> list[dict[str, Any]]:
        """Newest first."""


class FigureCounts(Protocol):
    """What the dashboard and the impact chain count of other services' events."""

    async def mail_event(
        self,
        *,
        delivery_id: uuid.UUID,
        outcome: str,
        origin: str,
        origin_id: str,
        group_id: str,
        label: str | None,
        at: datetime,
    ) -> None:
        """A delivery outcome of mail from `origin`; counted (idempotently) only for the
        origins the dashboard counts (a campaign, a survey campaign's invitation)."""

    async def survey_response(
        self, *, response_id: uuid.UUID, campaign_id: uuid.UUID, on: date
    ) -> None:
        """A response to a survey campaign (idempotent)."""

    async def reach(self, *, person_id: uuid.UUID, at: datetime) -> None:
        """A campaign mail was sent to this person (idempotent)."""


class SqlActivity:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(
        self,
        *,
        person_id: uuid.UUID,
        kind: str,
        at: datetime,
        details: dict[str, Any],
        source: str = "contacts",
    ) -> None:
        await add(self._conn, person_id=person_id, kind=kind, at=at, details=details, source=source)

    async def of(self, person_id: uuid.UUID, limit: int = 500) -> list[dict[str, Any]]:
        return await of(self._conn, person_id, limit)


class SqlFigureCounts:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def mail_event(
        self,
        *,
        delivery_id: uuid.UUID,
        outcome: str,
        origin: str,
        origin_id: str,
        group_id: str,
        label: str | None,
        at: datetime,
    ) -> None:
        if origin not in dashboard_store.COUNTED:
            return
        await dashboard_store.record_mail_event(
            self._conn,
            delivery_id=delivery_id,
            outcome=outcome,
            origin=origin,
            origin_id=origin_id,
            group_id=group_id,
            label=label,
            at=at,
        )

    async def survey_response(
        self, *, response_id: uuid.UUID, campaign_id: uuid.UUID, on: date
    ) -> None:
        await dashboard_store.record_response(
            self._conn, response_id=response_id, campaign_id=campaign_id, on=on
        )

    async def reach(self, *, person_id: uuid.UUID, at: datetime) -> None:
        # Through impact's own rule (which month counts); imported here: impact's service
        # imports contacts' unit of work, which imports this module.
        from contacts.impact import service as impact

        await impact.record_reach(self._conn, person_id=person_id, at=at)


async def add(
    conn: AsyncConnection,
    *,
    person_id: uuid.UUID,
    kind: str,
    at: datetime,
    details: dict[str, Any],
    source: str = "contacts",
) -> None:
    await conn.execute(
        insert(activity).values(
            person_id=person_id, kind=kind, occurred_at=at, details=details, source=source
        )
    )


async def of(conn: AsyncConnection, person_id: uuid.UUID, limit: int = 500) -> list[dict[str, Any]]:
    stmt = (
        select(activity)
        .where(activity.c.person_id == person_id)
        .order_by(activity.c.occurred_at.desc(), activity.c.id.desc())
        .limit(limit)
    )
    return [dict(r._mapping) for r in await conn.execute(stmt)]
