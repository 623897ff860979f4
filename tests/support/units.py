"""A factory of contacts' SQL units of work on an engine, for use cases that commit in steps."""

from __future__ import annotations

from collections.abc import Callable

from contacts.unit_of_work import ContactsUnitOfWork, SqlContactsUnitOfWork
from sqlalchemy.ext.asyncio import AsyncEngine


def units(engine: AsyncEngine) -> Callable[[], ContactsUnitOfWork]:
    return lambda: SqlContactsUnitOfWork(engine)
