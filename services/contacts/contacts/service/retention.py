"""Contacts' retention: unconfirmed signups (and the pending people only they created) go after
the configured days; people inactive for years are listed for staff, never deleted here.

The dry run and the real run select with the same queries, so the dry run lists exactly what a
real run at the same moment would remove. A real run writes one audit entry with the counts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.persistence import people
from contacts.persistence import retention as store
from contacts.persistence import staff as staff_store
from contacts.persistence.tables import signups
from contacts.persistence.unit_of_work import unit_of_work
from contacts.snapshots import publish_erasure
from shared.retention import ACTOR
from shared.settings import ServiceSettings


@dataclass(frozen=True)
class RetentionReport:
    dry_run: bool
    cutoff: datetime
    signup_ids: list[uuid.UUID]
    person_ids: list[uuid.UUID]

    def counts(self) -> dict[str, int]:
        return {"unconfirmed_signups": len(self.signup_ids), "pending_people": len(self.person_ids)}

    def listed(self) -> list[str]:
        return [f"signup {i}" for i in self.signup_ids] + [f"person {i}" for i in self.person_ids]


def signup_cutoff(settings: ServiceSettings, now: datetime) -> datetime:
    return now - timedelta(days=settings.retention_unconfirmed_signup_days)


async def run_retention(
    engine: AsyncEngine, settings: ServiceSettings, *, dry_run: bool, now: datetime | None = None
) -> RetentionReport:
    cutoff = signup_cutoff(settings, now or datetime.now(UTC))
    async with unit_of_work(engine) as uow:
        signup_ids = await store.expired_signups(uow.conn, cutoff, for_update=not dry_run)
        person_ids = await store.leftover_people(uow.conn, signup_ids, for_update=not dry_run)
        report = RetentionReport(dry_run, cutoff, signup_ids, person_ids)
        if dry_run:
            return report
        for person_id in person_ids:
            person = await people.get(uow.conn, person_id)
            if person is not None:  # locked above; the tombstone tells every replica
                await people.remove(uow.conn, person_id)
                await publish_erasure(uow, person)
        if signup_ids:
            await uow.conn.execute(delete(signups).where(signups.c.id.in_(signup_ids)))
        await staff_store.record_action(
            uow.conn,
            service="contacts",
            actor_id=ACTOR,
            actor_role=None,
            action="retention.run",
            target_type="retention",
            target_id="contacts",
            details={**report.counts(), "cutoff": cutoff.isoformat()},
        )
        await uow.commit()
    return report
