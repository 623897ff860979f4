"""In-memory rows contacts' retention job looks at (`uow.retention`).

Signups, jobs and uploads are kept as plain records; closed enquiries are read from the fake
unit of work's enquiries and the people from its people, so removals show there.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.unit.fakes.contacts import FakeContactsUnitOfWork


@dataclass
class FakeSignup:
    person_id: uuid.UUID
    created_at: datetime
    confirmed: bool = False


@dataclass
class FakeJob:
    state: str
    ended_at: datetime
    items: int = 0


class FakeRetention:
    def __init__(self, uow: FakeContactsUnitOfWork) -> None:
        self._uow = uow
        self.signups: dict[uuid.UUID, FakeSignup] = {}
        self.jobs: dict[uuid.UUID, FakeJob] = {}
        self.uploads: dict[uuid.UUID, datetime] = {}
        self.referred: set[uuid.UUID] = set()  # linked, noted, a member ...

    async def expired_signups(
        self, cutoff: datetime, *, for_update: bool = False
    ) -> list[uuid.UUID]:
        return sorted(
            i for i, s in self.signups.items() if not s.confirmed and s.created_at < cutoff
        )

    async def leftover_people(
        self, signup_ids: list[uuid.UUID], *, for_update: bool = False
    ) -> list[uuid.UUID]:
        theirs = {self.signups[i].person_id for i in signup_ids}
        others = {s.person_id for i, s in self.signups.items() if i not in signup_ids}
        found = []
        for person_id in theirs - others - self.referred:
            person = self._uow.people.rows.get(person_id)
            if (
                person is not None
                and person.confirmed_at is None
                and person.subscription_state == "pending"
            ):
                found.append(person_id)
        return sorted(found)

    async def finished_jobs(self, cutoff: datetime, *, for_update: bool = False) -> list[uuid.UUID]:
        return sorted(
            i
            for i, j in self.jobs.items()
            if j.state in ("done", "failed", "cancelled") and j.ended_at < cutoff
        )

    async def item_count(self, job_ids: list[uuid.UUID]) -> int:
        return sum(self.jobs[i].items for i in job_ids)

    async def stale_uploads(self, cutoff: datetime, *, for_update: bool = False) -> list[uuid.UUID]:
        return sorted(i for i, at in self.uploads.items() if at < cutoff)

    async def closed_enquiries(
        self, cutoff: datetime, *, for_update: bool = False
    ) -> list[uuid.UUID]:
        return sorted(
            e.id
            for e in self._uow.enquiries.rows.values()
            if e.state == "closed" and e.closed_at is not None and e.closed_at < cutoff
        )

    async def remove(
        self,
        *,
        signup_ids: list[uuid.UUID],
        job_ids: list[uuid.UUID],
        upload_ids: list[uuid.UUID],
    ) -> None:
        for i in signup_ids:
            self.signups.pop(i, None)
        for i in job_ids:
            self.jobs.pop(i, None)
        for i in upload_ids:
            self.uploads.pop(i, None)

    async def inactive_people(
        self, confirmed_before: datetime, engaged_before: date, *, limit: int = 500
    ) -> list[dict[str, Any]]:
        found = [
            p
            for p in self._uow.people.rows.values()
            if (p.confirmed_at or p.created_at) < confirmed_before
            and (p.last_engaged_on is None or p.last_engaged_on < engaged_before)
        ]
        found.sort(key=lambda p: (p.last_engaged_on is not None, p.last_engaged_on, p.created_at))
        return [
            {"id": p.id, "email": p.email, "last_engaged_on": p.last_engaged_on}
            for p in found[:limit]
        ]
