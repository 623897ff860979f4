"""Surveys' retention: a campaign's invitations (who was asked, and their link hashes), its
public-link respondent slots and any unsent drafts go once the campaign has been closed for the
configured days. The counts the overview shows are kept first (retention/repository.py) and
read back with the raw rows; responses stay (they lose only the invitation link). The dry run
and the real run select with the same conditions; a real run publishes one audit entry.

`retire_expired` is the use case (on the unit of work); the long SQL batch (tally, detach,
delete) stays in the repository; `job.run_retention` is the edge the worker and CLI call."""

from __future__ import annotations

from datetime import datetime

from shared.retention import publish_audit
from surveys.retention.domain import RetentionReport
from surveys.unit_of_work import SurveysUnitOfWork

__all__ = ["RetentionReport", "retire_expired"]


async def retire_expired(
    uow: SurveysUnitOfWork, *, closed_before: datetime, dry_run: bool
) -> RetentionReport:
    """What goes of campaigns closed before `closed_before`: listed only (dry run), or removed
    with their figures kept and one audit entry of counts (no personal data)."""
    async with uow:
        if dry_run:
            found = await uow.retention.expired(closed_before)
            return RetentionReport(
                True,
                closed_before,
                found.invitation_ids,
                found.draft_count,
                found.open_respondent_hashes,
            )
        gone = await uow.retention.retire(closed_before)
        report = RetentionReport(
            False, closed_before, gone.invitation_ids, gone.draft_count, gone.open_respondent_hashes
        )
        publish_audit(
            uow,
            service="surveys",
            details={**report.counts(), "closed_before": closed_before.isoformat()},
        )
        await uow.commit()
    return report
