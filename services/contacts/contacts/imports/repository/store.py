"""The imports' repository (`uow.imports`): the Protocol the use cases see and its SQL.

Uploads waiting for their mapping, what cells are matched against, an import chunk's
set-based writes (people, consents, links, memberships, projection and outbox by COPY) and the
rejected rows kept with a job. What a row does to a person is decided in Python
(`imports.domain.merging`, `service.importing`); these methods only store the answers.
"""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.imports.domain import snapshots as import_snapshots
from contacts.imports.domain.merging import Known, PersonValues
from contacts.imports.domain.snapshots import Snapshot
from contacts.imports.repository import batches, exports, lookups, people, rejected, uploads
from contacts.imports.repository.events import snapshot_outbox_rows
from contacts.imports.repository.rejected import Stored
from contacts.participation import service as participation
from shared.logs import correlation_id
from shared.segments.rules import RuleLike

# A stored person as the chunk's writes return them: values in `PERSON_COLUMNS` order.
PersonRecord = Sequence[Any]
# (last attended on, registered series) of a person's event participation.
Engagement = tuple[date | None, tuple[str, ...]]


class ImportRepository(Protocol):
    # -- what the cells are matched against
    async def organisation_names(self) -> list[tuple[uuid.UUID, str, str | None]]: ...

    async def tag_names(self) -> list[str]: ...

    # -- uploads waiting for their mapping
    async def add_upload(
        self, *, upload_id: uuid.UUID, filename: str, data: bytes, created_by: str | None
    ) -> None: ...

    async def upload(
        self, upload_id: uuid.UUID, *, created_by: str | None, max_age: timedelta
    ) -> tuple[str, bytes] | None:
        """The file, if it is this staff member's and young enough."""

    async def remove_upload(self, upload_id: uuid.UUID) -> None: ...

    async def remove_uploads_older_than(self, max_age: timedelta) -> None: ...

    # -- a chunk
    async def lock_known(self, emails: Sequence[str]) -> dict[str, Known]:
        """The people holding these lower-case addresses, locked, by lower-case address."""

    async def insert_people(self, new: Sequence[tuple[str, PersonValues]]) -> list[PersonRecord]:
        """An address stored by someone else meanwhile is skipped (absent from the answer)."""

    async def update_people(
        self, changed: Sequence[tuple[uuid.UUID, PersonValues]]
    ) -> list[PersonRecord]:
        """Each a new version."""

    async def add_consents(
        self, given: Sequence[tuple[uuid.UUID, str]], *, at: datetime, basis: str | None
    ) -> None:
        """Consent log rows (method "import", the basis) for these (person, purpose) pairs."""

    async def link_organisations(
        self, links: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> list[uuid.UUID]:
        """Each (person, organisation) link unless open already; the people who got one."""

    async def set_memberships(
        self, states: Sequence[tuple[uuid.UUID, str]], *, by: str | None
    ) -> list[uuid.UUID]:
        """Each person's membership state unless it is theirs already; the people changed."""

    async def bump_versions(self, person_ids: Sequence[uuid.UUID]) -> list[PersonRecord]: ...

    async def snapshot_extras(
        self, person_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[Any, ...]]:
        """Open organisation link, membership, onboarding (`EXTRA_COLUMNS`), for those with any."""

    async def engagement(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Engagement]:
        """Event participation, for those registered to any event."""

    async def publish_snapshots(self, new: Sequence[Snapshot], known: Sequence[Snapshot]) -> None:
        """Into the projection (a known person's only if newer) and onto the outbox."""

    # -- a job's rejected rows
    async def replace_rejected(self, job_id: uuid.UUID, rows: Sequence[Stored]) -> None: ...

    async def rejected_of(
        self, job_id: uuid.UUID, *, limit: int | None = None
    ) -> list[tuple[int, list[str], list[dict[str, Any]]]]: ...

    async def rejected_count(self, job_id: uuid.UUID) -> int: ...

    # -- exports
    async def export_rows(
        self,
        *,
        filters: dict[str, Any] | None = None,
        rule: RuleLike | None = None,
        now: datetime | None = None,
    ) -> list[list[str]]:
        """The export's rows (`exports.COLUMNS`): the people search's view with these
        filters, or the people `rule` selects at `now`, in the Finnish name order."""


class SqlImports:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def organisation_names(self) -> list[tuple[uuid.UUID, str, str | None]]:
        return await lookups.organisation_names(self._conn)

    async def tag_names(self) -> list[str]:
        return await lookups.tag_names(self._conn)

    async def add_upload(
        self, *, upload_id: uuid.UUID, filename: str, data: bytes, created_by: str | None
    ) -> None:
        await uploads.add(
            self._conn, upload_id=upload_id, filename=filename, data=data, created_by=created_by
        )

    async def upload(
        self, upload_id: uuid.UUID, *, created_by: str | None, max_age: timedelta
    ) -> tuple[str, bytes] | None:
        return await uploads.get(self._conn, upload_id, created_by=created_by, max_age=max_age)

    async def remove_upload(self, upload_id: uuid.UUID) -> None:
        await uploads.remove(self._conn, upload_id)

    async def remove_uploads_older_than(self, max_age: timedelta) -> None:
        await uploads.remove_older_than(self._conn, max_age)

    async def lock_known(self, emails: Sequence[str]) -> dict[str, Known]:
        return await people.lock_known(self._conn, emails)

    async def insert_people(self, new: Sequence[tuple[str, PersonValues]]) -> list[PersonRecord]:
        return await people.insert_people(self._conn, new)

    async def update_people(
        self, changed: Sequence[tuple[uuid.UUID, PersonValues]]
    ) -> list[PersonRecord]:
        return await people.update_people(self._conn, changed)

    async def add_consents(
        self, given: Sequence[tuple[uuid.UUID, str]], *, at: datetime, basis: str | None
    ) -> None:
        await batches.copy_consents(self._conn, given, at=at, basis=basis)  # type: ignore[arg-type]

    async def link_organisations(
        self, links: Sequence[tuple[uuid.UUID, uuid.UUID]]
    ) -> list[uuid.UUID]:
        return await people.link_organisations(self._conn, links)

    async def set_memberships(
        self, states: Sequence[tuple[uuid.UUID, str]], *, by: str | None
    ) -> list[uuid.UUID]:
        return await people.set_memberships(self._conn, states, by=by)

    async def bump_versions(self, person_ids: Sequence[uuid.UUID]) -> list[PersonRecord]:
        return await people.bump_versions(self._conn, person_ids)

    async def snapshot_extras(
        self, person_ids: Sequence[uuid.UUID]
    ) -> dict[uuid.UUID, tuple[Any, ...]]:
        return await people.snapshot_extras(self._conn, person_ids) if person_ids else {}

    async def engagement(self, person_ids: Sequence[uuid.UUID]) -> dict[uuid.UUID, Engagement]:
        if not person_ids:
            return {}
        engaged = await participation.engagement_of(self._conn, person_ids)
        return {pid: (e.last_attended_on, e.registered_series) for pid, e in engaged.items()}

    async def publish_snapshots(self, new: Sequence[Snapshot], known: Sequence[Snapshot]) -> None:
        # Set-based: the projection and the outbox rows go in by COPY, in this transaction. A
        # person created now has an id drawn now, so nobody has a projection row for it yet:
        # theirs go straight in; the known people's through the upsert (newer version wins).
        record = import_snapshots.projection_record
        await batches.copy_new_snapshots(self._conn, [record(s) for s in new])
        await batches.upsert_snapshots(self._conn, [record(s) for s in known])
        await batches.copy_outbox(
            self._conn,
            snapshot_outbox_rows([*new, *known], correlation_id=correlation_id.get()),
        )

    async def replace_rejected(self, job_id: uuid.UUID, rows: Sequence[Stored]) -> None:
        await rejected.replace(self._conn, job_id, rows)

    async def rejected_of(
        self, job_id: uuid.UUID, *, limit: int | None = None
    ) -> list[tuple[int, list[str], list[dict[str, Any]]]]:
        return await rejected.of_job(self._conn, job_id, limit=limit)

    async def rejected_count(self, job_id: uuid.UUID) -> int:
        return await rejected.count_of_job(self._conn, job_id)

    async def export_rows(
        self,
        *,
        filters: dict[str, Any] | None = None,
        rule: RuleLike | None = None,
        now: datetime | None = None,
    ) -> list[list[str]]:
        return await exports.rows(self._conn, filters=filters, rule=rule, now=now)
