"""The composer's reads: the mails of one test send, for the page that says where they went,
and the topics people follow (the composer's and the materials' topic choices)."""

from __future__ import annotations

import uuid
from typing import Protocol

from sqlalchemy import func, select
from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.tables import contact_snapshot, deliveries


async def test_mails(
    conn: AsyncConnection, campaign_id: uuid.UUID, copy_id: uuid.UUID
) -> list[tuple[str, str]]:
    """(address, delivery status) of the test send `copy_id` of `campaign_id`."""
    d = deliveries
    stmt = (
        select(d.c.to_email, d.c.status)
        .where(
            d.c.campaign_id == copy_id,
            d.c.origin == "campaign_test",
            d.c.origin_id == str(campaign_id),
        )
        .order_by(d.c.to_email)
    )
    return [(str(e), str(s)) for e, s in (await conn.execute(stmt)).all()]


async def known_topics(conn: AsyncConnection) -> dict[str, int]:
    """The topics people follow in the contact replica, with how many follow each."""
    topic = func.unnest(contact_snapshot.c.topics).label("topic")
    inner = select(topic).where(contact_snapshot.c.erased.is_(False)).subquery()
    stmt = select(inner.c.topic, func.count()).group_by(inner.c.topic).order_by(inner.c.topic)
    return {str(t): int(n) for t, n in (await conn.execute(stmt)).all()}


class ComposerRepository(Protocol):
    """What the composer's and the campaign pages read (`uow.composer`)."""

    async def test_mails(self, campaign_id: uuid.UUID, copy_id: uuid.UUID) -> list[tuple[str, str]]:
        """(address, delivery status) of the test send `copy_id` of `campaign_id`, by address."""
        ...

    async def known_topics(self) -> dict[str, int]:
        """The topics people follow in the contact replica, with how many follow each."""
        ...


class ComposerRows:
    """`ComposerRepository` over the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def test_mails(self, campaign_id: uuid.UUID, copy_id: uuid.UUID) -> list[tuple[str, str]]:
        return await test_mails(self._conn, campaign_id, copy_id)

    async def known_topics(self) -> dict[str, int]:
        return await known_topics(self._conn)
