"""Newsletter's replica of contacts' segment definitions (see shared/segments/replica.py), and
the segments repository of the unit of work (`uow.segments`) that pages and routes read."""

from __future__ import annotations

from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from newsletter.tables import segments as table
from shared.segments.replica import SegmentReplica

replica = SegmentReplica(table)
upsert = replica.upsert
active = replica.active
by_ids = replica.by_ids
rules = replica.rules


class SegmentRepository(Protocol):
    """Contacts' segments a campaign may choose, from the local replica."""

    async def active(self, lang: str = "fi") -> list[dict[str, Any]]:
        """Live (not archived) segments, by name in the alphabet of `lang`: each a row with
        `segment_id`, `name`, `rule`, `version` and `archived`."""
        ...


class SegmentRows:
    """`SegmentRepository` over the unit of work's connection."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def active(self, lang: str = "fi") -> list[dict[str, Any]]:
        return [dict(r) for r in await active(self._conn, lang)]
