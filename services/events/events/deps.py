"""Dependencies of events' routes, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from events.catalog.service import Actor
from events.registration.service import Links
from events.settings import EventsSettings
from events.unit_of_work import EventsUnitOfWork, unit_of_work
from shared.web.staff import Staff


def get_engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


def get_unit_of_work(request: Request) -> EventsUnitOfWork:
    """A unit of work for the request; each use case opens (and commits) it itself."""
    return unit_of_work(get_engine(request))


def get_settings(request: Request) -> EventsSettings:
    settings: EventsSettings = request.app.state.settings
    return settings


def get_links(request: Request) -> Links:
    settings = get_settings(request)
    return Links(
        keys=settings.token_keys(),
        base_url=settings.public_base_url,
        max_age_s=settings.cancel_link_max_age_days * 86_400,
        organiser=settings.calendar_organiser,
    )


def actor(staff: Staff) -> Actor:
    return Actor(id=staff.id, role=staff.role)


UnitOfWork = Annotated[EventsUnitOfWork, Depends(get_unit_of_work)]
Settings = Annotated[EventsSettings, Depends(get_settings)]
LinkMaker = Annotated[Links, Depends(get_links)]
