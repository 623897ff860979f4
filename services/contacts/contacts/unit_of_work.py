"""Contacts' unit of work: the shared one bound to contacts' outbox."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.tables import outbox
from shared.outbox.unit_of_work import UnitOfWork


def unit_of_work(engine: AsyncEngine) -> UnitOfWork:
    return UnitOfWork(engine, outbox=outbox, service="contacts")
