"""The SQL of registrations (and the replica lookup of a registrant's address)."""

from __future__ import annotations

import uuid
from collections.abc import Collection, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy import func, insert, not_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from events.registration.domain import Registrant
from events.tables import contact_snapshot, events, registrations
from shared.tombstones import erased_in_replica


class SqlRegistrationRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def add(
        self,
        *,
        registration_id: uuid.UUID,
        event_id: uuid.UUID,
        state: str,
        registrant: Registrant,
        contact_id: uuid.UUID | None,
        now: datetime,
    ) -> None:
        await self.conn.execute(
            insert(registrations).values(
                id=registration_id,
                event_id=event_id,
                state=state,
                name=registrant.name,
                email=registrant.email,
                organisation=registrant.organisation,
                accessibility_needs=registrant.accessibility_needs,
                language=registrant.language,
                contact_id=contact_id,
                consented_at=now,
                created_at=now,
                updated_at=now,
            )
        )

    async def live_of(self, event_id: uuid.UUID, email: str) -> Any:
        return (
            await self.conn.execute(
                select(registrations).where(
                    registrations.c.event_id == event_id,
                    registrations.c.email == email,
                    registrations.c.state != "cancelled",
                )
            )
        ).first()

    async def get(self, registration_id: uuid.UUID) -> Any:
        return (
            await self.conn.execute(
                select(registrations).where(registrations.c.id == registration_id)
            )
        ).first()

    async def count_registered(self, event_id: uuid.UUID) -> int:
        return int(
            await self.conn.scalar(
                select(func.count()).where(
                    registrations.c.event_id == event_id, registrations.c.state == "registered"
                )
            )
            or 0
        )

    async def waiting(self, event_id: uuid.UUID) -> list[uuid.UUID]:
        rows = await self.conn.execute(
            select(registrations.c.id)
            .where(registrations.c.event_id == event_id, registrations.c.state == "waitlisted")
            .order_by(registrations.c.created_at, registrations.c.id)
        )
        return [r.id for r in rows]

    async def set_state(self, ids: Sequence[uuid.UUID], state: str, now: datetime) -> list[Any]:
        if not ids:
            return []
        values: dict[str, Any] = {"state": state, "updated_at": now}
        if state == "cancelled":
            values["cancelled_at"] = now
        rows = await self.conn.execute(
            update(registrations)
            .where(registrations.c.id.in_(ids))
            .values(**values)
            .returning(registrations)
        )
        return list(rows)

    async def of_event(self, event_id: uuid.UUID) -> list[Any]:
        rows = await self.conn.execute(
            select(registrations)
            .where(registrations.c.event_id == event_id)
            .order_by(registrations.c.created_at, registrations.c.id)
        )
        return list(rows)

    async def counts(self, event_id: uuid.UUID) -> dict[str, int]:
        rows = await self.conn.execute(
            select(registrations.c.state, func.count())
            .where(registrations.c.event_id == event_id)
            .group_by(registrations.c.state)
        )
        return {state: int(n) for state, n in rows}

    async def known_person(self, email: str) -> uuid.UUID | None:
        found: uuid.UUID | None = await self.conn.scalar(
            select(contact_snapshot.c.contact_id)
            .where(
                func.lower(contact_snapshot.c.email) == email,
                contact_snapshot.c.erased.is_(False),
            )
            .limit(1)
        )
        return found

    async def due_reminders(self, now: datetime, offset: int, *, limit: int) -> list[Any]:
        """Registered people of published events starting within `offset` hours who have
        not had that reminder; locked, skipping rows another worker holds."""
        rows = await self.conn.execute(
            select(registrations)
            .join(events, events.c.id == registrations.c.event_id)
            .where(
                events.c.state == "published",
                events.c.starts_at > now,
                events.c.starts_at <= now + timedelta(hours=offset),
                registrations.c.state == "registered",
                not_(registrations.c.reminders_sent.contains([offset])),
            )
            .order_by(registrations.c.event_id)
            .limit(limit)
            .with_for_update(of=registrations, skip_locked=True)
        )
        return list(rows)

    async def mark_reminded(self, registration_id: uuid.UUID, offsets: list[int]) -> None:
        await self.conn.execute(
            update(registrations)
            .where(registrations.c.id == registration_id)
            .values(
                reminders_sent=func.array_cat(registrations.c.reminders_sent, offsets),
                updated_at=func.now(),
            )
        )

    async def set_attended(
        self, ids: Sequence[uuid.UUID], attended_at: datetime | None
    ) -> list[Any]:
        if not ids:
            return []
        rows = await self.conn.execute(
            update(registrations)
            .where(registrations.c.id.in_(ids))
            .values(attended_at=attended_at, updated_at=func.now())
            .returning(registrations)
        )
        return list(rows)


class ErasureRepository(Protocol):
    """What erasures and merges change in registrations (`uow.erasure`)."""

    async def erased_among(self, contact_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        """Those the contact replica holds as erased."""
        ...

    async def forget_people(self, contact_ids: Sequence[uuid.UUID]) -> int:
        """Their registrations keep state and times only; how many changed (0 the 2nd time)."""
        ...

    async def repoint(self, *, source: uuid.UUID, target: uuid.UUID) -> int:
        """`source`'s registrations become `target`'s; how many."""
        ...


class SqlErasureRepository:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn

    async def erased_among(self, contact_ids: Collection[uuid.UUID]) -> set[uuid.UUID]:
        return await erased_in_replica(self.conn, contact_snapshot, contact_ids)

    async def forget_people(self, contact_ids: Sequence[uuid.UUID]) -> int:
        if not contact_ids:
            return 0
        r = registrations
        result = await self.conn.execute(
            update(r)
            .where(r.c.contact_id.in_(list(contact_ids)))
            .values(
                contact_id=None,
                name="",
                email=r.c.id.cast(r.c.email.type) + "@erased.invalid",
                organisation="",
                accessibility_needs="",
            )
        )
        return result.rowcount or 0

    async def repoint(self, *, source: uuid.UUID, target: uuid.UUID) -> int:
        result = await self.conn.execute(
            update(registrations)
            .where(registrations.c.contact_id == source)
            .values(contact_id=target)
        )
        return result.rowcount or 0
