"""The FastAPI app every service starts from: health, metrics, correlation ids, errors."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI

from shared.tracing import instrument_app
from shared.web.correlation import CorrelationMiddleware
from shared.web.health import Check, health_router
from shared.web.security import SecurityHeadersMiddleware

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def make_app(
    *,
    service: str,
    title: str,
    checks: dict[str, Check],
    lifespan: Lifespan | None = None,
    hsts: bool = False,
) -> FastAPI:
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
    instrument_app(app)  # a server span per request, when tracing is configured
    return app
