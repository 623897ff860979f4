"""The FastAPI app every service starts from: health, metrics, correlation ids, errors."""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractAsyncContextManager

from fastapi import FastAPI

from shared.tracing import instrument_app
from shared.web.api_docs import add_api_docs
from shared.web.correlation import CorrelationMiddleware
from shared.web.error_pages import add_error_pages
from shared.web.errors import ServerErrorGuard
from shared.web.health import Check, health_router
from shared.web.input_guard import InputGuard
from shared.web.openapi import document_errors
from shared.web.security import SecurityHeadersMiddleware
from shared.web.staff_gate import StaffGate

Lifespan = Callable[[FastAPI], AbstractAsyncContextManager[None]]


def make_app(
    *,
    service: str,
    title: str,
    checks: dict[str, Check],
    lifespan: Lifespan | None = None,
    hsts: bool = False,
    proxy_secret: str = "",
) -> FastAPI:
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
