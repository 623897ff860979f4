"""Dependencies of newsletter's routes, as Annotated aliases."""

from __future__ import annotations

from typing import Annotated

from fastapi import Depends, Request
from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.settings import NewsletterSettings


def get_engine(request: Request) -> AsyncEngine:
    engine: AsyncEngine = request.app.state.engine
    return engine


def get_settings(request: Request) -> NewsletterSettings:
    settings: NewsletterSettings = request.app.state.settings
    return settings


Engine = Annotated[AsyncEngine, Depends(get_engine)]
Settings = Annotated[NewsletterSettings, Depends(get_settings)]
