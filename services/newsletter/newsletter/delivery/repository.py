"""Delivery rows: materialising them, claiming them in leased batches, recording outcomes.

`SendingRepository` is what the send path sees (the delivery worker claims through it, the
recorder writes outcomes through it, each in a unit of work); `SendingRows` is its SQL."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy import (
    ColumnElement,
    DateTime,
    Integer,
    Text,
    Uuid,
    and_,
    case,
    func,
    literal,
    select,
    text,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY, insert
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.campaigns import repository as campaign_rows
from newsletter.delivery.domain import CAMPAIGN_PRIORITY
from newsletter.suppression import repository as suppressions
from newsletter.suppression.repository import not_suppressed
from newsletter.tables import contact_snapshot, deliveries
from shared.outbox.writer import notify_channel

WAKE_CHANNEL = "newsletter_deliveries"
MATERIALISED_COLUMNS = [
    "id",
    "origin",
    "origin_id",
    "origin_label",
    "priority",
    "campaign_id",
    "contact_id",
    "language",
    "to_email",
    "to_name",
    "variables",
    "status",
]
CLAIMED_COLUMNS = [
    "id",
    "origin",
    "origin_id",
    "origin_label",
    "origin_group",
    "priority",
    "campaign_id",
    "template_key",
    "contact_id",
    "language",
    "to_email",
    "to_name",
    "variables",
    "attachments",
    "attempts",
    "traceparent",
]


async def wake_workers(conn: AsyncConnection) -> None:
    """Tell idle delivery workers of new rows, when (and only if) the transaction commits."""
    await conn.execute(text("SELECT pg_notify(:c, '')"), {"c": WAKE_CHANNEL})


async def add_requested(conn: AsyncConnection, row: dict[str, Any]) -> bool:
    """One row per idempotency key: False when the key already has its row."""
    result = await conn.execute(
        insert(deliveries)
        .values(**row)
        .on_conflict_do_nothing(index_elements=[deliveries.c.idempotency_key])
        .returning(deliveries.c.id)
    )
    return result.first() is not None


def campaign_audience(
    *,
    rule_where: ColumnElement[bool],
    topics: Sequence[str] | None,
    suppression_key: bytes,
) -> ColumnElement[bool]:
    """Who may get a campaign (architecture brief §4): the segment, with consent, confirmed,
    subscribed, deliverable, not erased, not suppressed, and for topical mail a shared topic."""
    cs = contact_snapshot
    conditions = [
        rule_where,
        cs.c.erased.is_(False),
        cs.c.newsletter_consent.is_(True),
        cs.c.subscription_state == "subscribed",
        cs.c.confirmed_at.is_not(None),
        cs.c.email_status == "ok",
        cs.c.email.is_not(None),
        not_suppressed(suppression_key, cs.c.email),
    ]
    if topics is not None:
        conditions.append(cs.c.topics.op("&&")(literal(list(topics), ARRAY(Text))))
    return and_(*conditions)


def reading_language(languages: Sequence[str], default_language: str) -> ColumnElement[str]:
    """The one rule for which version a recipient gets: their own language when the campaign
    has it, else the campaign's sending language. The audience preview and the
    materialisation both select it, so what staff see is what goes out."""
    cs = contact_snapshot
    return case(
        (cs.c.language.in_(list(languages)), cs.c.language), else_=literal(default_language)
    )


async def materialise_campaign(
    conn: AsyncConnection,
    *,
    campaign_id: uuid.UUID,
    campaign_name: str,
    audience: ColumnElement[bool],
    languages: Sequence[str],
    default_language: str,
) -> int:
    """Every recipient's row in ONE set-based INSERT ... SELECT; unique per (campaign, person)."""
    cs = contact_snapshot
    language = reading_language(languages, default_language)
    variables = func.jsonb_build_object(
        "first_name", func.coalesce(cs.c.first_name, ""),
        "last_name", func.coalesce(cs.c.last_name, ""),
        "organisation_name", func.coalesce(cs.c.organisation_name, ""),
        "region", func.coalesce(cs.c.region, ""),
    )  # fmt: skip
    chosen = select(
        func.gen_random_uuid(),
        literal("campaign"),
        literal(str(campaign_id)),
        literal(campaign_name),
        literal(CAMPAIGN_PRIORITY),
        literal(campaign_id),
        cs.c.contact_id,
        language,
        cs.c.email,
        func.btrim(func.concat_ws(" ", cs.c.first_name, cs.c.last_name)),
        variables,
        literal("pending"),
    ).where(audience)
    stmt = (
        insert(deliveries)
        .from_select(
            MATERIALISED_COLUMNS,
            chosen,
        )
        .on_conflict_do_nothing(index_elements=[deliveries.c.campaign_id, deliveries.c.contact_id])
    )
    result = await conn.execute(stmt)
    return result.rowcount or 0


async def claim(conn: AsyncConnection, *, limit: int, lease_s: float) -> Sequence[Row[Any]]:
    """Lease due rows (transactional first): other workers skip them, and they come due
    again when the lease ends unless an outcome is recorded first."""
    d = deliveries
    due = (
        select(d.c.id)
        .where(d.c.status == "pending", d.c.next_attempt_at <= func.now())
        .order_by(d.c.priority, d.c.next_attempt_at)
        .limit(limit)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    stmt = (
        update(d)
        .where(d.c.id.in_(due))
        .values(
            attempts=d.c.attempts + 1,
            next_attempt_at=func.now() + func.make_interval(0, 0, 0, 0, 0, 0, lease_s),
        )
        .returning(*(d.c[name] for name in CLAIMED_COLUMNS))
    )
    return (await conn.execute(stmt)).all()


async def finish(
    conn: AsyncConnection, ids: Sequence[uuid.UUID], *, status: str, errors: Sequence[str | None]
) -> None:
    """Final outcomes (sent, bounced, failed) for many rows in one statement."""
    if not ids:
        return
    batch = select(
        func.unnest(literal(list(ids), ARRAY(Uuid))).label("id"),
        func.unnest(literal(list(errors), ARRAY(Text))).label("error"),
    ).subquery()
    await conn.execute(
        update(deliveries)
        .where(deliveries.c.id == batch.c.id)
        .values(status=status, last_error=batch.c.error, finished_at=func.now())
    )


async def defer(
    conn: AsyncConnection,
    ids: Sequence[uuid.UUID],
    *,
    due: Sequence[datetime],
    errors: Sequence[str | None],
) -> None:
    if not ids:
        return
    batch = select(
        func.unnest(literal(list(ids), ARRAY(Uuid))).label("id"),
        func.unnest(literal(list(due), ARRAY(DateTime(timezone=True)))).label("due"),
        func.unnest(literal(list(errors), ARRAY(Text))).label("error"),
    ).subquery()
    await conn.execute(
        update(deliveries)
        .where(deliveries.c.id == batch.c.id)
        .values(next_attempt_at=batch.c.due, last_error=batch.c.error)
    )


async def hold(
    conn: AsyncConnection,
    ids: Sequence[uuid.UUID],
    *,
    due: Sequence[datetime],
    attempts: Sequence[int],
    errors: Sequence[str | None],
) -> None:
    """Rows the relay kept us from trying: due again at `due`, their attempt count back to
    what it was before the claim (set, not decremented: a repeated write changes nothing)."""
    if not ids:
        return
    batch = select(
        func.unnest(literal(list(ids), ARRAY(Uuid))).label("id"),
        func.unnest(literal(list(due), ARRAY(DateTime(timezone=True)))).label("due"),
        func.unnest(literal(list(attempts), ARRAY(Integer))).label("attempts"),
        func.unnest(literal(list(errors), ARRAY(Text))).label("error"),
    ).subquery()
    await conn.execute(
        update(deliveries)
        .where(deliveries.c.id == batch.c.id, deliveries.c.status == "pending")
        .values(next_attempt_at=batch.c.due, attempts=batch.c.attempts, last_error=batch.c.error)
    )


@dataclass(frozen=True)
class OutboxRows:
    """Events for the outbox as columns: ids, keys, headers (JSON text), payloads."""

    event_ids: Sequence[uuid.UUID]
    keys: Sequence[str]
    headers: Sequence[str]
    payloads: Sequence[bytes]


_ADD_EVENTS = text(
    "INSERT INTO outbox (event_id, topic, key, headers, payload)"
    " SELECT e, :topic, k, h::jsonb, p FROM unnest("
    "CAST(:ids AS uuid[]), CAST(:keys AS text[]), CAST(:headers AS text[]),"
    " CAST(:payloads AS bytea[])) WITH ORDINALITY AS t(e, k, h, p, n) ORDER BY n"
)


async def add_outcome_events(conn: AsyncConnection, topic: str, rows: OutboxRows) -> None:
    """A batch's events into the outbox in ONE statement, in order, in the caller's
    transaction; the relay is woken when (and only if) it commits."""
    if not rows.event_ids:
        return
    await conn.execute(
        _ADD_EVENTS,
        {
            "topic": topic,
            "ids": list(rows.event_ids),
            "keys": list(rows.keys),
            "headers": list(rows.headers),
            "payloads": list(rows.payloads),
        },
    )
    await conn.execute(text("SELECT pg_notify(:c, '')"), {"c": notify_channel("newsletter")})


class SendingRepository(Protocol):
    """Claiming due rows and writing what became of them, a batch per statement."""

    async def claim(self, *, limit: int, lease_s: float) -> Sequence[Any]:
        """Rows with CLAIMED_COLUMNS, leased for `lease_s` seconds."""
        ...

    async def campaigns_of(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        """The campaigns (as column dicts) the claimed rows belong to."""
        ...

    async def finish(
        self, ids: Sequence[uuid.UUID], *, status: str, errors: Sequence[str | None]
    ) -> None: ...
    async def defer(
        self,
        ids: Sequence[uuid.UUID],
        *,
        due: Sequence[datetime],
        errors: Sequence[str | None],
    ) -> None: ...
    async def hold(
        self,
        ids: Sequence[uuid.UUID],
        *,
        due: Sequence[datetime],
        attempts: Sequence[int],
        errors: Sequence[str | None],
    ) -> None: ...
    async def suppress(self, entries: Sequence[tuple[bytes, str, str | None]]) -> None:
        """(hmac, reason, detail); an address already listed keeps its first reason."""
        ...

    async def add_outcome_events(self, topic: str, rows: OutboxRows) -> None: ...


class SendingRows:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def claim(self, *, limit: int, lease_s: float) -> Sequence[Any]:
        return await claim(self._conn, limit=limit, lease_s=lease_s)

    async def campaigns_of(self, ids: set[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        found = await campaign_rows.get_many(self._conn, ids)
        return {campaign_id: dict(row) for campaign_id, row in found.items()}

    async def finish(
        self, ids: Sequence[uuid.UUID], *, status: str, errors: Sequence[str | None]
    ) -> None:
        await finish(self._conn, ids, status=status, errors=errors)

    async def defer(
        self,
        ids: Sequence[uuid.UUID],
        *,
        due: Sequence[datetime],
        errors: Sequence[str | None],
    ) -> None:
        await defer(self._conn, ids, due=due, errors=errors)

    async def hold(
        self,
        ids: Sequence[uuid.UUID],
        *,
        due: Sequence[datetime],
        attempts: Sequence[int],
        errors: Sequence[str | None],
    ) -> None:
        await hold(self._conn, ids, due=due, attempts=attempts, errors=errors)

    async def suppress(self, entries: Sequence[tuple[bytes, str, str | None]]) -> None:
        await suppressions.add(self._conn, entries)

    async def add_outcome_events(self, topic: str, rows: OutboxRows) -> None:
        await add_outcome_events(self._conn, topic, rows)
