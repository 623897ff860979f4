"""Newsletter's web app factory: its routers on the shared service app (shared/web/app.py)."""

from __future__ import annotations

from fastapi import FastAPI

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
from shared.web.app import make_service_app

# The matching order: a static path before a parameterised one that would also match it.
ROUTERS = (
    api_campaigns.router,
    api_campaigns.segment_router,
    api_stats.router,
    tracking.router,
    archive.router,
    test_links.router,
    staff_composer.router,  # before /{campaign_id} routes: "new", "edit"
    staff_delivery.router,  # before /{campaign_id}/{action}
    staff_campaigns.router,
    media_pages.router,
    media_routes.router,
    media_routes.public,
    material_pages.router,
    material_routes.router,
    material_public.router,
)


def create_app(settings: NewsletterSettings | None = None) -> FastAPI:
    settings = settings or NewsletterSettings()
    return make_service_app(
        service="newsletter",
        settings=settings,
        routers=ROUTERS,
        domain_error=DomainError,
        status_for={InvalidInput: 422, NotFound: 404, Conflict: 409},
        build_broker=build_broker,
        # Newsletter's differences: overflow up to the pool size, no /static mount. (HSTS
        # as everywhere: its tracking links and archive are served on the same site.)
        engine=make_engine(settings.database_url, pool_size=settings.db_pool_size),
        static=False,
    )
