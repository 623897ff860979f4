"""A unit of work inside a transaction a consumer already holds (with its inbox row).

The inbox claim, the effect and the outbox rows must commit together, so the consumer's
transaction is the one that commits; `commit()` here only writes the queued events.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import outbox
from shared.outbox.unit_of_work import UnitOfWork
from shared.outbox.writer import add_to_outbox


class JoinedUnitOfWork(UnitOfWork):
    def __init__(self, conn: AsyncConnection) -> None:
        super().__init__(conn.engine, outbox=outbox, service="contacts")
        self._conn = conn

    async def commit(self) -> None:
        await add_to_outbox(self.conn, self._outbox, service=self._service, messages=self._messages)
        self._messages.clear()
