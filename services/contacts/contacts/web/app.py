"""Contacts' web app factory."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from fastapi import FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles

from contacts.domain.errors import Conflict, DomainError, InvalidInput, NotFound
from contacts.messaging.worker import build_broker
from contacts.settings import ContactsSettings
from contacts.web import (
    api_imports,
    api_merge,
    api_notes,
    api_onboarding,
    api_organisations,
    api_people,
    api_person_details,
    api_segments,
    auth,
    legal,
    new_link,
    password_reset,
    preferences,
    sign_in_oidc,
    signup,
    staff_audit,
    staff_group,
    staff_imports,
    staff_jobs,
    staff_merge,
    staff_onboarding,
    staff_organisations,
    staff_pages,
    staff_people,
    staff_retention,
    staff_segments,
    staff_users,
    staff_visits,
    visit,
)
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
        settings=settings,
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
