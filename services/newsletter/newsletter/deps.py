"""Dependencies of newsletter's routes, as Annotated aliases."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import NewsletterUnitOfWork, SqlUnitOfWork


def get_engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


def get_settings(request: Request) -> NewsletterSettings:
    settings: NewsletterSettings = request.app.state.settings
    return settings


Settings = Annotated[NewsletterSettings, Depends(get_settings)]


async def get_unit_of_work(request: Request) -> AsyncIterator[NewsletterUnitOfWork]:
    """One unit of work per request; a use case commits it, anything else is rolled back."""
    settings = get_settings(request)
    async with SqlUnitOfWork(get_engine(request), settings.suppression_secret()) as uow:
        yield uow


Uow = Annotated[NewsletterUnitOfWork, Depends(get_unit_of_work)]
