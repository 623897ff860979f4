"""Contacts' retention of background work: jobs finished more than RETENTION_JOB_DAYS ago go
with their items and their stored input and result files, import uploads nobody mapped within a
day go; running, queued and recent jobs stay; the dry run lists exactly what the real run
removes, and the audit entry counts it."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from contacts.retention.service import run_retention
from contacts.settings import ContactsSettings
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_contacts_signup_pages import one
from tests.support.rows import insert

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


async def job(engine: AsyncEngine, state: str, ended_days_ago: float | None) -> uuid.UUID:
    ended = None if ended_days_ago is None else NOW - timedelta(days=ended_days_ago)
    job_id = await insert(
        engine,
        "jobs",
        id=uuid.uuid4(),
        kind="export",
        state=state,
        created_at=NOW - timedelta(days=200),
        updated_at=ended or NOW,
        finished_at=ended,
        input=b"email\nx@jobs.example\n",
        result=b"id,email\n1,x@jobs.example\n",
    )
    for _ in range(2):
        await insert(engine, "job_items", job_id=job_id, person_id=uuid.uuid4())
    return job_id


async def ids_of(engine: AsyncEngine, table: str) -> set[uuid.UUID]:
    async with engine.connect() as conn:
        return set((await conn.execute(text(f"SELECT id FROM {table}"))).scalars())


async def test_old_finished_jobs_and_stale_uploads_go_exactly_as_the_dry_run_listed(
    engine: AsyncEngine, settings: ContactsSettings
) -> None:
    old = {
        await job(engine, "done", 91),
        await job(engine, "failed", 120),
        await job(engine, "cancelled", 90.5),
    }
    kept = {
        await job(engine, "done", 89),
        await job(engine, "running", None),  # started long ago, still working
        await job(engine, "queued", None),
    }
    stale = await insert(
        engine,
        "import_uploads",
        id=uuid.uuid4(),
        filename="people.csv",
        data=b"email\ny@jobs.example\n",
        created_at=NOW - timedelta(days=1, minutes=1),
    )
    fresh = await insert(
        engine,
        "import_uploads",
        id=uuid.uuid4(),
        filename="people.csv",
        data=b"email\nz@jobs.example\n",
        created_at=NOW - timedelta(hours=23),
    )

    dry = await run_retention(SqlContactsUnitOfWork(engine), settings, dry_run=True, now=NOW)
    assert set(dry.job_ids) == old
    assert dry.upload_ids == [stale]
    assert dry.counts()["job_items"] == 6
    assert {f"job {i}" for i in old} | {f"import_upload {stale}"} <= set(dry.listed())
    assert await ids_of(engine, "jobs") == old | kept  # the dry run changed nothing

    real = await run_retention(SqlContactsUnitOfWork(engine), settings, dry_run=False, now=NOW)
    assert (sorted(real.job_ids), real.upload_ids) == (sorted(dry.job_ids), dry.upload_ids)
    assert real.counts() == dry.counts()
    assert await ids_of(engine, "jobs") == kept
    assert await ids_of(engine, "import_uploads") == {fresh}
    async with engine.connect() as conn:
        items = (await conn.execute(text("SELECT job_id FROM job_items"))).scalars().all()
    assert sorted(items) == sorted([*kept, *kept])  # the kept jobs' two items each
    audit = await one(engine, "SELECT * FROM audit_log WHERE action = 'retention.run'")
    assert audit is not None
    assert (audit["details"]["jobs"], audit["details"]["job_items"]) == (3, 6)
    assert audit["details"]["import_uploads"] == 1

    again = await run_retention(SqlContactsUnitOfWork(engine), settings, dry_run=True, now=NOW)
    assert (again.job_ids, again.upload_ids) == ([], [])
