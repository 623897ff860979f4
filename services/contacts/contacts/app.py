"""Contacts' web app factory: its routers on the shared service app (shared/web/app.py)."""

from __future__ import annotations

from fastapi import FastAPI

from contacts.audit import pages as audit_pages
from contacts.audit import routes as audit_routes
from contacts.dashboard import pages as dashboard_pages
from contacts.enquiries import pages as enquiries_pages
from contacts.errors import Conflict, DomainError, InvalidInput, NotFound
from contacts.home import pages as home_pages
from contacts.impact import routes as impact_routes
from contacts.impact.pages import open_data as open_data_pages
from contacts.impact.pages import staff as impact_pages
from contacts.imports import pages as imports_pages
from contacts.imports import routes as imports_routes
from contacts.jobs import pages as jobs_pages
from contacts.jobs import routes as jobs_routes
from contacts.legal import pages as legal_pages
from contacts.memberships import routes as memberships_routes
from contacts.merging import pages as merging_pages
from contacts.merging import routes as merging_routes
from contacts.notes import routes as notes_routes
from contacts.onboarding import pages as onboarding_pages
from contacts.onboarding import routes as onboarding_routes
from contacts.organisations import pages as organisations_pages
from contacts.organisations import routes as organisations_routes
from contacts.people import pages as people_pages
from contacts.people import routes as people_routes
from contacts.preferences import pages as preferences_pages
from contacts.retention import pages as retention_pages
from contacts.segments import pages as segments_pages
from contacts.segments import routes as segments_routes
from contacts.settings import ContactsSettings
from contacts.signup import pages as signup_pages
from contacts.staff import pages as staff_pages
from contacts.staff import routes as staff_routes
from contacts.tags import routes as tags_routes
from contacts.topics import pages as topics_pages
from contacts.topics import routes as topics_routes
from contacts.visits import pages as visits_pages
from contacts.worker import build_broker
from shared.web.app import make_service_app

# Every feature's routers; the order is the matching order (a static path before a
# parameterised one that would also match it).
ROUTERS = (
    people_routes.router,
    memberships_routes.router,
    notes_routes.router,
    organisations_routes.router,
    topics_routes.router,
    signup_pages.router,
    preferences_pages.router,
    staff_pages.router,
    staff_routes.router,
    dashboard_pages.router,
    people_pages.router,
    tags_routes.router,
    merging_routes.router,
    merging_pages.router,
    organisations_pages.router,
    topics_pages.router,
    legal_pages.router,
    segments_routes.router,
    segments_pages.router,
    audit_pages.router,
    audit_routes.router,
    retention_pages.router,
    imports_routes.router,
    onboarding_routes.router,
    onboarding_pages.router,
    jobs_pages.router,
    jobs_routes.router,
    imports_pages.router,
    visits_pages.router,
    enquiries_pages.router,
    impact_pages.router,
    impact_routes.router,
    open_data_pages.router,
    home_pages.router,
)


def create_app(settings: ContactsSettings | None = None) -> FastAPI:
    return make_service_app(
        service="contacts",
        settings=settings or ContactsSettings(),
        routers=ROUTERS,
        domain_error=DomainError,
        status_for={InvalidInput: 422, NotFound: 404, Conflict: 409},
        build_broker=build_broker,
    )
