"""In-memory `uow.imports` and `uow.jobs` for contacts' fake unit of work.

The import's people live in the fake people repository (as `Person`s), its links in the fake
organisations, its membership states in the fake memberships, its consent rows in the fake
consent log; its snapshots are published through the fake unit of work (so `uow.snapshots()`
reads them) and land in the fake audience. Only storage is imitated here: what a row does to a
person is decided by the production code (`imports.domain.merging`, `service.importing`).
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import TYPE_CHECKING, Any

from contacts.consents.domain import ConsentEntry
from contacts.imports.domain.merging import Known, PersonValues
from contacts.imports.domain.snapshots import EXTRA_COLUMNS, FIELDS, Snapshot
from contacts.imports.repository.exports import COLUMNS as EXPORT_COLUMNS
from contacts.imports.repository.rejected import Stored
from contacts.jobs.domain import Job
from contacts.memberships.domain import Membership
from contacts.people.domain.person import Person
from contacts.snapshots import SOURCE

from shared.collation import sort_key
from shared.events.contacts import ContactSnapshotV1
from shared.events.envelope import new_event
from shared.events.topics import CONTACT_SNAPSHOTS
from shared.segments.evaluate import evaluate
from shared.segments.rules import RuleLike, parse_rule
from shared.snapshot import snapshot_row

if TYPE_CHECKING:
    from tests.unit.fakes.contacts import FakeContactsUnitOfWork

_VALUES = PersonValues._fields


def record_of(person: Person) -> tuple[Any, ...]:
    """A person as the import's writes return them (`PERSON_COLUMNS`)."""
    p = person
    return (
        p.id,
        p.version,
        p.email,
        p.first_name,
        p.last_name,
        p.language,
        p.municipality,
        list(p.topics),
        list(p.tags),
        p.subscription_state,
        p.confirmed_at,
        p.newsletter_consent,
        p.survey_consent,
        p.email_status,
        p.last_engaged_on,
        p.created_at,
        list(p.weak_areas),
    )


class FakeImports:
    def __init__(self, uow: FakeContactsUnitOfWork) -> None:
        self._uow = uow
        self.uploads: dict[uuid.UUID, dict[str, Any]] = {}
        self.rejected: dict[uuid.UUID, list[Stored]] = {}
        self.now: datetime | None = None  # the database's clock; None = the real one

    def _now(self) -> datetime:
        return self.now or datetime.now(UTC)

    # -- vocabulary
    async def organisation_names(self) -> list[tuple[uuid.UUID, str, str | None]]:
        orgs = sorted(self._uow.organisations.rows.values(), key=lambda o: o.created_at)
        return [(o.id, o.name, o.business_id) for o in orgs]

    async def tag_names(self) -> list[str]:
        return list(self._uow.tags.stored)

    # -- uploads
    async def add_upload(
        self, *, upload_id: uuid.UUID, filename: str, data: bytes, created_by: str | None
    ) -> None:
        self.uploads[upload_id] = {
            "filename": filename,
            "data": data,
            "created_by": created_by,
            "created_at": self._now(),
        }

    async def upload(
        self, upload_id: uuid.UUID, *, created_by: str | None, max_age: timedelta
    ) -> tuple[str, bytes] | None:
        found = self.uploads.get(upload_id)
        if found is None or found["created_by"] != created_by:
            return None
        if found["created_at"] <= self._now() - max_age:
            return None
        return found["filename"], found["data"]

    async def remove_upload(self, upload_id: uuid.UUID) -> None:
        self.uploads.pop(upload_id, None)

    async def remove_uploads_older_than(self, max_age: timedelta) -> None:
        cutoff = self._now() - max_age
        self.uploads = {k: v for k, v in self.uploads.items() if v["created_at"] > cutoff}

    # -- a chunk
    async def lock_known(self, emails: Sequence[str]) -> dict[str, Known]:
        wanted = {e.lower() for e in emails}
        return {
            p.email.lower(): Known(p.id, PersonValues(**{n: getattr(p, n) for n in _VALUES}))
            for p in self._uow.people.rows.values()
            if p.email.lower() in wanted
        }

    async def insert_people(self, new: Sequence[tuple[str, PersonValues]]) -> list[Any]:
        stored = []
        for email, values in new:
            if await self._uow.people.find_by_email(email) is not None:
                continue  # as ON CONFLICT DO NOTHING
            person = Person(id=uuid.uuid4(), email=email, **values._asdict())
            self._uow.people.rows[person.id] = person
            stored.append(record_of(person))
        return stored

    async def update_people(self, changed: Sequence[tuple[uuid.UUID, PersonValues]]) -> list[Any]:
        stored = []
        for person_id, values in changed:
            person = self._uow.people.rows[person_id]
            person = dataclasses.replace(person, version=person.version + 1, **values._asdict())
            self._uow.people.rows[person_id] = person
            stored.append(record_of(person))
        return stored

    async def add_consents(
        self, given: Sequence[tuple[uuid.UUID, str]], *, at: datetime, basis: str | None
    ) -> None:
        self._uow.consents.log.extend(
            ConsentEntry(pid, purpose, True, "import", at, basis=basis) for pid, purpose in given
        )

    async def link_organisations(
        self, links: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> list[uuid.UUID]:
        orgs = self._uow.organisations
        linked = []
        for person_id, org_id in dict.fromkeys(links):
            if any(
                k.person_id == person_id and k.organisation_id == org_id and k.end_date is None
                for k in orgs.links.values()
            ):
                continue
            await orgs.link(person_id=person_id, organisation_id=org_id)
            linked.append(person_id)
        return linked

    async def set_memberships(
        self, states: Sequence[tuple[uuid.UUID, str]], *, by: str | None
    ) -> list[uuid.UUID]:
        now = self._now()
        rows = self._uow.memberships.rows
        changed = []
        for person_id, state in states:
            held = rows.get(person_id)
            if held is not None and held.state == state:
                continue
            started = now if state in ("active", "paused") else None
            rows[person_id] = Membership(
                person_id=person_id,
                state=state,
                applied_at=held.applied_at if held else now,
                started_at=(held.started_at if held else None) or started,
                ended_at=now if state in ("left", "declined") else None,
                decided_by=by,
            )
            changed.append(person_id)
        return changed

    async def bump_versions(self, person_ids: Sequence[uuid.UUID]) -> list[Any]:
        stored = []
        for person_id in person_ids:
            person = self._uow.people.rows[person_id]
            person = dataclasses.replace(person, version=person.version + 1)
            self._uow.people.rows[person_id] = person
            stored.append(record_of(person))
        return stored

    async def snapshot_extras(
        self, person_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[Any, ...]]:
        found = {}
        for person_id in person_ids:
            org = self._uow.organisations.current_of(person_id)
            member = self._uow.memberships.rows.get(person_id)
            invited = person_id in self._uow.group.invited
            if org is None and member is None and not invited:
                continue
            org = org or {}
            found[person_id] = (
                org.get("organisation_id"),
                org.get("organisation_name"),
                org.get("organisation_type"),
                org.get("organisation_region"),
                org.get("organisation_municipality"),
                member.state if member else None,
                member.ecosystem_role if member else None,
                "invited" if invited else None,
            )
            assert len(found[person_id]) == len(EXTRA_COLUMNS)
        return found

    async def engagement(
        self, person_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[date | None, tuple[str, ...]]]:
        return {}

    async def publish_snapshots(self, new: Sequence[Snapshot], known: Sequence[Snapshot]) -> None:
        for snapshot in [*new, *known]:
            data = ContactSnapshotV1.model_validate(dict(zip(FIELDS, snapshot, strict=True)))
            self._uow.audience.rows[data.contact_id] = snapshot_row(data)
            self._uow.publish(
                CONTACT_SNAPSHOTS.name,
                str(data.contact_id),
                new_event(
                    source=SOURCE, data=data, subject=str(data.contact_id), version=data.version
                ),
            )

    # -- rejected rows
    async def replace_rejected(self, job_id: uuid.UUID, rows: Sequence[Stored]) -> None:
        self.rejected[job_id] = list(rows)

    async def rejected_of(
        self, job_id: uuid.UUID, *, limit: int | None = None
    ) -> list[tuple[int, list[str], list[dict[str, Any]]]]:
        rows = sorted(self.rejected.get(job_id, []), key=lambda r: r[0])
        return [(r, c, p) for r, c, p, _n in rows[:limit]]

    async def rejected_count(self, job_id: uuid.UUID) -> int:
        return len(self.rejected.get(job_id, []))

    # -- exports
    async def export_rows(
        self,
        *,
        filters: dict[str, Any] | None = None,
        rule: RuleLike | None = None,
        now: datetime | None = None,
    ) -> list[list[str]]:
        """Over the fake audience (the projection), as `selected_rows` chooses."""
        found = selected_rows(self._uow, filters or {}, rule, now or datetime.now(UTC))
        found.sort(key=lambda r: (sort_key(r["last_name"], "fi"), sort_key(r["first_name"], "fi")))
        return [[_export_cell(r.get(c)) for c in EXPORT_COLUMNS] for r in found]


def selected_rows(
    uow: FakeContactsUnitOfWork, filters: Mapping[str, Any], rule: RuleLike | None, now: datetime
) -> list[dict[str, Any]]:
    """The live rows of the fake audience (the projection) a selection holds: a rule by the
    Python evaluator; filters as equal fields (a topic or a tag: held), the text in a name,
    the address or the organisation's name."""
    found = [r for r in uow.audience.rows.values() if not r.get("erased")]
    if rule is not None:
        parsed = parse_rule(rule)
        found = [r for r in found if evaluate(parsed, r, now)]
    for key, value in filters.items():
        if not value:
            continue
        if key == "text":
            text = str(value).strip().lower()
            found = [
                r
                for r in found
                if text
                in " ".join(
                    str(r.get(k) or "")
                    for k in ("first_name", "last_name", "email", "organisation_name")
                ).lower()
            ]
        elif key in ("topic", "tag"):
            found = [r for r in found if value in (r.get(f"{key}s") or ())]
        else:
            found = [r for r in found if r.get(key) == value]
    return found


def _export_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, list | tuple):
        return ";".join(value)
    return str(value)


class FakeJobs:
    """Job records: `rows` by id, with the file kept (`inputs`), the result and the lease;
    a selection's people are the fake audience's rows (`selected_rows`)."""

    def __init__(self, uow: FakeContactsUnitOfWork) -> None:
        self._uow = uow
        self.rows: dict[uuid.UUID, Job] = {}
        self.inputs: dict[uuid.UUID, bytes | None] = {}
        self.results: dict[uuid.UUID, bytes] = {}
        self.leases: dict[uuid.UUID, uuid.UUID] = {}  # job -> the token holding it
        self.items: dict[uuid.UUID, list[uuid.UUID]] = {}  # job -> its people still to do
        self.applied: list[tuple[str, list[uuid.UUID]]] = []  # the bulk batches kept
        self.failing: str | None = None  # a kind whose batches raise (a bug, a lost database)
        self.exported: dict[uuid.UUID, int] = {}  # job -> how many of its people still exist

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
        self.rows[job_id] = Job(
            id=job_id,
            kind=kind,
            parameters=json.loads(json.dumps(parameters)),  # as JSONB keeps it
            state="queued",
            total=total,
            done_count=0,
            failed_count=0,
            error=None,
            created_by=created_by,
            created_at=datetime.now(UTC),
            started_at=None,
            finished_at=None,
        )
        self.inputs[job_id] = input

    async def count_selected(
        self, filters: Mapping[str, str], rule: RuleLike | None, now: datetime
    ) -> int:
        return len(selected_rows(self._uow, filters, rule, now))

    async def add_selected(
        self, job_id: uuid.UUID, filters: Mapping[str, str], rule: RuleLike | None, now: datetime
    ) -> int:
        ids = [r["contact_id"] for r in selected_rows(self._uow, filters, rule, now)]
        self.items[job_id] = ids
        self.rows[job_id] = dataclasses.replace(self.rows[job_id], total=len(ids))
        return len(ids)

    async def get(self, job_id: uuid.UUID) -> Job | None:
        return self.rows.get(job_id)

    async def recent(self, *, limit: int = 50) -> list[Job]:
        return sorted(self.rows.values(), key=lambda j: j.created_at, reverse=True)[:limit]

    async def result_of(self, job_id: uuid.UUID) -> bytes | None:
        job = self.rows.get(job_id)
        return self.results.get(job_id) if job and job.state == "done" else None

    async def input_of(self, job_id: uuid.UUID) -> bytes:
        data = self.inputs[job_id]
        assert data is not None
        return data

    async def claim(self, *, token: uuid.UUID, lease: timedelta) -> Job | None:
        queued = [j for j in self.rows.values() if j.state == "queued"]
        if not queued:
            return None
        job = min(queued, key=lambda j: j.created_at)
        job = dataclasses.replace(
            job, state="running", started_at=job.started_at or datetime.now(UTC)
        )
        self.rows[job.id] = job
        self.leases[job.id] = token
        return job

    def _held(self, job_id: uuid.UUID, token: uuid.UUID) -> Job | None:
        job = self.rows.get(job_id)
        if job is None or job.state != "running" or self.leases.get(job_id) != token:
            return None
        return job

    async def advance(
        self, job_id: uuid.UUID, *, token: uuid.UUID, done: int, failed: int, lease: timedelta
    ) -> bool:
        job = self._held(job_id, token)
        if job is None:
            return False
        self.rows[job_id] = dataclasses.replace(
            job, done_count=job.done_count + done, failed_count=job.failed_count + failed
        )
        return True

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
        job = self._held(job_id, token)
        if job is None:
            return False
        self.rows[job_id] = dataclasses.replace(
            job,
            state=state,
            error=error,
            finished_at=datetime.now(UTC),
            done_count=job.done_count if done is None else done,
            failed_count=job.failed_count if failed is None else failed,
            has_result=result is not None or job.has_result,
        )
        if result is not None:
            self.results[job_id] = result
        self.inputs[job_id] = None
        self.leases.pop(job_id, None)
        return True

    async def release(self, job_id: uuid.UUID, *, token: uuid.UUID) -> None:
        job = self._held(job_id, token)
        if job is not None:
            self.rows[job_id] = dataclasses.replace(job, state="queued")
            self.leases.pop(job_id, None)

    async def cancel(self, job_id: uuid.UUID) -> bool:
        job = self.rows.get(job_id)
        if job is None or job.state not in ("queued", "running"):
            return False
        self.rows[job_id] = dataclasses.replace(
            job, state="cancelled", finished_at=datetime.now(UTC)
        )
        self.items.pop(job_id, None)
        self.inputs[job_id] = None
        self.leases.pop(job_id, None)
        return True

    async def next_items(self, job_id: uuid.UUID, *, limit: int) -> list[uuid.UUID]:
        return sorted(self.items.get(job_id, []))[:limit]

    async def drop_items(self, job_id: uuid.UUID, person_ids: Sequence[uuid.UUID]) -> None:
        self.items[job_id] = [i for i in self.items.get(job_id, []) if i not in person_ids]

    async def apply_bulk(
        self, kind: str, person_ids: Sequence[uuid.UUID], parameters: dict[str, Any]
    ) -> tuple[int, int]:
        if kind == self.failing:
            raise RuntimeError("connection lost")
        self.applied.append((kind, list(person_ids)))
        return len(person_ids), 0

    async def export_file(self, job_id: uuid.UUID, fmt: str) -> tuple[bytes, int]:
        rows = self.exported.get(job_id, len(self.items.get(job_id, [])))
        return f"{fmt}:{rows}".encode(), rows
