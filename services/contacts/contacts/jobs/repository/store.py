"""The job records (`uow.jobs`): the Protocol the use cases see and its SQL (`jobs.py`).

A job is claimed under a lease with a token; `advance` and `finish` answer False once the job
is no longer the caller's (cancelled, or claimed again after the lease expired).
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any, Protocol

from contacts.jobs.domain import Job
from contacts.jobs.repository import jobs
from shared.outbox.unit_of_work import UnitOfWork
from shared.segments.rules import RuleLike


class JobRepository(Protocol):
    async def add(
        self,
        *,
        job_id: uuid.UUID,
        kind: str,
        parameters: dict[str, Any],
        created_by: str | None,
        input: bytes | None = None,
        total: int = 0,
    ) -> None: ...

    async def count_selected(
        self, filters: Mapping[str, str], rule: RuleLike | None, now: datetime
    ) -> int:
        """How many live people the people search's `filters` select (its keywords: text,
        organisation_type, region, ...; empty ones ignored), and with a segment's `rule` also
        that rule, at `now`."""

    async def add_selected(
        self, job_id: uuid.UUID, filters: Mapping[str, str], rule: RuleLike | None, now: datetime
    ) -> int:
        """Fix the people `count_selected` counts as the job's items, and their number as its
        total; how many."""

    async def get(self, job_id: uuid.UUID) -> Job | None: ...

    async def recent(self, *, limit: int = 50) -> list[Job]: ...

    async def result_of(self, job_id: uuid.UUID) -> bytes | None:
        """The file of a job that is done (None before, or when it has none)."""

    async def input_of(self, job_id: uuid.UUID) -> bytes: ...

    async def claim(self, *, token: uuid.UUID, lease: timedelta) -> Job | None:
        """The oldest queued job, or a running one whose lease expired."""

    async def advance(
        self, job_id: uuid.UUID, *, token: uuid.UUID, done: int, failed: int, lease: timedelta
    ) -> bool: ...

    async def finish(
        self,
        job_id: uuid.UUID,
        *,
        token: uuid.UUID,
        state: str,
        error: str | None = None,
        result: bytes | None = None,
        done: int | None = None,
        failed: int | None = None,
    ) -> bool: ...

    async def release(self, job_id: uuid.UUID, *, token: uuid.UUID) -> None: ...

    async def cancel(self, job_id: uuid.UUID) -> bool:
        """A queued or running job; its items go."""

    async def next_items(self, job_id: uuid.UUID, *, limit: int) -> list[uuid.UUID]:
        """The job's next people (in id order), locked so no other worker takes them."""

    async def drop_items(self, job_id: uuid.UUID, person_ids: Sequence[uuid.UUID]) -> None: ...

    async def apply_bulk(
        self, kind: str, person_ids: Sequence[uuid.UUID], parameters: dict[str, Any]
    ) -> tuple[int, int]:
        """One batch of a bulk action (`service.bulk`: set-based SQL over these people, their
        snapshots and events in this transaction): (done, failed)."""

    async def export_file(self, job_id: uuid.UUID, fmt: str) -> tuple[bytes, int]:
        """The export of the job's fixed people (those not erased meanwhile): file, rows."""


class SqlJobs:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow
        self._conn = uow.conn

    async def add(
        self,
        *,
        job_id: uuid.UUID,
        kind: str,
        parameters: dict[str, Any],
        created_by: str | None,
        input: bytes | None = None,
        total: int = 0,
    ) -> None:
        await jobs.add(
            self._conn,
            job_id=job_id,
            kind=kind,
            parameters=parameters,
            created_by=created_by,
            input=input,
            total=total,
        )

    async def count_selected(
        self, filters: Mapping[str, str], rule: RuleLike | None, now: datetime
    ) -> int:
        return await jobs.count_selected(self._conn, jobs.selected(filters, rule, now))

    async def add_selected(
        self, job_id: uuid.UUID, filters: Mapping[str, str], rule: RuleLike | None, now: datetime
    ) -> int:
        return await jobs.add_items(self._conn, job_id, jobs.selected(filters, rule, now))

    async def get(self, job_id: uuid.UUID) -> Job | None:
        return await jobs.get(self._conn, job_id)

    async def recent(self, *, limit: int = 50) -> list[Job]:
        return await jobs.recent(self._conn, limit=limit)

    async def result_of(self, job_id: uuid.UUID) -> bytes | None:
        return await jobs.result_of(self._conn, job_id)

    async def input_of(self, job_id: uuid.UUID) -> bytes:
        return await jobs.input_of(self._conn, job_id)

    async def claim(self, *, token: uuid.UUID, lease: timedelta) -> Job | None:
        return await jobs.claim(self._conn, token=token, lease=lease)

    async def advance(
        self, job_id: uuid.UUID, *, token: uuid.UUID, done: int, failed: int, lease: timedelta
    ) -> bool:
        return await jobs.advance(
            self._conn, job_id, token=token, done=done, failed=failed, lease=lease
        )

    async def finish(
        self,
        job_id: uuid.UUID,
        *,
        token: uuid.UUID,
        state: str,
        error: str | None = None,
        result: bytes | None = None,
        done: int | None = None,
        failed: int | None = None,
    ) -> bool:
        return await jobs.finish(
            self._conn,
            job_id,
            token=token,
            state=state,
            error=error,
            result=result,
            done=done,
            failed=failed,
        )

    async def release(self, job_id: uuid.UUID, *, token: uuid.UUID) -> None:
        await jobs.release(self._conn, job_id, token=token)

    async def cancel(self, job_id: uuid.UUID) -> bool:
        return await jobs.cancel(self._conn, job_id)

    async def next_items(self, job_id: uuid.UUID, *, limit: int) -> list[uuid.UUID]:
        return await jobs.next_items(self._conn, job_id, limit=limit)

    async def drop_items(self, job_id: uuid.UUID, person_ids: Sequence[uuid.UUID]) -> None:
        await jobs.drop_items(self._conn, job_id, person_ids)

    async def apply_bulk(
        self, kind: str, person_ids: Sequence[uuid.UUID], parameters: dict[str, Any]
    ) -> tuple[int, int]:
        # Other features' SQL, which imports the unit of work itself: imported when used.
        from contacts.jobs.service.bulk import BATCHES

        return await BATCHES[kind](self._uow, person_ids, parameters)

    async def export_file(self, job_id: uuid.UUID, fmt: str) -> tuple[bytes, int]:
        from contacts.imports.repository import exports
        from contacts.imports.service import exporting

        rows = await exports.rows_of(self._conn, jobs.item_ids(job_id))
        return exporting.render(rows, fmt), len(rows)
