"""Contacts' retention: unconfirmed signups (and the pending people only they created) go after
the configured days; so do finished background jobs (their items, input file and result file,
all stored in the jobs rows), import uploads nobody mapped in time, and closed enquiries
(with their replies) after the configured months. People inactive for years
are listed for staff, never deleted here.

The dry run and the real run select with the same queries, so the dry run lists exactly what a
real run at the same moment would remove. A real run writes one audit entry with the counts.
The job takes contacts' unit of work (`uow.retention` finds and removes); the worker's loop
and the `retention` command build the SQL one from their engine (`contacts/cli_retention.py`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from contacts.audit.domain import RETENTION, erasure_details
from contacts.enquiries.service import retention_cutoff
from contacts.imports.service.uploads import MAX_AGE as UPLOAD_MAX_AGE
from contacts.unit_of_work import ContactsUnitOfWork
from shared.settings import ServiceSettings


@dataclass(frozen=True)
class RetentionReport:
    dry_run: bool
    cutoff: datetime
    signup_ids: list[uuid.UUID]
    person_ids: list[uuid.UUID]
    job_cutoff: datetime | None = None
    job_ids: list[uuid.UUID] = field(default_factory=list)
    job_item_count: int = 0
    upload_ids: list[uuid.UUID] = field(default_factory=list)
    enquiry_ids: list[uuid.UUID] = field(default_factory=list)

    def counts(self) -> dict[str, int]:
        return {
            "unconfirmed_signups": len(self.signup_ids),
            "pending_people": len(self.person_ids),
            "jobs": len(self.job_ids),
            "job_items": self.job_item_count,
            "import_uploads": len(self.upload_ids),
            "closed_enquiries": len(self.enquiry_ids),
        }

    def listed(self) -> list[str]:
        return (
            [f"signup {i}" for i in self.signup_ids]
            + [f"person {i}" for i in self.person_ids]
            + [f"job {i}" for i in self.job_ids]
            + [f"import_upload {i}" for i in self.upload_ids]
            + [f"enquiry {i}" for i in self.enquiry_ids]
        )


def signup_cutoff(settings: ServiceSettings, now: datetime) -> datetime:
    return now - timedelta(days=settings.retention_unconfirmed_signup_days)


async def run_retention(
    uow: ContactsUnitOfWork,
    settings: ServiceSettings,
    *,
    dry_run: bool,
    now: datetime | None = None,
) -> RetentionReport:
    """What is past its period; a real run removes it (a pending person with a tombstone and
    a `person.erased` entry each) and audits the counts once (`retention.run`)."""
    now = now or datetime.now(UTC)
    cutoff = signup_cutoff(settings, now)
    job_cutoff = now - timedelta(days=settings.retention_job_days)
    enquiry_cutoff = retention_cutoff(settings.retention_closed_enquiry_months, now)
    lock = not dry_run
    async with uow:
        found = uow.retention
        signup_ids = await found.expired_signups(cutoff, for_update=lock)
        person_ids = await found.leftover_people(signup_ids, for_update=lock)
        job_ids = await found.finished_jobs(job_cutoff, for_update=lock)
        items = await found.item_count(job_ids)
        uploads = await found.stale_uploads(now - UPLOAD_MAX_AGE, for_update=lock)
        enquiry_ids = await found.closed_enquiries(enquiry_cutoff, for_update=lock)
        report = RetentionReport(
            dry_run,
            cutoff,
            signup_ids,
            person_ids,
            job_cutoff,
            job_ids,
            items,
            uploads,
            enquiry_ids,
        )
        if dry_run:
            return report
        for person_id in person_ids:
            person = await uow.people.get(person_id)
            if person is not None:  # locked above; the tombstone tells every replica
                await uow.people.remove(person_id)
                await uow.events.publish_erasure(person)
                await uow.audit.record(
                    RETENTION,
                    "person.erased",
                    target_type="person",
                    target_id=str(person_id),
                    details=erasure_details(RETENTION, "retention"),
                )
        await found.remove(signup_ids=signup_ids, job_ids=job_ids, upload_ids=uploads)
        await uow.enquiries.remove(enquiry_ids)
        await uow.audit.record(
            RETENTION,
            "retention.run",
            target_type="retention",
            target_id="contacts",
            details={
                **report.counts(),
                "cutoff": cutoff.isoformat(),
                "job_cutoff": job_cutoff.isoformat(),
                "enquiry_cutoff": enquiry_cutoff.isoformat(),
            },
        )
        await uow.commit()
    return report


async def inactive_people(
    uow: ContactsUnitOfWork, settings: ServiceSettings, *, now: datetime, limit: int
) -> list[dict[str, Any]]:
    """People neither confirmed nor engaged for the configured years: for staff to review
    (re-permission or erasure on the person's page); nothing here deletes."""
    cutoff = now - timedelta(days=365 * settings.retention_inactive_review_years)
    async with uow:
        return await uow.retention.inactive_people(cutoff, cutoff.date(), limit=limit)
