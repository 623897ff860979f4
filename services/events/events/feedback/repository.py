"""The SQL of feedback: the surveys' and counts' replicas, and the attendees due a request."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from events.feedback.domain import ERASED_SUFFIX, FeedbackStatus, FeedbackSurvey
from events.tables import events, feedback_status, feedback_surveys, registrations
from shared.collation import collated
from shared.versioned import upsert_newest


def _survey(row: Any) -> FeedbackSurvey:
    return FeedbackSurvey(
        id=row.survey_id, title=dict(row.title), state=row.state, languages=tuple(row.languages)
    )


class SqlFeedbackRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def surveys(self, lang: str = "fi") -> list[FeedbackSurvey]:
        """Active surveys by name in `lang`'s alphabet."""
        t = feedback_surveys
        name = t.c.title[lang].astext
        stmt = select(t).where(t.c.state == "active").order_by(collated(name, lang), t.c.survey_id)
        return [_survey(r) for r in (await self.conn.execute(stmt)).all()]

    async def survey(self, survey_id: uuid.UUID) -> FeedbackSurvey | None:
        t = feedback_surveys
        row = (await self.conn.execute(select(t).where(t.c.survey_id == survey_id))).first()
        return _survey(row) if row else None

    async def status(self, event_id: uuid.UUID) -> FeedbackStatus | None:
        t = feedback_status
        row = (await self.conn.execute(select(t).where(t.c.event_id == event_id))).first()
        if row is None:
            return None
        return FeedbackStatus(
            survey_id=row.survey_id,
            campaign_id=row.campaign_id,
            invited=row.invited,
            answered=row.answered,
            anonymous=row.anonymous,
            results_path=row.results_path,
        )

    async def due(self, now: datetime, max_age: timedelta, *, limit: int) -> list[Any]:
        """Attendees of ended events with a feedback survey, not asked yet; locked (SKIP
        LOCKED: several workers share the work). The rule is `domain.feedback_due`."""
        r, e = registrations, events
        stmt = (
            select(
                r.c.id,
                r.c.event_id,
                r.c.state,
                r.c.email,
                r.c.name,
                r.c.language,
                r.c.contact_id,
                r.c.attended_at,
                r.c.feedback_requested_at,
                e.c.state.label("event_state"),
                e.c.title,
                e.c.ends_at,
                e.c.feedback_survey_id,
                e.c.feedback_anonymous,
            )
            .join(e, e.c.id == r.c.event_id)
            .where(
                e.c.feedback_survey_id.is_not(None),
                e.c.state == "published",
                e.c.ends_at <= now,
                e.c.ends_at >= now - max_age,
                r.c.state == "registered",
                r.c.attended_at.is_not(None),
                r.c.feedback_requested_at.is_(None),
                r.c.email.not_like(f"%{ERASED_SUFFIX}"),
            )
            .order_by(r.c.event_id, r.c.created_at)
            .limit(limit)
            .with_for_update(of=r, skip_locked=True)
        )
        return list((await self.conn.execute(stmt)).all())

    async def mark_requested(self, ids: Sequence[uuid.UUID], now: datetime) -> None:
        if ids:
            await self.conn.execute(
                update(registrations)
                .where(registrations.c.id.in_(ids))
                .values(feedback_requested_at=now)
            )

    async def requested_count(self, event_id: uuid.UUID) -> int:
        """How many attendees of the event were asked (requests sent to surveys)."""
        stmt = select(func.count()).where(
            registrations.c.event_id == event_id,
            registrations.c.feedback_requested_at.is_not(None),
        )
        return int((await self.conn.execute(stmt)).scalar_one())


class FeedbackReplica(Protocol):
    """Events' replicas of surveys' compacted topics, each upsert version-guarded (a
    redelivered or older snapshot changes nothing)."""

    async def upsert_surveys(self, rows: Sequence[dict[str, Any]]) -> None: ...
    async def upsert_status(self, rows: Sequence[dict[str, Any]]) -> None: ...


class SqlFeedbackReplica:
    """On the consumer's connection: the shared batch consumer owns that transaction (its
    inbox, the batch and the one-by-one retry), so the replica joins it."""

    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def upsert_surveys(self, rows: Sequence[dict[str, Any]]) -> None:
        await upsert_surveys(self.conn, rows)

    async def upsert_status(self, rows: Sequence[dict[str, Any]]) -> None:
        await upsert_status(self.conn, rows)


async def upsert_surveys(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    """Version-guarded: a redelivered or older snapshot changes nothing."""
    await _upsert(conn, feedback_surveys, "survey_id", rows)


async def upsert_status(conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
    await _upsert(conn, feedback_status, "event_id", rows)


async def _upsert(
    conn: AsyncConnection, table: Any, key: str, rows: Sequence[dict[str, Any]]
) -> None:
    await upsert_newest(conn, table, key, rows)
