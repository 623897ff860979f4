"""Newsletter' web app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from newsletter.domain.errors import Conflict, DomainError, InvalidInput, NotFound
from newsletter.messaging.worker import build_broker
from newsletter.settings import NewsletterSettings
from newsletter.web import (
    api_campaigns,
    api_stats,
    archive,
    staff_campaigns,
    staff_composer,
    staff_delivery,
    staff_media,
    tracking,
)
from shared.db import make_engine
from shared.web.app import make_app
from shared.web.asyncapi import asyncapi_document
from shared.web.errors import add_domain_error_handler
from shared.web.health import database_check, kafka_check


def create_app(settings: NewsletterSettings | None = None) -> FastAPI:
    settings = settings or NewsletterSettings()
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app = make_app(
        service="newsletter",
        title="Digituki CRM: newsletter",
        checks={
            "database": database_check(engine),
            "kafka": kafka_check(settings.kafka_bootstrap_servers),
        },
        lifespan=lifespan,
        settings=settings,
    )
    app.state.settings = settings
    app.state.engine = engine
    add_domain_error_handler(app, DomainError, {InvalidInput: 422, NotFound: 404, Conflict: 409})
    app.include_router(api_campaigns.router)
    app.include_router(api_campaigns.segment_router)
    app.include_router(api_stats.router)
    app.include_router(tracking.router)
    app.include_router(archive.router)
    app.include_router(staff_composer.router)  # before /{campaign_id} routes: "new", "edit"
    app.include_router(staff_delivery.router)  # before /{campaign_id}/{action}
    app.include_router(staff_delivery.api)
    app.include_router(staff_campaigns.router)
    app.include_router(staff_media.page)
    app.include_router(staff_media.api)
    app.include_router(staff_media.public)

    @app.get("/api/newsletter/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> JSONResponse:
        broker = build_broker(settings, engine)
        return JSONResponse(asyncapi_document(broker, title="Digituki CRM: newsletter"))

    return app
