"""In-memory rows a merge moves (`uow.merging`).

The look-alike pairs are given (the SQL finds them); the many-per-person rows of other features
are kept per table, and the one-per-person tables are the fake unit of work's memberships and
an onboarding dict here, so a merge's moves can be seen.
"""

from __future__ import annotations

import uuid
from dataclasses import replace
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from tests.unit.fakes.contacts import FakeContactsUnitOfWork


class FakeMerging:
    def __init__(self, uow: FakeContactsUnitOfWork) -> None:
        self._uow = uow
        self.pairs: list[dict[str, object]] = []
        self.history: dict[str, list[tuple[uuid.UUID, Any]]] = {}  # table -> (person, row)
        self.onboarding: dict[uuid.UUID, Any] = {}

    async def possible_duplicates(self, *, limit: int = 100) -> list[dict[str, object]]:
        return self.pairs[:limit]

    async def repoint_history(self, *, source: uuid.UUID, target: uuid.UUID) -> None:
        for table, rows in self.history.items():
            self.history[table] = [(target if p == source else p, row) for p, row in rows]

    def _table(self, table_name: str) -> dict[uuid.UUID, Any]:
        if table_name == "memberships":
            return self._uow.memberships.rows  # type: ignore[return-value]
        if table_name == "onboarding":
            return self.onboarding
        raise KeyError(table_name)

    async def take_row(self, table_name: str, *, source: uuid.UUID, target: uuid.UUID) -> None:
        table = self._table(table_name)
        table.pop(target, None)
        if source in table:
            row = table.pop(source)
            if table_name == "memberships":
                row = replace(row, person_id=target)
            table[target] = row

    async def has_row(self, table_name: str, person_id: uuid.UUID) -> bool:
        return person_id in self._table(table_name)
