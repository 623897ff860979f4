"""A unit of work inside a transaction a consumer already holds (with its inbox row).

The inbox claim, the effect and the outbox rows must commit together, so the consumer's
transaction is the one that commits: entering opens nothing, leaving closes nothing (an error
rolls the consumer's whole transaction back), and `commit()` only writes the queued events.
Kafka handlers are subscribed with `unit_of_work=JoinedContactsUnitOfWork`: the consumer
(shared/consuming.py) builds it on its connection after the inbox claim and hands it to the
handler, which passes it to the use case as any `ContactsUnitOfWork`.
"""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.tables import outbox
from contacts.unit_of_work import SqlContactsUnitOfWork
from shared.outbox.unit_of_work import HeldTransaction


class JoinedUnitOfWork(HeldTransaction):
    """The shared unit of work over the consumer's transaction (shared HeldTransaction)."""

    def __init__(self, conn: AsyncConnection) -> None:
        super().__init__(conn.engine, outbox=outbox, service="contacts")
        self._held = conn


class JoinedContactsUnitOfWork(SqlContactsUnitOfWork):
    """Contacts' typed unit of work over a transaction the caller holds."""

    def __init__(self, conn: AsyncConnection) -> None:
        self._uow = JoinedUnitOfWork(conn)
