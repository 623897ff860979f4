"""Events' web app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from events.attendance import pages as attendance_pages
from events.calendar import pages as calendar_pages
from events.catalog import pages as catalog_pages
from events.catalog import routes as catalog_routes
from events.errors import Conflict, DomainError, InvalidInput, NotFound
from events.registration import pages as registration_pages
from events.registration import routes as registration_routes
from events.settings import EventsSettings
from events.submissions import pages as submission_pages
from events.worker import build_broker
from shared.db import make_engine
from shared.web.app import make_app
from shared.web.asyncapi import asyncapi_document
from shared.web.errors import add_domain_error_handler
from shared.web.health import database_check, kafka_check
from shared.web.pages import STATIC_DIR


def create_app(settings: EventsSettings | None = None) -> FastAPI:
    settings = settings or EventsSettings()
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
        service="events",
        title="Digituki CRM: events",
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
    app.include_router(catalog_routes.router)
    app.include_router(registration_routes.router)
    app.include_router(catalog_pages.router)
    app.include_router(attendance_pages.router)
    app.include_router(registration_pages.router)
    app.include_router(submission_pages.router)
    # Last: its /events/{event_id} must not shadow the staff and cancel paths above.
    app.include_router(calendar_pages.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/api/events/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> JSONResponse:
        broker = build_broker(settings, engine)
        return JSONResponse(asyncapi_document(broker, title="Digituki CRM: events"))

    return app
