"""A service's replica of contacts' segment definitions (`contacts.segment.v1`).

Newsletter and surveys both choose audiences by segment; each keeps its own copy in its own
database (a table made by `segment_replica_table`) and reads it through a `SegmentReplica`.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from faststream.kafka import KafkaBroker
from sqlalchemy import Boolean, Column, Integer, MetaData, Table, Text, Uuid, select
from sqlalchemy.dialects.postgresql import JSONB
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.collation import collated
from shared.consuming import bare_connection
from shared.events.contacts import SegmentV1
from shared.events.envelope import CloudEvent
from shared.events.topics import SEGMENTS
from shared.settings import ServiceSettings
from shared.subscriptions import subscribe_batches
from shared.versioned import upsert_newest


def segment_replica_table(metadata: MetaData) -> Table:
    return Table(
        "segments",
        metadata,
        Column("segment_id", Uuid, primary_key=True),
        Column("version", Integer, nullable=False),
        Column("name", Text, nullable=False),
        Column("rule", JSONB, nullable=False),
        Column("archived", Boolean, nullable=False, server_default="false"),
    )


class SegmentReplica:
    def __init__(self, table: Table) -> None:
        self.table = table

    async def upsert(self, conn: AsyncConnection, rows: Sequence[dict[str, Any]]) -> None:
        """Version-guarded, so a redelivered or older definition changes nothing."""
        await upsert_newest(conn, self.table, "segment_id", rows)

    async def active(self, conn: AsyncConnection, lang: str = "fi") -> list[RowMapping]:
        """Live segments by name, in the alphabet of `lang` (the page's language)."""
        t = self.table
        stmt = (
            select(t)
            .where(t.c.archived.is_(False))
            .order_by(collated(t.c.name, lang), t.c.segment_id)
        )
        return [r._mapping for r in (await conn.execute(stmt)).all()]

    async def by_ids(self, conn: AsyncConnection, ids: Sequence[uuid.UUID]) -> list[RowMapping]:
        t = self.table
        stmt = select(t).where(t.c.segment_id.in_(ids)).order_by(collated(t.c.name, "fi"))
        return [r._mapping for r in (await conn.execute(stmt)).all()]

    async def rules(self, conn: AsyncConnection, ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Any]:
        if not ids:
            return {}
        t = self.table
        stmt = select(t.c.segment_id, t.c.rule).where(t.c.segment_id.in_(ids))
        return {r.segment_id: r.rule for r in (await conn.execute(stmt)).all()}

    def subscribe(
        self,
        broker: KafkaBroker,
        *,
        settings: ServiceSettings,
        engine: AsyncEngine,
        description: str,
    ) -> None:
        async def apply_batch(conn: AsyncConnection, events: list[CloudEvent]) -> None:
            rows = []
            for event in events:
                if event.data is None:
                    continue  # segments are archived, never tombstoned
                seg = event.parse(SegmentV1)
                rows.append(
                    {
                        "segment_id": seg.segment_id,
                        "version": seg.version,
                        "name": seg.name,
                        "rule": seg.rule,
                        "archived": seg.archived,
                    }
                )
            await self.upsert(conn, rows)

        subscribe_batches(
            broker,
            settings=settings,
            engine=engine,
            topic=SEGMENTS,
            purpose="segment-replica",
            unit_of_work=bare_connection,  # pure infrastructure: rows upserted by version
            apply_batch=apply_batch,
            description=description,
        )
