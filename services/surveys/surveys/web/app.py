"""Surveys' web app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from shared.db import make_engine
from shared.web.app import make_app
from shared.web.asyncapi import asyncapi_document
from shared.web.errors import add_domain_error_handler
from shared.web.health import database_check, kafka_check
from shared.web.pages import STATIC_DIR
from surveys.domain.errors import Conflict, DomainError, InvalidInput, NotFound
from surveys.messaging.worker import build_broker
from surveys.settings import SurveysSettings
from surveys.web import (
    api_campaigns,
    api_surveys,
    builder_pages,
    campaign_pages,
    open_link,
    respond,
    staff_pages,
)


def create_app(settings: SurveysSettings | None = None) -> FastAPI:
    settings = settings or SurveysSettings()
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app = make_app(
        service="surveys",
        title="Digituki CRM: surveys",
        checks={
            "database": database_check(engine),
            "kafka": kafka_check(settings.kafka_bootstrap_servers),
        },
        lifespan=lifespan,
        settings=settings,
        hsts=settings.environment == "production",
    )
    app.state.settings = settings
    app.state.engine = engine
    add_domain_error_handler(app, DomainError, {InvalidInput: 422, NotFound: 404, Conflict: 409})
    app.include_router(api_surveys.router)
    app.include_router(api_campaigns.router)
    app.include_router(open_link.router)
    app.include_router(respond.router)
    app.include_router(builder_pages.router)  # before staff_pages: /new is not an id
    app.include_router(staff_pages.router)
    app.include_router(campaign_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/api/surveys/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> JSONResponse:
        broker = build_broker(settings, engine)
        return JSONResponse(asyncapi_document(broker, title="Digituki CRM: surveys"))

    return app
