"""One JSON shape for API errors: {"detail": ..., "field": ...}."""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse


def add_domain_error_handler(
    app: FastAPI, error_type: type[Exception], status_for: dict[type[Exception], int]
) -> None:
    """Map a service's domain errors (with `message` and `field`) to 4xx answers."""

    async def handle(request: Request, exc: Exception) -> JSONResponse:
        status = next((code for t, code in status_for.items() if isinstance(exc, t)), 400)
        return JSONResponse(
            {"detail": getattr(exc, "message", str(exc)), "field": getattr(exc, "field", None)},
            status_code=status,
        )

    app.add_exception_handler(error_type, handle)
