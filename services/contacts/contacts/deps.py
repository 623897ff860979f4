"""Dependencies of contacts' routes, as Annotated aliases."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.domain import Actor
from contacts.settings import ContactsSettings
from contacts.unit_of_work import ContactsUnitOfWork, SqlContactsUnitOfWork
from shared.web.staff import Staff


def get_engine(request: Request) -> AsyncEngine:
    """The app's engine: infrastructure, only for building units of work. No page or route
    gets the engine itself (there is no `Engine` dependency): use cases take the unit of work
    (`Uow`). (The health checks read `app.state.engine` themselves, see `app.py`.)"""
    engine: AsyncEngine = request.app.state.engine
    return engine


def get_settings(request: Request) -> ContactsSettings:
    settings: ContactsSettings = request.app.state.settings
    return settings


def get_unit_of_work(request: Request) -> ContactsUnitOfWork:
    """A fresh, not yet entered unit of work; the use case opens and commits it."""
    return SqlContactsUnitOfWork(get_engine(request))


def get_units_of_work(request: Request) -> Callable[[], ContactsUnitOfWork]:
    """A factory of units of work, for a use case that commits in steps (an import's chunks)."""
    engine = get_engine(request)
    return lambda: SqlContactsUnitOfWork(engine)


def actor_of(staff: Staff) -> Actor:
    return Actor(id=staff.id, role=staff.role)


Settings = Annotated[ContactsSettings, Depends(get_settings)]
Uow = Annotated[ContactsUnitOfWork, Depends(get_unit_of_work)]
Uows = Annotated[Callable[[], ContactsUnitOfWork], Depends(get_units_of_work)]
