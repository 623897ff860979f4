"""The FastAPI app every service starts from: health, metrics, correlation ids, errors."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Callable
from contextlib import AbstractAsyncContextManager, asynccontextmanager

from fastapi import FastAPI

from shared.outages import watch_outages
from shared.settings import ServiceSettings
from shared.web.correlation import CorrelationMiddleware
from shared.web.health import Check, health_router, workers_check
from shared.web.security import SecurityHeadersMiddleware

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def make_app(
    *,
    service: str,
    title: str,
    checks: dict[str, Check],
    lifespan: Lifespan | None = None,
    hsts: bool = False,
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
        docs_url=f"/api/{service}/docs",
        openapi_url=f"/api/{service}/openapi.json",
        redoc_url=None,
    )
    app.add_middleware(SecurityHeadersMiddleware, hsts=hsts)
    app.add_middleware(CorrelationMiddleware)
    app.include_router(health_router(service, checks))
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
