"""Background jobs: starting a bulk action over a fixed set of people, and the runner.

The staff's use cases (what the bulk page offers, starting a bulk action, reading, cancelling
a job) take contacts' unit of work and run in one transaction each; which people a selection
holds is the repository's SQL (`uow.jobs.count_selected`, `add_selected`: the people search's
filters or a segment's rule).

The runner lives in the contacts worker and takes a factory of units of work (one per step,
since a job runs in several transactions): the job records are `uow.jobs`; a bulk batch is
set-based SQL behind `uow.jobs.apply_bulk` (`bulk.py`). It claims the oldest queued job (or a
running one whose lease expired because its worker died), then works through the job's items
batch by batch; each batch commits the changes, their snapshots and outbox rows, the removal
of its items and the job's counts together. A crash therefore resumes exactly where the last
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

from contacts.audit.domain import Actor
from contacts.errors import NotFound
from contacts.imports.service import jobs as import_jobs
from contacts.imports.service.importing import UnitsOfWork
from contacts.jobs.domain import Job, bulk_parameters, check_erase_confirmation, failure_text
from contacts.topics.domain import Topic
from contacts.unit_of_work import ContactsUnitOfWork

log = logging.getLogger(__name__)
SEARCH_TEXT_NOT_KEPT = "(a search text, not kept)"


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


@dataclass(frozen=True)
class BulkChoices:
    """What the bulk page offers, read in one transaction: how many people the selection
    holds now, the topics (not archived) and the tags to choose from."""

    count: int
    topics: list[Topic]
    tags: list[str]


async def _chosen(
    uow: ContactsUnitOfWork, selection: Selection
) -> tuple[Mapping[str, str], dict[str, Any] | None]:
    """The selection as the repository selects people: the search's filters, or a segment's
    rule (NotFound when there is no such segment); in a unit of work the caller entered."""
    if selection.segment_id is None:
        return selection.filters, None
    segment = await uow.segments.get(selection.segment_id)
    if segment is None:
        raise NotFound("No such segment.")
    return {}, segment.rule


async def bulk_choices(
    uow: ContactsUnitOfWork, selection: Selection, *, lang: str = "fi"
) -> BulkChoices:
    """The bulk page's reads: how many people the selection holds now, and the topics and
    tags (alphabetically in `lang`) a bulk action may add or remove."""
    async with uow:
        filters, rule = await _chosen(uow, selection)
        return BulkChoices(
            count=await uow.jobs.count_selected(filters, rule, datetime.now(UTC)),
            topics=await uow.topics.all_topics(),
            tags=await uow.tags.names(lang),
        )


async def start_bulk(
    uow: ContactsUnitOfWork,
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
    job_id = uuid.uuid4()
    async with uow:
        known = frozenset(t.key for t in await uow.topics.all_topics(include_archived=True))
        params = bulk_parameters(
            kind, topic=topic, action=action, fmt=fmt, tag=tag, known_topics=known
        )
        filters, rule = await _chosen(uow, selection)
        await uow.jobs.add(
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
        total = await uow.jobs.add_selected(job_id, filters, rule, datetime.now(UTC))
        if kind == "erase":
            check_erase_confirmation(confirmation, total)  # raises: nothing is queued
        details = {"people": total, **params, "selection": selection.as_json()}
        await uow.audit.record(
            actor, f"people.bulk_{kind}", target_type="job", target_id=str(job_id), details=details
        )
        await uow.commit()
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
