"""Jobs and their items: claimed with FOR UPDATE SKIP LOCKED under a lease with a token."""

from __future__ import annotations

import uuid
from collections.abc import Mapping, Sequence
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Select,
    Uuid,
    and_,
    any_,
    bindparam,
    delete,
    func,
    insert,
    literal,
    or_,
    select,
    update,
)
from sqlalchemy.dialects.postgresql import ARRAY
from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.jobs.domain import Job
from contacts.people.repository.directory import view_conditions
from contacts.tables import contact_snapshot, job_items, jobs, onboarding
from shared.segments.compiler import compile_rule
from shared.segments.rules import RuleLike

# The people search's filters a bulk selection may carry (`selected`).
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
_FIELDS = [c for c in jobs.c if c.name not in ("input", "result", "lease_token", "lease_until")]


def _to_job(row: Any) -> Job:
    r = row._mapping
    return Job(
        **{c.name: r[c.name] for c in _FIELDS if c.name != "updated_at"},
        has_result=bool(r["has_result"]),
    )


def _columns() -> list[Any]:
    return [*_FIELDS, jobs.c.result.is_not(None).label("has_result")]


async def add(
    conn: AsyncConnection,
    *,
    job_id: uuid.UUID,
    kind: str,
    parameters: dict[str, Any],
    created_by: str | None,
    input: bytes | None = None,
    total: int = 0,
) -> None:
    values = {"id": job_id, "kind": kind, "parameters": parameters, "created_by": created_by}
    await conn.execute(insert(jobs).values(**values, input=input, total=total))


def selected(
    filters: Mapping[str, str], rule: RuleLike | None, now: datetime
) -> list[ColumnElement[bool]]:
    """The live people the people search's `filters` select (the keywords of
    `view_conditions`; empty ones ignored), and with a segment's `rule` those it selects."""
    f = {k: filters.get(k) or None for k in FILTER_KEYS}
    conditions = view_conditions(
        text=f["text"] or "",
        organisation_type=f["organisation_type"],
        region=f["region"],
        municipality=f["municipality"],
        membership_state=f["membership_state"],
        subscription_state=f["subscription_state"],
        topic=f["topic"],
        tag=f["tag"],
    )
    if rule is not None:
        conditions.append(compile_rule(rule, contact_snapshot, now))
    return conditions


async def count_selected(conn: AsyncConnection, conditions: Sequence[ColumnElement[bool]]) -> int:
    stmt = select(func.count()).select_from(contact_snapshot).where(*conditions)
    return int((await conn.execute(stmt)).scalar_one())


async def add_items(
    conn: AsyncConnection, job_id: uuid.UUID, conditions: Sequence[ColumnElement[bool]]
) -> int:
    """Fix the people of the job in one INSERT ... SELECT; returns how many and sets `total`."""
    chosen = select(literal(job_id, Uuid), contact_snapshot.c.contact_id).where(*conditions)
    result = await conn.execute(insert(job_items).from_select(["job_id", "person_id"], chosen))
    total = result.rowcount
    await conn.execute(update(jobs).where(jobs.c.id == job_id).values(total=total))
    return total


async def get(conn: AsyncConnection, job_id: uuid.UUID) -> Job | None:
    row = (await conn.execute(select(*_columns()).where(jobs.c.id == job_id))).first()
    return _to_job(row) if row else None


async def recent(conn: AsyncConnection, *, limit: int = 50) -> list[Job]:
    stmt = select(*_columns()).order_by(jobs.c.created_at.desc()).limit(limit)
    return [_to_job(r) for r in await conn.execute(stmt)]


async def result_of(conn: AsyncConnection, job_id: uuid.UUID) -> bytes | None:
    stmt = select(jobs.c.result).where(jobs.c.id == job_id, jobs.c.state == "done")
    value: bytes | None = (await conn.execute(stmt)).scalar()
    return value


async def input_of(conn: AsyncConnection, job_id: uuid.UUID) -> bytes:
    value: bytes = (
        await conn.execute(select(jobs.c.input).where(jobs.c.id == job_id))
    ).scalar_one()
    return value


async def claim(conn: AsyncConnection, *, token: uuid.UUID, lease: timedelta) -> Job | None:
    """The oldest queued job, or a running one whose worker let its lease expire (it died)."""
    claimable = or_(
        jobs.c.state == "queued",
        and_(jobs.c.state == "running", jobs.c.lease_until < func.now()),
    )
    oldest = (
        select(jobs.c.id)
        .where(claimable)
        .order_by(jobs.c.created_at)
        .limit(1)
        .with_for_update(skip_locked=True)
        .scalar_subquery()
    )
    stmt = (
        update(jobs)
        .where(jobs.c.id == oldest)
        .values(
            state="running",
            lease_token=token,
            lease_until=func.now() + lease,
            started_at=func.coalesce(jobs.c.started_at, func.now()),
            updated_at=func.now(),
        )
        .returning(*_columns())
    )
    row = (await conn.execute(stmt)).first()
    return _to_job(row) if row else None


async def next_items(conn: AsyncConnection, job_id: uuid.UUID, *, limit: int) -> list[uuid.UUID]:
    stmt = (
        select(job_items.c.person_id)
        .where(job_items.c.job_id == job_id)
        .order_by(job_items.c.person_id)
        .limit(limit)
        .with_for_update(skip_locked=True)
    )
    return list((await conn.execute(stmt)).scalars())


def item_ids(job_id: uuid.UUID) -> Select[Any]:
    return select(job_items.c.person_id).where(job_items.c.job_id == job_id)


async def drop_items(
    conn: AsyncConnection, job_id: uuid.UUID, person_ids: Sequence[uuid.UUID]
) -> None:
    await conn.execute(
        delete(job_items).where(
            job_items.c.job_id == job_id,
            job_items.c.person_id == any_(bindparam("ids", type_=ARRAY(Uuid))),
        ),
        {"ids": list(person_ids)},
    )


async def clear_items(conn: AsyncConnection, job_id: uuid.UUID) -> None:
    await conn.execute(delete(job_items).where(job_items.c.job_id == job_id))


async def advance(
    conn: AsyncConnection,
    job_id: uuid.UUID,
    *,
    token: uuid.UUID,
    done: int,
    failed: int,
    lease: timedelta,
) -> bool:
    """Count a batch and renew the lease; False when the job is no longer this worker's
    (cancelled, or claimed again after an expired lease): the caller rolls back."""
    stmt = (
        update(jobs)
        .where(jobs.c.id == job_id, jobs.c.lease_token == token, jobs.c.state == "running")
        .values(
            done_count=jobs.c.done_count + done,
            failed_count=jobs.c.failed_count + failed,
            lease_until=func.now() + lease,
            updated_at=func.now(),
        )
    )
    return (await conn.execute(stmt)).rowcount == 1


async def finish(
    conn: AsyncConnection,
    job_id: uuid.UUID,
    *,
    token: uuid.UUID,
    state: str,
    error: str | None = None,
    result: bytes | None = None,
    done: int | None = None,
    failed: int | None = None,
) -> bool:
    values: dict[str, Any] = {
        "state": state,
        "error": error,
        "finished_at": func.now(),
        "updated_at": func.now(),
        "lease_token": None,
        "lease_until": None,
        "input": None,  # an uploaded file is not kept once its job has run
    }
    if result is not None:
        values["result"] = result
    if done is not None:
        values["done_count"] = done
    if failed is not None:
        values["failed_count"] = failed
    stmt = (
        update(jobs)
        .where(jobs.c.id == job_id, jobs.c.lease_token == token, jobs.c.state == "running")
        .values(**values)
    )
    return (await conn.execute(stmt)).rowcount == 1


async def release(conn: AsyncConnection, job_id: uuid.UUID, *, token: uuid.UUID) -> None:
    """A worker that stops between batches hands its job back at once (no lease to wait)."""
    stmt = (
        update(jobs)
        .where(jobs.c.id == job_id, jobs.c.lease_token == token, jobs.c.state == "running")
        .values(state="queued", lease_token=None, lease_until=None, updated_at=func.now())
    )
    await conn.execute(stmt)


async def cancel(conn: AsyncConnection, job_id: uuid.UUID) -> bool:
    stmt = (
        update(jobs)
        .where(jobs.c.id == job_id, jobs.c.state.in_(("queued", "running")))
        .values(state="cancelled", finished_at=func.now(), updated_at=func.now(), input=None)
    )
    done = (await conn.execute(stmt)).rowcount == 1
    if done:
        await clear_items(conn, job_id)
    return done


async def onboarding_states(
    conn: AsyncConnection, person_ids: Sequence[uuid.UUID]
) -> dict[uuid.UUID, str]:
    stmt = select(onboarding.c.person_id, onboarding.c.state).where(
        onboarding.c.person_id == any_(bindparam("ids", type_=ARRAY(Uuid)))
    )
    return {r.person_id: r.state for r in await conn.execute(stmt, {"ids": list(person_ids)})}
