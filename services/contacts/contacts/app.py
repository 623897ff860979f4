"""Contacts' web app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from contacts.audit import pages as staff_audit
from contacts.dashboard.pages import home as staff_pages
from contacts.errors import Conflict, DomainError, InvalidInput, NotFound
from contacts.imports import pages as staff_imports
from contacts.imports import routes as api_imports
from contacts.jobs import pages as staff_jobs
from contacts.legal.pages import public as legal
from contacts.merging import pages as staff_merge
from contacts.merging import routes as api_merge
from contacts.notes import routes as api_notes
from contacts.onboarding import routes as api_onboarding
from contacts.onboarding.pages import group as staff_group
from contacts.onboarding.pages import moderation as staff_onboarding
from contacts.organisations import pages as staff_organisations
from contacts.organisations import routes as api_organisations
from contacts.people import pages as staff_people
from contacts.people.routes import details as api_person_details
from contacts.people.routes import people as api_people
from contacts.preferences import pages as preferences
from contacts.retention import pages as staff_retention
from contacts.segments import pages as staff_segments
from contacts.segments import routes as api_segments
from contacts.settings import ContactsSettings
from contacts.signup.pages import new_link, signup
from contacts.staff.pages import oidc as sign_in_oidc
from contacts.staff.pages import password_reset
from contacts.staff.pages import sign_in as auth
from contacts.staff.pages import users as staff_users
from contacts.visits.pages import public as visit
from contacts.visits.pages import staff as staff_visits
from contacts.worker import build_broker
from shared.db import make_engine
from shared.web.app import make_app
from shared.web.asyncapi import asyncapi_document
from shared.web.errors import add_domain_error_handler
from shared.web.health import database_check, kafka_check
from shared.web.pages import STATIC_DIR


def create_app(settings: ContactsSettings | None = None) -> FastAPI:
    settings = settings or ContactsSettings()
    engine = make_engine(settings.database_url, pool_size=settings.db_pool_size)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await engine.dispose()

    app = make_app(
        service="contacts",
        title="Digituki CRM: contacts",
        checks={
            "database": database_check(engine),
            "kafka": kafka_check(settings.kafka_bootstrap_servers),
        },
        lifespan=lifespan,
        hsts=settings.environment == "production",
    )
    app.state.settings = settings
    app.state.engine = engine
    add_domain_error_handler(app, DomainError, {InvalidInput: 422, NotFound: 404, Conflict: 409})
    app.include_router(api_people.router)
    app.include_router(api_person_details.router)
    app.include_router(api_notes.router)
    app.include_router(api_organisations.router)
    app.include_router(signup.router)
    app.include_router(preferences.router)
    app.include_router(auth.router)
    app.include_router(sign_in_oidc.router)
    app.include_router(staff_users.router)
    app.include_router(staff_users.api)
    app.include_router(staff_pages.router)
    app.include_router(staff_people.router)
    app.include_router(api_merge.router)
    app.include_router(staff_merge.router)
    app.include_router(staff_organisations.router)
    app.include_router(password_reset.router)
    app.include_router(legal.router)
    app.include_router(api_segments.router)
    app.include_router(staff_segments.router)
    app.include_router(staff_audit.router)
    app.include_router(staff_audit.api)
    app.include_router(staff_retention.router)
    app.include_router(new_link.router)
    app.include_router(api_imports.router)
    app.include_router(api_onboarding.router)
    app.include_router(staff_onboarding.router)
    app.include_router(staff_jobs.router)
    app.include_router(staff_jobs.api)
    app.include_router(staff_imports.router)
    app.include_router(staff_group.router)
    app.include_router(visit.router)
    app.include_router(staff_visits.router)
    app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get("/api/contacts/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> JSONResponse:
        broker = build_broker(settings, engine)
        return JSONResponse(asyncapi_document(broker, title="Digituki CRM: contacts"))

    return app
