"""Onboarding's repository as contacts' unit of work names it (`uow.onboarding`): the states,
join codes and member-list imports, and the reads of the matcher, the lists and the funnel.

`OnboardingRepository` is what the use cases see; `SqlOnboarding` runs it on the unit of work's
connection with the queries of `onboarding.py`, `lists.py` and `group_members.py` beside it. The
in-memory fake is `tests/unit/fakes/contacts_onboarding.py`.
"""

from __future__ import annotations

import uuid
from collections.abc import Collection
from datetime import datetime
from typing import Any, Protocol

from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.onboarding.domain.lists import Count, ListState, Standing
from contacts.onboarding.domain.onboarding import Candidate, JoinCode, Onboarding
from contacts.onboarding.repository import group_members as imports
from contacts.onboarding.repository import lists
from contacts.onboarding.repository import onboarding as store
from contacts.onboarding.repository.lists import ListFilters


class OnboardingRepository(Protocol):
    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Onboarding | None:
        """The person's onboarding, None when never invited."""

    async def put(self, record: Onboarding) -> None: ...

    async def add_code(self, code: JoinCode, *, issued_at: datetime) -> bool:
        """False if the code exists already (the caller draws another)."""

    async def current_code(self, person_id: uuid.UUID) -> JoinCode | None:
        """The code issued to the person last."""

    async def codes(self, wanted: Collection[str]) -> dict[str, JoinCode]: ...

    async def spend_codes(self, person_id: uuid.UUID, *, at: datetime) -> None:
        """Mark every unused code of the person used."""

    async def people_by_email(self, emails: Collection[str]) -> dict[str, uuid.UUID]:
        """Lower-cased address -> person, for the addresses known."""

    async def name_candidates(self) -> list[Candidate]:
        """Invited or requesting people, and active members."""

    async def details(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        """Name, email, membership and onboarding state and current organisation per person."""

    async def invited_before(self, cutoff: datetime, *, at_most: int) -> list[uuid.UUID]:
        """Invited people silent since `cutoff` with fewer than `at_most` reminders, who still
        take mail; the longest silent first."""

    async def funnel_rows(
        self, *, start: datetime, end: datetime
    ) -> list[tuple[Onboarding, str | None, str | None]]:
        """Invitations in [start, end) with the person's region and organisation type."""

    async def people_in(
        self, state: ListState, filters: ListFilters, *, lang: str, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        """One page of the people a list shows (`lists.COLUMNS`)."""

    async def counts(self, filters: ListFilters) -> dict[str, Count]:
        """Every list's count under the filters (those not invited capped)."""

    async def standings(
        self, ids: Collection[uuid.UUID], *, at: datetime
    ) -> dict[uuid.UUID, Standing]:
        """What the bulk actions decide on, for each existing person of `ids`."""

    async def add_import(
        self,
        *,
        import_id: uuid.UUID,
        by: str | None,
        at: datetime,
        matched: int,
        unknown: list[dict[str, Any]],
    ) -> None:
        """Keep a member-list import with its rows nobody matched."""

    async def get_import(self, import_id: uuid.UUID) -> dict[str, Any] | None: ...


class SqlOnboarding:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Onboarding | None:
        return await store.get(self._conn, person_id, for_update=for_update)

    async def put(self, record: Onboarding) -> None:
        await store.put(self._conn, record)

    async def add_code(self, code: JoinCode, *, issued_at: datetime) -> bool:
        return await store.add_code(self._conn, code, issued_at=issued_at)

    async def current_code(self, person_id: uuid.UUID) -> JoinCode | None:
        return await store.current_code(self._conn, person_id)

    async def codes(self, wanted: Collection[str]) -> dict[str, JoinCode]:
        return await store.codes(self._conn, wanted)

    async def spend_codes(self, person_id: uuid.UUID, *, at: datetime) -> None:
        await store.spend_codes(self._conn, person_id, at=at)

    async def people_by_email(self, emails: Collection[str]) -> dict[str, uuid.UUID]:
        return await store.people_by_email(self._conn, emails)

    async def name_candidates(self) -> list[Candidate]:
        return await store.name_candidates(self._conn)

    async def details(self, ids: Collection[uuid.UUID]) -> dict[uuid.UUID, dict[str, Any]]:
        return await store.details(self._conn, ids)

    async def invited_before(self, cutoff: datetime, *, at_most: int) -> list[uuid.UUID]:
        return await store.invited_before(self._conn, cutoff, at_most=at_most)

    async def funnel_rows(
        self, *, start: datetime, end: datetime
    ) -> list[tuple[Onboarding, str | None, str | None]]:
        return await store.funnel_rows(self._conn, start=start, end=end)

    async def people_in(
        self, state: ListState, filters: ListFilters, *, lang: str, offset: int, limit: int
    ) -> list[dict[str, Any]]:
        return await lists.people_in(
            self._conn, state, filters, lang=lang, offset=offset, limit=limit
        )

    async def counts(self, filters: ListFilters) -> dict[str, Count]:
        return await lists.counts(self._conn, filters)

    async def standings(
        self, ids: Collection[uuid.UUID], *, at: datetime
    ) -> dict[uuid.UUID, Standing]:
        return await lists.standings(self._conn, ids, at=at)

    async def add_import(
        self,
        *,
        import_id: uuid.UUID,
        by: str | None,
        at: datetime,
        matched: int,
        unknown: list[dict[str, Any]],
    ) -> None:
        await imports.add(
            self._conn, import_id=import_id, by=by, at=at, matched=matched, unknown=unknown
        )

    async def get_import(self, import_id: uuid.UUID) -> dict[str, Any] | None:
        return await imports.get(self._conn, import_id)
