"""Newsletter' web app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse

from newsletter.archive import pages as archive
from newsletter.campaigns import pages as staff_campaigns
from newsletter.campaigns import routes as api_campaigns
from newsletter.composer import pages as staff_composer
from newsletter.composer import test_links
from newsletter.errors import Conflict, DomainError, InvalidInput, NotFound
from newsletter.materials import pages as material_pages
from newsletter.materials import public as material_public
from newsletter.materials import routes as material_routes
from newsletter.media import pages as media_pages
from newsletter.media import routes as media_routes
from newsletter.settings import NewsletterSettings
from newsletter.statistics import pages as staff_delivery
from newsletter.statistics import routes as api_stats
from newsletter.tracking import routes as tracking
from newsletter.worker import build_broker
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
        proxy_secret=settings.proxy_secret,
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
    app.include_router(test_links.router)
    app.include_router(staff_composer.router)  # before /{campaign_id} routes: "new", "edit"
    app.include_router(staff_delivery.router)  # before /{campaign_id}/{action}
    app.include_router(staff_campaigns.router)
    app.include_router(media_pages.router)
    app.include_router(media_routes.router)
    app.include_router(media_routes.public)
    app.include_router(material_pages.router)
    app.include_router(material_routes.router)
    app.include_router(material_public.router)

    @app.get("/api/newsletter/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> JSONResponse:
        broker = build_broker(settings, engine)
        return JSONResponse(asyncapi_document(broker, title="Digituki CRM: newsletter"))

    return app
