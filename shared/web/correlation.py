"""Takes the correlation id from the request (or makes one) and returns it in the response."""

from __future__ import annotations

import re
import uuid

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from shared.logs import correlation_id

HEADER = b"x-correlation-id"
ID_CHARS = re.compile(r"[A-Za-z0-9._:-]+")


class CorrelationMiddleware:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = dict(scope.get("headers", []))
        raw = headers.get(HEADER) or headers.get(b"x-request-id") or b""
        # Only an id-like value is taken: a header of stray bytes must not break the request.
        text = raw.decode("latin-1")[:64]
        value = text if text and ID_CHARS.fullmatch(text) else uuid.uuid4().hex
        token = correlation_id.set(value)

        async def send_with_id(message: Message) -> None:
            if message["type"] == "http.response.start":
                message.setdefault("headers", []).append((HEADER, value.encode()))
            await send(message)

        try:
            await self.app(scope, receive, send_with_id)
        finally:
            correlation_id.reset(token)
