"""API errors in one JSON shape ({"detail": ..., "field": ...}), a page for a browser; a 500
that keeps the connection."""

from __future__ import annotations

import html
import json
import logging

from fastapi import FastAPI, Request
from fastapi.responses import JSONResponse, Response
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logs import correlation_id
from shared.web.error_pages import error_page, wants_page

log = logging.getLogger(__name__)


def add_domain_error_handler(
    app: FastAPI, error_type: type[Exception], status_for: dict[type[Exception], int]
) -> None:
    """Map a service's domain errors (with `message` and `field`) to 4xx answers."""

    async def handle(request: Request, exc: Exception) -> Response:
        status = next((code for t, code in status_for.items() if isinstance(exc, t)), 400)
        if wants_page(request):  # a person in a browser: a page of the layout, never JSON
            return error_page(request, status)
        return JSONResponse(
            {"detail": getattr(exc, "message", str(exc)), "field": getattr(exc, "field", None)},
            status_code=status,
        )

    app.add_exception_handler(error_type, handle)


SERVER_ERROR_PAGE = """<!doctype html>
<html lang="fi"><head><meta charset="utf-8"><title>Virhe / Fel / Error</title></head>
<body><main>
<h1>Jokin meni vikaan</h1><p>Yritä hetken päästä uudelleen. Virheen tunniste: {cid}</p>
<h2 lang="sv">Något gick fel</h2><p lang="sv">Försök igen om en stund. Felkod: {cid}</p>
<h2 lang="en">Something went wrong</h2><p lang="en">Please try again shortly. Error id: {cid}</p>
</main></body></html>
"""


def _server_error_page(scope: Scope, cid: str) -> bytes:
    """The layout's 500 page in the visitor's language (staff layout on staff paths), with the
    error reference; the plain three-language page if even that cannot be rendered."""
    try:
        return bytes(error_page(Request(scope), 500).body)
    except Exception:
        log.exception("the error page itself failed")
        return SERVER_ERROR_PAGE.format(cid=html.escape(cid)).encode()


class ServerErrorGuard:
    """Answers an unhandled error with a 500 of its own and keeps the connection.

    Starlette's outermost error middleware re-raises after its 500, and uvicorn then closes
    the connection; nginx may already have put that keep-alive connection back in its pool,
    so the NEXT visitor's request meets a reset and gets a 502. Handled here, the error never
    reaches uvicorn: it is logged once, with the correlation id the visitor is shown.
    """

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message: Message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except Exception:
            log.exception("unhandled error in %s %s", scope.get("method"), scope.get("path"))
            if started:
                raise  # half a response is out: only closing the connection can end it
            cid = correlation_id.get() or "-"
            if str(scope.get("path", "")).startswith("/api/"):
                body = json.dumps({"detail": "internal error", "correlation_id": cid}).encode()
                content_type = b"application/json"
            else:
                body = _server_error_page(scope, cid)
                content_type = b"text/html; charset=utf-8"
            await send(
                {
                    "type": "http.response.start",
                    "status": 500,
                    "headers": [
                        (b"content-type", content_type),
                        (b"content-length", str(len(body)).encode()),
                    ],
                }
            )
            await send({"type": "http.response.body", "body": body})
