"""Who may speak as staff, and which staff writes are genuine: one gate in front of every app.

Two rules, applied to every request of every service before any route runs, so that no route
can forget them:

1. Staff headers come from the proxy only. nginx sets `X-Proxy-Secret` on every request it
   forwards; when the service has a proxy secret, `X-Staff-*` headers of a request without it
   are dropped, so a local process that reaches a web port directly is anonymous. Without a
   secret (development, in-process tests) the headers are trusted as before.
2. Every state-changing request made as staff carries the session's CSRF token (nginx forwards
   the session's token as `X-Staff-Csrf`); the request gives it as the `X-CSRF-Token` header or
   the `csrf_token` form field. Through the proxy a missing token is refused too.
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Awaitable, Callable
from urllib.parse import parse_qs

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
PROXY_SECRET_HEADER = b"x-proxy-secret"
STAFF_PREFIX = b"x-staff-"
FORM_TYPES = (b"application/x-www-form-urlencoded", b"multipart/form-data")
REFUSAL = "the form has expired: reload the page"


def _header(headers: list[tuple[bytes, bytes]], name: bytes) -> bytes:
    return next((value for key, value in headers if key == name), b"")


async def _read_body(receive: Receive) -> tuple[bytes, list[Message]]:
    messages: list[Message] = []
    chunks: list[bytes] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request":
            break  # http.disconnect: the app will see it too
        chunks.append(message.get("body", b""))
        if not message.get("more_body", False):
            break
    return b"".join(chunks), messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        if pending:
            return pending.pop(0)
        return await receive()

    return replayed


async def _form_token(scope: Scope, messages: list[Message]) -> str:
    content_type = _header(scope["headers"], b"content-type")
    if content_type.startswith(FORM_TYPES[0]):
        body = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
        values = parse_qs(body.decode("latin-1"), max_num_fields=10_000).get("csrf_token", [""])
        return values[0]
    request = Request(scope, _replay(messages, _never))
    try:
        form: FormData = await request.form()
    except Exception:  # a broken multipart body has no token; the route would refuse it anyway
        return ""
    try:
        value = form.get("csrf_token", "")
        return value if isinstance(value, str) else ""
    finally:
        await form.close()


async def _never() -> Message:
    return {"type": "http.disconnect"}


def _refuse(scope: Scope) -> Callable[[Receive, Send], Awaitable[None]]:
    async def respond(receive: Receive, send: Send) -> None:
        body = json.dumps({"detail": REFUSAL, "field": "csrf_token"}).encode()
        await send(
            {
                "type": "http.response.start",
                "status": 403,
                "headers": [
                    (b"content-type", b"application/json"),
                    (b"content-length", str(len(body)).encode()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})

    return respond


class StaffGate:
    def __init__(self, app: ASGIApp, *, proxy_secret: str = "") -> None:
        self.app = app
        self.proxy_secret = proxy_secret.encode()

    def _trusted_headers(self, headers: list[tuple[bytes, bytes]]) -> list[tuple[bytes, bytes]]:
        from_proxy = not self.proxy_secret or hmac.compare_digest(
            _header(headers, PROXY_SECRET_HEADER), self.proxy_secret
        )
        return [
            (key, value)
            for key, value in headers
            if key != PROXY_SECRET_HEADER and (from_proxy or not key.startswith(STAFF_PREFIX))
        ]

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = self._trusted_headers(list(scope.get("headers", [])))
        scope = {**scope, "headers": headers}
        if scope["method"] in SAFE_METHODS or not _header(headers, b"x-staff-id"):
            await self.app(scope, receive, send)
            return
        expected = _header(headers, b"x-staff-csrf").decode("latin-1")
        if not expected and not self.proxy_secret:
            # A direct call on 127.0.0.1 in development or an in-process test: no session.
            await self.app(scope, receive, send)
            return
        given = _header(headers, b"x-csrf-token").decode("latin-1")
        if not given and _header(headers, b"content-type").startswith(FORM_TYPES):
            _, messages = await _read_body(receive)
            given = await _form_token(scope, messages)
            receive = _replay(messages, receive)
        if not expected or not hmac.compare_digest(given.encode(), expected.encode()):
            await _refuse(scope)(receive, send)
            return
        await self.app(scope, receive, send)
