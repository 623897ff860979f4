"""Newsletter's retention: old open/click events become per-campaign daily counts and go; old
finished deliveries become counts and go. Suppressions stay (they must outlive everything).
Every campaign figure reads raw + retained counts (retention/repository.py).

Cut-offs are midnight UTC, so each day's rows are counted in one run. The dry run and the real
run select with the same conditions; a real run publishes one audit entry with the counts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncEngine
from sqlalchemy.sql.elements import ColumnElement

from newsletter.retention import repository as retained
from newsletter.tables import deliveries, tracking_events
from newsletter.unit_of_work import unit_of_work
from shared.retention import months_before, publish_audit
from shared.settings import ServiceSettings


@dataclass(frozen=True)
class RetentionReport:
    dry_run: bool
    tracking_cutoff: datetime
    delivery_cutoff: datetime
    event_ids: list[uuid.UUID]
    delivery_ids: list[uuid.UUID]

    def counts(self) -> dict[str, int]:
        return {"tracking_events": len(self.event_ids), "deliveries": len(self.delivery_ids)}

    def listed(self) -> list[str]:
        return [f"tracking_event {i}" for i in self.event_ids] + [
            f"delivery {i}" for i in self.delivery_ids
        ]


def _old_events(cutoff: datetime) -> list[ColumnElement[bool]]:
    return [tracking_events.c.at < cutoff]


def _old_deliveries(cutoff: datetime) -> list[ColumnElement[bool]]:
    return [deliveries.c.created_at < cutoff, deliveries.c.status != "pending"]


async def run_retention(
    engine: AsyncEngine, settings: ServiceSettings, *, dry_run: bool, now: datetime | None = None
) -> RetentionReport:
    now = now or datetime.now(UTC)
    tracking_cutoff = months_before(now, settings.retention_tracking_events_months)
    delivery_cutoff = months_before(now, settings.retention_delivery_rows_months)
    events_where = _old_events(tracking_cutoff)
    deliveries_where = _old_deliveries(delivery_cutoff)
    async with unit_of_work(engine) as uow:
        conn = uow.conn
        if dry_run:
            event_ids = list(
                (await conn.execute(select(tracking_events.c.id).where(*events_where))).scalars()
            )
            delivery_ids = list(
                (await conn.execute(select(deliveries.c.id).where(*deliveries_where))).scalars()
            )
            return RetentionReport(True, tracking_cutoff, delivery_cutoff, event_ids, delivery_ids)
        await conn.execute(retained.count_tracking(events_where, tracking_cutoff))
        event_ids = list(
            (
                await conn.execute(
                    delete(tracking_events).where(*events_where).returning(tracking_events.c.id)
                )
            ).scalars()
        )
        await conn.execute(retained.count_deliveries(deliveries_where))
        delivery_ids = list(
            (
                await conn.execute(
                    delete(deliveries).where(*deliveries_where).returning(deliveries.c.id)
                )
            ).scalars()
        )
        report = RetentionReport(False, tracking_cutoff, delivery_cutoff, event_ids, delivery_ids)
        publish_audit(
            uow,
            service="newsletter",
            details={
                **report.counts(),
                "tracking_cutoff": tracking_cutoff.isoformat(),
                "delivery_cutoff": delivery_cutoff.isoformat(),
            },
        )
        await uow.commit()
    return report
