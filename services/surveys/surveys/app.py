"""Surveys' web app factory: its routers on the shared service app (shared/web/app.py)."""

from __future__ import annotations

from fastapi import FastAPI

from shared.web.app import make_service_app
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

# The matching order: a static path before a parameterised one that would also match it.
ROUTERS = (
    builder_routes.router,
    campaign_routes.router,
    campaign_operation_routes.router,
    assessment_routes.router,
    assessment_pages.router,  # before /s/{token}
    open_link_pages.router,
    responding_pages.router,
    builder_pages.router,
    results_pages.router,
    export_pages.router,
    campaign_pages.router,
    campaign_operation_pages.router,
)


def create_app(settings: SurveysSettings | None = None) -> FastAPI:
    return make_service_app(
        service="surveys",
        settings=settings or SurveysSettings(),
        routers=ROUTERS,
        domain_error=DomainError,
        status_for={InvalidInput: 422, NotFound: 404, Conflict: 409},
        build_broker=build_broker,
    )
