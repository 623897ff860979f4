"""Events' web app factory: its routers on the shared service app (shared/web/app.py)."""

from __future__ import annotations

from fastapi import FastAPI

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
from shared.web.app import make_service_app

# The matching order: a static path before a parameterised one that would also match it.
ROUTERS = (
    catalog_routes.router,
    registration_routes.router,
    catalog_pages.router,
    attendance_pages.router,
    registration_pages.router,
    submission_pages.router,
    # Last: its /events/{event_id} must not shadow the staff and cancel paths above.
    calendar_pages.router,
)


def create_app(settings: EventsSettings | None = None) -> FastAPI:
    return make_service_app(
        service="events",
        settings=settings or EventsSettings(),
        routers=ROUTERS,
        domain_error=DomainError,
        status_for={InvalidInput: 422, NotFound: 404, Conflict: 409},
        build_broker=build_broker,
    )
