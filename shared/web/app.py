"""The FastAPI app every service starts from: health, metrics, correlation ids, errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import AbstractAsyncContextManager, asynccontextmanager
from typing import TypeVar

from fastapi import APIRouter, FastAPI
from fastapi.responses import JSONResponse
from fastapi.staticfiles import StaticFiles
from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.db import make_engine
from shared.outages import watch_outages
from shared.settings import ServiceSettings
from shared.tracing import instrument_app
from shared.web.api_docs import add_api_docs
from shared.web.asyncapi import asyncapi_document
from shared.web.correlation import CorrelationMiddleware
from shared.web.error_pages import add_error_pages
from shared.web.errors import ServerErrorGuard, add_domain_error_handler
from shared.web.health import Check, database_check, health_router, kafka_check, workers_check
from shared.web.input_guard import InputGuard
from shared.web.openapi import document_errors
from shared.web.pages import STATIC_DIR
from shared.web.security import SecurityHeadersMiddleware
from shared.web.staff_gate import StaffGate

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]
S = TypeVar("S", bound=ServiceSettings)


def make_app(
    *,
    service: str,
    title: str,
    checks: dict[str, Check],
    lifespan: Lifespan | None = None,
    hsts: bool = False,
    proxy_secret: str = "",
    settings: ServiceSettings | None = None,
) -> FastAPI:
    """With `settings`, readiness also covers the service's workers (their heartbeats) and
    outages of Kafka or the database are logged once, not per failed request."""
    if settings is not None:
        checks = {**checks, **workers_check(settings)}
        lifespan = _watching_outages(settings, lifespan)
    app = FastAPI(
        title=title,
        lifespan=lifespan,
        docs_url=None,  # our own page: shared/web/api_docs.py (no CDN, no inline script)
        openapi_url=f"/api/{service}/openapi.json",
        redoc_url=None,
    )
    # add_middleware puts each one outside the ones before it: the correlation id is set
    # first, headers go on every answer (a 500 too), the staff gate and the input guard run
    # before any route.
    app.add_middleware(ServerErrorGuard)
    app.add_middleware(InputGuard)
    app.add_middleware(StaffGate, proxy_secret=proxy_secret)
    app.add_middleware(SecurityHeadersMiddleware, hsts=hsts)
    app.add_middleware(CorrelationMiddleware)
    app.include_router(health_router(service, checks))
    document_errors(app)
    add_error_pages(app)
    add_api_docs(app, service=service, title=title)
    instrument_app(app)  # a server span per request, when tracing is configured
    return app


def _watching_outages(settings: ServiceSettings, inner: Lifespan | None) -> Lifespan:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        stop = asyncio.Event()
        watcher = asyncio.create_task(watch_outages(settings, stop))
        try:
            if inner is None:
                yield
            else:
                async with inner(app):
                    yield
        finally:
            stop.set()
            await watcher

    return lifespan


def make_service_app(
    *,
    service: str,
    settings: S,
    routers: Sequence[APIRouter],
    domain_error: type[Exception],
    status_for: dict[type[Exception], int],
    build_broker: Callable[[S, AsyncEngine], KafkaBroker],
    engine: AsyncEngine | None = None,
    static: bool = True,
    hsts: bool | None = None,
) -> FastAPI:
    """A service's whole web app: `make_app` plus what every service wires the same way: its
    engine (`app.state.engine`, disposed at shutdown; by default with the settings' pool and
    overflow), `app.state.settings`, readiness of the database and Kafka, its domain errors as
    4xx answers, its routers in matching order, the shared `/static` files and its AsyncAPI
    document at `/api/<service>/asyncapi.json` (from the broker its worker runs).

    `hsts` defaults to on in production."""
    if engine is None:
        engine = make_engine(
            settings.database_url,
            pool_size=settings.db_pool_size,
            max_overflow=settings.db_max_overflow,
        )
    owned = engine
    title = f"Digituki CRM: {service}"

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        await owned.dispose()

    app = make_app(
        service=service,
        title=title,
        checks={
            "database": database_check(engine),
            "kafka": kafka_check(settings.kafka_bootstrap_servers),
        },
        lifespan=lifespan,
        settings=settings,
        hsts=settings.environment == "production" if hsts is None else hsts,
        proxy_secret=settings.proxy_secret,
    )
    app.state.settings = settings
    app.state.engine = engine
    add_domain_error_handler(app, domain_error, status_for)
    for router in routers:
        app.include_router(router)
    if static:
        app.mount("/static", StaticFiles(directory=STATIC_DIR), name="static")

    @app.get(f"/api/{service}/asyncapi.json", include_in_schema=False)
    async def asyncapi() -> JSONResponse:
        return JSONResponse(asyncapi_document(build_broker(settings, owned), title=title))

    return app
