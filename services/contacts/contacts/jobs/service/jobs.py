"""Background jobs: starting a bulk action over a fixed set of people, and the runner.

The runner lives in the contacts worker and takes a factory of units of work (one per step):
the job records are `uow.jobs`; a bulk batch is set-based SQL behind `uow.jobs.apply_bulk`
(`bulk.py`). It claims the oldest queued job (or a running one whose lease expired because its
worker died), then works through the job's items batch by
batch; each batch commits the changes, their snapshots and outbox rows, the removal of its
items and the job's counts together. A crash therefore resumes exactly where the last
committed batch ended.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from collections.abc import Callable, Coroutine, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic_settings import BaseSettings, SettingsConfigDict
from sqlalchemy import ColumnElement, func, select
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.errors import NotFound
from contacts.imports.service import jobs as import_jobs
from contacts.imports.service.importing import UnitsOfWork
from contacts.jobs.domain import Job, bulk_parameters, check_erase_confirmation, failure_text
from contacts.jobs.repository import jobs as store
from contacts.people.repository.directory import view_conditions
from contacts.segments import service as segments
from contacts.tables import contact_snapshot
from contacts.topics import repository as topic_store
from contacts.unit_of_work import ContactsUnitOfWork, SqlContactsUnitOfWork
from shared.segments.compiler import compile_rule

log = logging.getLogger(__name__)
SEARCH_TEXT_NOT_KEPT = "(a search text, not kept)"
FILTER_KEYS = (
    "text",
    "organisation_type",
    "region",
    "municipality",
    "membership_state",
    "subscription_state",
    "topic",
    "tag",
)


class JobSettings(BaseSettings):
    model_config = SettingsConfigDict(env_prefix="CONTACTS_JOBS_", extra="ignore")

    batch_size: int = 500
    lease_s: float = 60.0
    poll_interval_s: float = 1.0


@dataclass(frozen=True)
class Selection:
    """Which people: the people search's filters, or a segment."""

    filters: Mapping[str, str] = field(default_factory=dict)
    segment_id: uuid.UUID | None = None

    def as_json(self) -> dict[str, Any]:
        """How the job and its audit entry describe the selection. The search text is never
        kept: it is often a person's address or name, and the people are fixed as ids when
        the job starts, so only a description of it remains."""
        if self.segment_id:
            return {"segment_id": str(self.segment_id)}
        described = {k: v for k, v in self.filters.items() if v and k != "text"}
        if (self.filters.get("text") or "").strip():
            described["text"] = SEARCH_TEXT_NOT_KEPT
        return {"filters": described}


async def conditions_of(engine: AsyncEngine, selection: Selection) -> list[ColumnElement[bool]]:
    if selection.segment_id is None:
        f = {k: selection.filters.get(k) or None for k in FILTER_KEYS}
        return view_conditions(
            text=f["text"] or "",
            organisation_type=f["organisation_type"],
            region=f["region"],
            municipality=f["municipality"],
            membership_state=f["membership_state"],
            subscription_state=f["subscription_state"],
            topic=f["topic"],
            tag=f["tag"],
        )
    segment = await segments.get_segment(SqlContactsUnitOfWork(engine), selection.segment_id)
    rule = compile_rule(segment.rule, contact_snapshot, datetime.now(UTC))
    return [*view_conditions(), rule]


async def count(engine: AsyncEngine, selection: Selection) -> int:
    conditions = await conditions_of(engine, selection)
    async with engine.connect() as conn:
        stmt = select(func.count()).select_from(contact_snapshot).where(*conditions)
        return int((await conn.execute(stmt)).scalar_one())


async def start_bulk(
    engine: AsyncEngine,
    *,
    kind: str,
    selection: Selection,
    actor: Actor,
    topic: str = "",
    action: str = "",
    fmt: str = "",
    tag: str = "",
    confirmation: str = "",
) -> uuid.UUID:
    """Queue a bulk action over the people the selection holds now (fixed from here on)."""
    async with engine.connect() as conn:
        known = frozenset(t.key for t in await topic_store.all_topics(conn, include_archived=True))
    params = bulk_parameters(kind, topic=topic, action=action, fmt=fmt, tag=tag, known_topics=known)
    conditions = await conditions_of(engine, selection)
    job_id = uuid.uuid4()
    async with engine.begin() as conn:
        await store.add(
            conn,
            job_id=job_id,
            kind=kind,
            parameters={
                **params,
                "selection": selection.as_json(),
                "by": actor.id,
                "by_role": actor.role,
                "job_id": str(job_id),
            },
            created_by=actor.id,
        )
        total = await store.add_items(conn, job_id, conditions)
        if kind == "erase":
            check_erase_confirmation(confirmation, total)  # raises: nothing is queued
        details = {"people": total, **params, "selection": selection.as_json()}
        await audit(
            conn,
            actor,
            f"people.bulk_{kind}",
            target_type="job",
            target_id=str(job_id),
            details=details,
        )
    return job_id


async def get_job(uow: ContactsUnitOfWork, job_id: uuid.UUID) -> Job:
    async with uow:
        job = await uow.jobs.get(job_id)
    if job is None:
        raise NotFound("No such job.")
    return job


async def recent_jobs(uow: ContactsUnitOfWork, *, limit: int = 50) -> list[Job]:
    async with uow:
        return await uow.jobs.recent(limit=limit)


async def job_result(uow: ContactsUnitOfWork, job_id: uuid.UUID) -> tuple[Job, bytes]:
    async with uow:
        job = await uow.jobs.get(job_id)
        if job is None:
            raise NotFound("No such job.")
        data = await uow.jobs.result_of(job_id)
    if data is None:
        raise NotFound("This job has no file.")
    return job, data


async def cancel_job(uow: ContactsUnitOfWork, job_id: uuid.UUID, *, actor: Actor) -> bool:
    """A queued or running job stops (its items go); audited when it did."""
    async with uow:
        cancelled = await uow.jobs.cancel(job_id)
        if cancelled:
            await uow.audit.record(actor, "job.cancelled", target_type="job", target_id=str(job_id))
        await uow.commit()
    return cancelled


async def run_next(
    uows: UnitsOfWork, settings: JobSettings, stop: asyncio.Event | None = None
) -> Job | None:
    """Claim one job and work it to its end (or until `stop`); None when none waits."""
    claimed = await claim_next(uows, settings)
    if claimed is None:
        return None
    job, token = claimed
    log.info("job claimed", extra={"job_id": str(job.id), "kind": job.kind})
    try:
        if job.kind == "export":
            await _export(uows, job, token)
        elif job.kind == import_jobs.KIND:
            await import_jobs.run(uows, job, token, lease_s=settings.lease_s)
        else:
            await _batches(uows, job, token, settings, stop)
    except Exception as exc:  # the job fails, the worker goes on with the next one
        log.exception("job failed", extra={"job_id": str(job.id)})
        async with uows() as uow:
            await uow.jobs.finish(job.id, token=token, state="failed", error=failure_text(exc))
            await uow.commit()
    return job


async def _batches(
    uows: UnitsOfWork,
    job: Job,
    token: uuid.UUID,
    settings: JobSettings,
    stop: asyncio.Event | None,
) -> None:
    while await run_batch(uows, job, token, settings):
        if stop is not None and stop.is_set():
            async with uows() as uow:
                await uow.jobs.release(job.id, token=token)
                await uow.commit()
            return


async def run_batch(uows: UnitsOfWork, job: Job, token: uuid.UUID, settings: JobSettings) -> bool:
    """One batch in one transaction; False when the job is over (or no longer ours)."""
    async with uows() as uow:
        ids = await uow.jobs.next_items(job.id, limit=settings.batch_size)
        if not ids:
            await uow.jobs.finish(job.id, token=token, state="done")
            await uow.commit()
            return False
        done, failed = await uow.jobs.apply_bulk(job.kind, ids, job.parameters)
        await uow.jobs.drop_items(job.id, ids)
        lease = timedelta(seconds=settings.lease_s)
        counted = await uow.jobs.advance(job.id, token=token, done=done, failed=failed, lease=lease)
        if not counted:  # cancelled, or another worker took over: leave the batch undone
            return False
        await uow.commit()
    return True


async def claim_next(uows: UnitsOfWork, settings: JobSettings) -> tuple[Job, uuid.UUID] | None:
    token = uuid.uuid4()
    async with uows() as uow:
        job = await uow.jobs.claim(token=token, lease=timedelta(seconds=settings.lease_s))
        await uow.commit()
    return (job, token) if job else None


async def _export(uows: UnitsOfWork, job: Job, token: uuid.UUID) -> None:
    """One step: the file is built from the job's fixed people and kept with the job."""
    async with uows() as uow:
        data, rows = await uow.jobs.export_file(job.id, job.parameters["format"])
        # The items stay (ids only) until the job is deleted, so erasing one of these
        # people withdraws the file (people.repository.remove).
        await uow.jobs.finish(
            job.id,
            token=token,
            state="done",
            result=data,
            done=rows,
            failed=max(job.total - rows, 0),
        )
        await uow.commit()


def runner_loop(
    uows: UnitsOfWork, settings: JobSettings
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """The runner as a worker loop: after a job, look for the next one at once."""

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            job = None
            try:
                job = await run_next(uows, settings, stop)
            except Exception:  # the database may be away for a while; the next tick retries
                log.exception("job runner failed")
            if job is None:
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), timeout=settings.poll_interval_s)

    return loop
