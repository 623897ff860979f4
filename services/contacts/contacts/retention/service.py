"""Contacts' retention: unconfirmed signups (and the pending people only they created) go after
the configured days; so do finished background jobs (their items, input file and result file,
all stored in the jobs rows), import uploads nobody mapped in time, and closed enquiries
(with their replies) after the configured months. People inactive for years
are listed for staff, never deleted here.

The dry run and the real run select with the same queries, so the dry run lists exactly what a
real run at the same moment would remove. A real run writes one audit entry with the counts.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from sqlalchemy import delete
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.domain import RETENTION, erasure_details
from contacts.audit.service import audit
from contacts.enquiries import repository as enquiries
from contacts.enquiries.service import retention_cutoff
from contacts.imports.service.uploads import MAX_AGE as UPLOAD_MAX_AGE
from contacts.people import repository as people
from contacts.retention import repository as store
from contacts.snapshots import publish_erasure
from contacts.staff import repository as staff_store
from contacts.tables import import_uploads, jobs, signups
from contacts.unit_of_work import unit_of_work
from shared.retention import ACTOR
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
    engine: AsyncEngine, settings: ServiceSettings, *, dry_run: bool, now: datetime | None = None
) -> RetentionReport:
    now = now or datetime.now(UTC)
    cutoff = signup_cutoff(settings, now)
    job_cutoff = now - timedelta(days=settings.retention_job_days)
    lock = not dry_run
    async with unit_of_work(engine) as uow:
        signup_ids = await store.expired_signups(uow.conn, cutoff, for_update=lock)
        person_ids = await store.leftover_people(uow.conn, signup_ids, for_update=lock)
        job_ids = await store.finished_jobs(uow.conn, job_cutoff, for_update=lock)
        items = await store.item_count(uow.conn, job_ids)
        uploads = await store.stale_uploads(uow.conn, now - UPLOAD_MAX_AGE, for_update=lock)
        enquiry_cutoff = retention_cutoff(settings.retention_closed_enquiry_months, now)
        enquiry_ids = await enquiries.closed_before(uow.conn, enquiry_cutoff, for_update=lock)
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
            person = await people.get(uow.conn, person_id)
            if person is not None:  # locked above; the tombstone tells every replica
                await people.remove(uow.conn, person_id)
                await publish_erasure(uow, person)
                await audit(
                    uow.conn,
                    RETENTION,
                    "person.erased",
                    target_type="person",
                    target_id=str(person_id),
                    details=erasure_details(RETENTION, "retention"),
                )
        if signup_ids:
            await uow.conn.execute(delete(signups).where(signups.c.id.in_(signup_ids)))
        if job_ids:  # job_items go with them (ON DELETE CASCADE)
            await uow.conn.execute(delete(jobs).where(jobs.c.id.in_(job_ids)))
        if uploads:
            await uow.conn.execute(delete(import_uploads).where(import_uploads.c.id.in_(uploads)))
        await enquiries.remove(uow.conn, enquiry_ids)
        await staff_store.record_action(
            uow.conn,
            service="contacts",
            actor_id=ACTOR,
            actor_role=None,
            action="retention.run",
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
