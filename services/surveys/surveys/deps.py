"""Dependencies of surveys' routes, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.web.staff import Staff
from surveys.builder.service import Actor
from surveys.campaigns.service import Links
from surveys.responding.service import LinkCheck
from surveys.settings import SurveysSettings
from surveys.unit_of_work import SurveysUnitOfWork, unit_of_work


def get_engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


def get_unit_of_work(request: Request) -> SurveysUnitOfWork:
    """A unit of work for the request; each use case opens (and commits) it itself."""
    return unit_of_work(get_engine(request))


def get_settings(request: Request) -> SurveysSettings:
    settings: SurveysSettings = request.app.state.settings
    return settings


def get_links(request: Request) -> Links:
    settings = get_settings(request)
    return Links(keys=settings.token_keys(), base_url=settings.public_base_url)


def get_link_check(request: Request) -> LinkCheck:
    settings = get_settings(request)
    return LinkCheck(keys=settings.token_keys(), max_age_s=settings.link_max_age_days * 86_400)


def actor(staff: Staff) -> Actor:
    return Actor(id=staff.id, role=staff.role)


UnitOfWork = Annotated[SurveysUnitOfWork, Depends(get_unit_of_work)]
Settings = Annotated[SurveysSettings, Depends(get_settings)]
LinkMaker = Annotated[Links, Depends(get_links)]
LinkChecker = Annotated[LinkCheck, Depends(get_link_check)]
