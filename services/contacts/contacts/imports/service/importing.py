"""Importing people from CSV or XLSX: preview, dry run, and the chunked set-based import.

Each chunk is one unit of work: people created or merged by address (`domain.merging` decides
what a row does: create, update, or leave alone), consent rows for new imported subscribers
(method "import", with the documented basis), organisation links and membership states,
snapshots in the projection and on the outbox. A crash mid-file leaves whole chunks imported
and the rest untouched; importing the same file again is harmless. A known person whom the row
would not change is left alone: no new version, no event, no consent row; the report counts
them as unchanged.

The loop itself is a batch over `uow.imports` (set-based writes, two chunks in flight): it
takes a factory of units of work, one per chunk, so its rules run on the in-memory fake too.
"""

from __future__ import annotations

import asyncio
import gc
import uuid
from collections.abc import Awaitable, Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from datetime import UTC, datetime
from functools import cache
from typing import Any

from contacts.audit.domain import Actor
from contacts.classification import load_classification
from contacts.imports.domain import merging
from contacts.imports.domain import snapshots as import_snapshots
from contacts.imports.domain.merging import Known, PersonValues
from contacts.imports.domain.rows import ImportRow, check_basis
from contacts.imports.domain.snapshots import Snapshot
from contacts.imports.repository.store import Engagement, ImportRepository, PersonRecord
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
from contacts.organisations import service as organisation_service
from contacts.unit_of_work import ContactsUnitOfWork

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
# Called inside each chunk's unit of work with the chunk's size; False rolls the chunk back
# (a job runner that lost its lease), so the job's count and the rows commit together.
ChunkHook = Callable[[ContactsUnitOfWork, int], Awaitable[bool]]
UnitsOfWork = Callable[[], ContactsUnitOfWork]


class ChunkRefused(Exception):
    """The chunk hook refused to commit: the import stops, nothing of that chunk stays."""


async def import_people(
    uows: UnitsOfWork,
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
    good, report = await check(uows(), table, mapping, basis=basis, subscribe=subscribe)
    basis_text = check_basis(basis, subscribe=subscribe)
    organisation_ids = await _prepare(uows, good, report, actor)
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
                    uows,
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
    async with uows() as uow:
        details: dict[str, Any] = {"rows": report.rows, "created": report.created}
        details |= {"updated": report.updated, "unchanged": report.unchanged}
        details |= {"bad_rows": report.bad_rows, "subscribe": subscribe, "basis": basis_text}
        details |= {
            "organisations_matched": len(report.organisations_matched),
            "organisations_created": len(report.organisations_created),
            "organisation_links": report.links_added,
            "memberships_set": report.memberships_set,
        }
        await uow.audit.record(
            actor, "people.imported", target_type="people", target_id="", details=details
        )
        await uow.commit()
    return report


async def _prepare(
    uows: UnitsOfWork, good: list[ImportRow], report: Report, actor: Actor | None
) -> dict[str, uuid.UUID]:
    """Create the organisations the good rows name but the register lacks (each audited as
    staff creating it would be) and the new tags; the new organisations' ids by folded name."""
    ids: dict[str, uuid.UUID] = {}
    for key, org in report.organisations_created.items():
        created = await organisation_service.create_organisation(
            uows(),
            actor=actor,
            name=org.name,
            business_id=org.business_id,
            municipality_code=org.municipality,
            region_code=org.region if not org.municipality else None,
        )
        ids[key] = created.id
    tags = sorted({t for row in good for t in row.tags})
    if tags:
        async with uows() as uow:
            for tag in tags:
                await uow.tags.ensure(tag)
            await uow.commit()
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
    uows: UnitsOfWork,
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
    async with uows() as uow:
        repo = uow.imports
        known = await repo.lock_known([r.email for r in rows])
        # New and changed people; a known person whose row would not change is not returned.
        created, stored, given = await _store_people(
            repo, rows, known, subscribe=subscribe, now=now
        )
        await repo.add_consents(given, at=now, basis=basis)
        person_of = {p[2].lower(): p[0] for p in stored}
        person_of |= {email: k.id for email, k in known.items()}
        wanted = _links(rows, person_of, organisation_ids or {})
        linked = await repo.link_organisations(wanted)
        states = [(person_of[r.email], r.membership) for r in rows if r.membership]
        set_ = await repo.set_memberships(states, by=by)
        # A person whose row is unchanged but who got a link or a membership state: their
        # snapshot changed, so they get a new version too.
        changed = {p[0] for p in stored}
        stored += await repo.bump_versions(sorted({*linked, *set_} - changed, key=str))
        # Only known people and those linked or given a state now can have extras: a person
        # created now has no onboarding, link or membership but what this chunk gave them.
        may_have = {p[0] for p in stored if p[2].lower() in known} | {*linked, *set_}
        snapshots = await _snapshots(repo, stored, may_have)
        is_new = {p[0] for p in created}
        await repo.publish_snapshots(
            [s for s in snapshots if s[0] in is_new], [s for s in snapshots if s[0] not in is_new]
        )
        if after is not None:
            await after  # its failure raises here: this chunk rolls back too
        if on_chunk is not None and not await on_chunk(uow, len(rows)):
            raise ChunkRefused
        await uow.commit()
    updated = len({p[0] for p in stored} - is_new)
    report.created += len(created)
    report.updated += updated
    report.unchanged += len(rows) - len(created) - updated
    report.consents_given += len(given)
    report.links_added += len(linked)
    report.memberships_set += len(set_)


async def _store_people(
    repo: ImportRepository,
    rows: Sequence[ImportRow],
    known: dict[str, Known],
    *,
    subscribe: bool,
    now: datetime,
) -> tuple[list[PersonRecord], list[PersonRecord], list[tuple[uuid.UUID, str]]]:
    """Create the new addresses and store the known people the rows change (`merging`):
    (the created, the created and changed, the consents newly given). An address someone
    stored after `known` was read is merged into theirs. `known` gains those late ones."""
    new: list[tuple[str, PersonValues]] = []
    changed: list[tuple[uuid.UUID, PersonValues]] = []
    after: dict[str, PersonValues] = {}
    late: list[ImportRow] = []

    def merge(row: ImportRow, before: Known) -> None:
        values = merging.merged(before.values, row, subscribe=subscribe, now=now)
        if values is not None:
            changed.append((before.id, values))
            after[row.email] = values

    for row in rows:
        before = known.get(row.email)
        if before is None:
            after[row.email] = merging.new_person(row, subscribe=subscribe, now=now)
            new.append((row.email, after[row.email]))
        else:
            merge(row, before)
    created = await repo.insert_people(new)
    if len(created) < len(new):  # stored by someone else since the lock: merge into theirs
        got = {p[2].lower() for p in created}
        late = [r for r in rows if r.email not in known and r.email not in got]
        known |= await repo.lock_known([r.email for r in late])
        for row in late:
            del after[row.email]
            if row.email in known:
                merge(row, known[row.email])
    stored = [*created, *await repo.update_people(changed)]
    given = [
        (p[0], purpose)
        for p in stored
        for purpose in merging.newly_given(known.get(p[2].lower()), after[p[2].lower()])
    ]
    return created, stored, given


def _snapshots_of(
    stored: list[PersonRecord],
    extras: Mapping[uuid.UUID, tuple[Any, ...]],
    events: Mapping[uuid.UUID, Engagement],
) -> list[Snapshot]:
    region_of = _region_of()
    return [
        import_snapshots.snapshot_values(p, extras.get(p[0]), region_of, events.get(p[0]))
        for p in stored
    ]


async def _snapshots(
    repo: ImportRepository, stored: list[PersonRecord], may_have: set[uuid.UUID]
) -> list[Snapshot]:
    """The stored people's snapshots, with their organisation, membership and onboarding
    (looked up for the people in `may_have`: the others have none). Event participation:
    only people known before this chunk can have registrations."""
    wanted = [p[0] for p in stored if p[0] in may_have]
    extras = await repo.snapshot_extras(wanted) if wanted else {}
    events = await repo.engagement(wanted) if wanted else {}
    return _snapshots_of(stored, extras, events)


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


def problems_as_json(report: Report) -> list[dict[str, Any]]:
    return checking.problems_as_json(report.problems)
