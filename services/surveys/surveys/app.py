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
from surveys.assessment import pages as assessment_pages
from surveys.assessment import routes as assessment_routes
from surveys.builder import pages as builder_pages
from surveys.builder import routes as builder_routes
from surveys.campaigns import operation_pages as campaign_operation_pages
from surveys.campaigns import operation_routes as campaign_operation_routes
from surveys.campaigns import pages as campaign_pages
from surveys.campaigns import routes as campaign_routes
from surveys.errors import Conflict, DomainError, InvalidInput, NotFound
from surveys.exports import pages as export_pages
from surveys.open_link import pages as open_link_pages
from surveys.responding import pages as responding_pages
from surveys.results import pages as results_pages
from surveys.settings import SurveysSettings
from surveys.worker import build_broker


def create_app(settings: SurveysSettings | None = None) -> FastAPI:
    settings = settings or SurveysSettings()
    engine = make_engine(
        settings.database_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_max_overflow,
    )

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
        proxy_secret=settings.proxy_secret,
    )
    app.state.settings = settings
    app.state.engine = engine
    add_domain_error_handler(app, DomainError, {InvalidInput: 422, NotFound: 404, Conflict: 409})
    app.include_router(builder_routes.router)
    app.include_router(campaign_routes.router)
    app.include_router(campaign_operation_routes.router)
    app.include_router(assessment_routes.router)
    app.include_router(assessment_pages.router)  # before /s/{token}
    app.include_router(open_link_pages.router)
    app.include_router(responding_pages.router)
    app.include_router(builder_pages.router)
    app.include_router(results_pages.router)
    app.include_router(export_pages.router)
    app.include_router(campaign_pages.router)
    app.include_router(campaign_operation_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/api/surveys/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> JSONResponse:
        broker = build_broker(settings, engine)
        return JSONResponse(asyncapi_document(broker, title="Digituki CRM: surveys"))

    return app
