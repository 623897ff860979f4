"""Newsletter's retention: old open/click events become per-campaign daily counts and go; old
finished deliveries become counts and go. Suppressions stay (they must outlive everything).
Every campaign figure reads raw + retained counts (retention/repository.py).

Cut-offs are midnight UTC, so each day's rows are counted in one run. The dry run and the real
run select with the same conditions; a real run publishes one audit entry with the counts.
`apply_retention` is the use case over a `NewsletterUnitOfWork`; `retention/job.py` runs it
from the worker and the `retention` command.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

from newsletter.unit_of_work import NewsletterUnitOfWork
from shared.retention import months_before, publish_audit


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


async def apply_retention(
    uow: NewsletterUnitOfWork,
    *,
    tracking_months: int,
    delivery_months: int,
    dry_run: bool,
    now: datetime | None = None,
) -> RetentionReport:
    """A dry run only lists (and writes nothing); a real run counts, deletes and audits, in
    one commit."""
    now = now or datetime.now(UTC)
    tracking_cutoff = months_before(now, tracking_months)
    delivery_cutoff = months_before(now, delivery_months)
    rows = uow.retention
    if dry_run:
        return RetentionReport(
            True,
            tracking_cutoff,
            delivery_cutoff,
            await rows.old_events(tracking_cutoff),
            await rows.old_deliveries(delivery_cutoff),
        )
    event_ids = await rows.count_and_delete_events(tracking_cutoff)
    delivery_ids = await rows.count_and_delete_deliveries(delivery_cutoff)
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
