"""Importing people from CSV or XLSX: preview, dry run, and the chunked set-based import.

Each chunk is one transaction: people upserted by address, consent rows for new imported
subscribers (method "import", with the documented basis), snapshots in the projection and on
the outbox. A crash mid-file leaves whole chunks imported and the rest untouched; importing
the same file again is harmless (an upsert). A known person whom the row would not change
(same merged values, no new organisation link or membership state) is left alone: no new
version, no event, no consent row; the report counts them as unchanged.
"""

from __future__ import annotations

import asyncio
import gc
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.classification import load_classification
from contacts.consents.domain import PURPOSES
from contacts.imports.domain import snapshots as import_snapshots
from contacts.imports.domain.rows import ImportRow, check_basis
from contacts.imports.domain.snapshots import Snapshot
from contacts.imports.repository import batches as import_batches
from contacts.imports.repository import people as imports
from contacts.imports.service import checking
from contacts.imports.service.checking import (
    CSV_UNREADABLE,
    MAX_REPORTED,
    XLSX_DAMAGED,
    Rejected,
    Report,
    Table,
    check,
    preview,
    read_table,
)
from contacts.imports.service.events import snapshot_outbox_rows
from contacts.organisations import service as organisation_service
from contacts.participation import service as participation
from contacts.tags import repository as tag_store
from contacts.unit_of_work import SqlContactsUnitOfWork, unit_of_work
from shared.logs import correlation_id

__all__ = [
    "CSV_UNREADABLE",
    "MAX_REPORTED",
    "XLSX_DAMAGED",
    "Rejected",
    "Report",
    "Table",
    "check",
    "preview",
    "read_table",
]
CHUNK = 5000
Progress = Callable[[int, int], None]  # (rows done, rows to import)
# Called inside each chunk's transaction with the chunk's size; False rolls the chunk back
# (a job runner that lost its lease), so the job's count and the rows commit together.
ChunkHook = Callable[[AsyncConnection, int], Awaitable[bool]]


class ChunkRefused(Exception):
    """The chunk hook refused to commit: the import stops, nothing of that chunk stays."""


async def import_people(
    engine: AsyncEngine,
    table: Table,
    mapping: Mapping[str, str],
    *,
    basis: str | None,
    subscribe: bool,
    progress: Progress | None = None,
    chunk: int = CHUNK,
    actor: Actor | None = None,
    skip: int = 0,
    on_chunk: ChunkHook | None = None,
) -> Report:
    """Check the file, then import its good rows chunk by chunk; bad rows are skipped.

    `skip` good rows are taken as imported already (a resumed job)."""
    good, report = await check(engine, table, mapping, basis=basis, subscribe=subscribe)
    basis_text = check_basis(basis, subscribe=subscribe)
    organisation_ids = await _prepare(engine, good, report, actor)
    if progress:
        progress(skip, len(good))
    with _collector_spared():
        # Two chunks in flight, each in its own transaction: while the database writes one, Python
        # builds the next. A chunk commits only after the one before it committed (and rolls back
        # if that one failed), so what is committed is always the file's first chunks.
        in_flight: tuple[asyncio.Task[None], int] | None = None  # the chunk before, its size
        done = skip
        for start in range(skip, len(good), chunk):
            rows = good[start : start + chunk]
            current = asyncio.create_task(
                _import_chunk(
                    engine,
                    rows,
                    report,
                    subscribe=subscribe,
                    basis=basis_text,
                    organisation_ids=organisation_ids,
                    by=actor.id if actor else None,
                    on_chunk=on_chunk,
                    after=in_flight[0] if in_flight else None,
                )
            )
            if in_flight is not None:
                done = await _finished(in_flight, current, done, progress, len(good))
            in_flight = (current, len(rows))
        if in_flight is not None:
            await _finished(in_flight, None, done, progress, len(good))
    async with engine.begin() as conn:
        details: dict[str, Any] = {"rows": report.rows, "created": report.created}
        details |= {"updated": report.updated, "unchanged": report.unchanged}
        details |= {"bad_rows": report.bad_rows, "subscribe": subscribe, "basis": basis_text}
        details |= {
            "organisations_matched": len(report.organisations_matched),
            "organisations_created": len(report.organisations_created),
            "organisation_links": report.links_added,
            "memberships_set": report.memberships_set,
        }
        await audit(
            conn, actor, "people.imported", target_type="people", target_id="", details=details
        )
    return report


async def _prepare(
    engine: AsyncEngine, good: list[ImportRow], report: Report, actor: Actor | None
) -> dict[str, uuid.UUID]:
    """Create the organisations the good rows name but the register lacks (each audited as
    staff creating it would be) and the new tags; the new organisations' ids by folded name."""
    ids: dict[str, uuid.UUID] = {}
    for key, org in report.organisations_created.items():
        created = await organisation_service.create_organisation(
            SqlContactsUnitOfWork(engine),
            actor=actor,
            name=org.name,
            business_id=org.business_id,
            municipality_code=org.municipality,
            region_code=org.region if not org.municipality else None,
        )
        ids[key] = created.id
    tags = sorted({t for row in good for t in row.tags})
    if tags:
        async with engine.begin() as conn:
            for tag in tags:
                await tag_store.ensure(conn, tag)
    return ids


async def _finished(
    chunk: tuple[asyncio.Task[None], int],
    following: asyncio.Task[None] | None,
    done: int,
    progress: Progress | None,
    total: int,
) -> int:
    """Wait for `chunk` to commit and report progress; if it failed, the following chunk
    (waiting for it) rolls back, and is awaited before the error goes up."""
    try:
        await chunk[0]
    except BaseException:
        if following is not None:
            await asyncio.gather(following, return_exceptions=True)
        raise
    done += chunk[1]
    if progress:
        progress(done, total)
    return done


async def _import_chunk(
    engine: AsyncEngine,
    rows: list[ImportRow],
    report: Report,
    *,
    subscribe: bool,
    basis: str | None,
    organisation_ids: Mapping[str, uuid.UUID] | None = None,
    by: str | None = None,
    on_chunk: ChunkHook | None = None,
    after: asyncio.Task[None] | None = None,
) -> None:
    now = datetime.now(UTC)
    async with unit_of_work(engine) as uow:
        before = await import_batches.lock_consents(uow.conn, [r.email for r in rows])
        # New and changed people; a known person whose row would not change is not returned.
        stored = await imports.upsert_people(uow.conn, rows, subscribe=subscribe)
        given = (
            [
                (p[0], purpose)
                for p in stored
                for purpose, held in zip(PURPOSES, (p[11], p[12]), strict=True)
                if held and _newly_given(before.get(p[2].lower()), purpose)
            ]
            if subscribe
            else []
        )
        await import_batches.copy_consents(uow.conn, given, at=now, basis=basis)
        person_of = {p[2].lower(): p[0] for p in stored}
        person_of |= {email: known[0] for email, known in before.items()}
        wanted = _links(rows, person_of, organisation_ids or {})
        linked = await imports.link_organisations(uow.conn, wanted)
        states = [(person_of[r.email], r.membership) for r in rows if r.membership]
        set_ = await imports.set_memberships(uow.conn, states, by=by)
        # A person whose row is unchanged but who got a link or a membership state: their
        # snapshot changed, so they get a new version too.
        changed = {p[0] for p in stored}
        stored += await imports.bump_versions(uow.conn, sorted({*linked, *set_} - changed, key=str))
        # Only known people and those linked or given a state now can have extras: a person
        # created now has no onboarding, link or membership but what this chunk gave them.
        may_have = {p[0] for p in stored if p[2].lower() in before} | {*linked, *set_}
        snapshots = await _snapshots(uow.conn, stored, may_have)
        # Set-based: the projection and the outbox rows go in by COPY, in this transaction. A
        # person created now has an id drawn now, so nobody has a projection row for it yet:
        # theirs go straight in; the known people's through the upsert (newer version wins).
        new = sum(1 for p in stored if p[2].lower() not in before)
        fresh, known = _split(snapshots, lambda s: s[2].lower() not in before)
        await import_batches.copy_new_snapshots(uow.conn, fresh)
        await import_batches.upsert_snapshots(uow.conn, known)
        await import_batches.copy_outbox(
            uow.conn, snapshot_outbox_rows(snapshots, correlation_id=correlation_id.get())
        )
        if after is not None:
            await after  # its failure raises here: this chunk rolls back too
        if on_chunk is not None and not await on_chunk(uow.conn, len(rows)):
            raise ChunkRefused
        await uow.commit()
    report.created += new
    report.updated += len(stored) - new
    report.unchanged += len(rows) - len(stored)
    report.consents_given += len(given)
    report.links_added += len(linked)
    report.memberships_set += len(set_)


def _split(
    snapshots: list[Snapshot], is_new: Callable[[Snapshot], bool]
) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """The projection rows of new people and of known people."""
    fresh: list[tuple[Any, ...]] = []
    known: list[tuple[Any, ...]] = []
    for snapshot in snapshots:
        (fresh if is_new(snapshot) else known).append(import_snapshots.projection_record(snapshot))
    return fresh, known


async def _snapshots(
    conn: AsyncConnection, stored: list[Any], may_have: set[uuid.UUID]
) -> list[Snapshot]:
    """The stored people's snapshots, with their organisation, membership and onboarding
    (looked up for the people in `may_have`: the others have none)."""
    wanted = [p[0] for p in stored if p[0] in may_have]
    extras = await imports.snapshot_extras(conn, wanted) if wanted else {}
    # Event participation: only people known before this chunk can have registrations.
    engaged = await participation.engagement_of(conn, wanted) if wanted else {}
    events = {pid: (e.last_attended_on, e.registered_series) for pid, e in engaged.items()}
    region_of = _region_of()
    return [
        import_snapshots.snapshot_values(p, extras.get(p[0]), region_of, events.get(p[0]))
        for p in stored
    ]


@cache
def _region_of() -> Callable[[str], str]:
    classification = load_classification()
    return import_snapshots.region_lookup(
        {m.code: m.region_code for m in classification.municipalities},
        lambda code: classification.municipality(code).region_code,
    )


def _links(
    rows: list[ImportRow], person_of: Mapping[str, uuid.UUID], created: Mapping[str, uuid.UUID]
) -> list[tuple[uuid.UUID, uuid.UUID]]:
    links = []
    for row in rows:
        choice = row.organisation
        if choice is None:
            continue
        org_id = choice.id or created.get(choice.new or "")
        if org_id is not None:
            links.append((person_of[row.email], org_id))
    return links


@contextmanager
def _collector_spared() -> Iterator[None]:
    """Leave the objects alive now (modules, the file's rows) out of the collector's passes
    until the import ends: walking them in every full pass was a third of a big import's CPU."""
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()


def _newly_given(before: tuple[uuid.UUID, bool, bool] | None, purpose: str) -> bool:
    """Whether a consent held after the import is new: `before` is the stored (id, newsletter,
    survey consent); None for a new person."""
    if before is None:
        return True
    return not (before[1] if purpose == "newsletter" else before[2])


def problems_as_json(report: Report) -> list[dict[str, Any]]:
    return checking.problems_as_json(report.problems)
