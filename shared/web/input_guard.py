"""Text that PostgreSQL cannot store never reaches a route: one rule for every service.

A NUL character, an unpaired UTF-16 surrogate (JSON's "\\ud800") or bytes that are not UTF-8
in any query parameter, form field or JSON string would pass validation and fail at the
database as a 500. Here such a request is answered 422 in FastAPI's own validation-error shape
(the one the OpenAPI documents declare), naming the field. Uploaded files are left alone:
a spreadsheet may hold any byte, and the import reports its rows itself.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any
from urllib.parse import parse_qsl

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.types import ASGIApp, Message, Receive, Scope, Send

MESSAGE = "contains a character that is not allowed (NUL or invalid Unicode)"
MAX_JSON_DEPTH = 64


def bad_text(value: str) -> bool:
    if "\x00" in value:
        return True
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:  # an unpaired surrogate
        return True
    return False


def _bad_pairs(raw: bytes) -> Iterator[str]:
    try:
        pairs = parse_qsl(
            raw.decode("utf-8"), keep_blank_values=True, errors="strict", max_num_fields=10_000
        )
    except (UnicodeDecodeError, ValueError):
        yield "?"
        return
    for name, value in pairs:
        if bad_text(name) or bad_text(value):
            yield name if not bad_text(name) else "?"


def _bad_json(
    value: Any, path: tuple[str | int, ...], depth: int = 0
) -> Iterator[tuple[str | int, ...]]:
    if depth > MAX_JSON_DEPTH:
        return
    if isinstance(value, str):
        if bad_text(value):
            yield path
    elif isinstance(value, dict):
        for key, item in value.items():
            if bad_text(key):
                yield (*path, "?")
            yield from _bad_json(item, (*path, key), depth + 1)
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _bad_json(item, (*path, index), depth + 1)


async def _body(receive: Receive) -> list[Message]:
    messages: list[Message] = []
    while True:
        message = await receive()
        messages.append(message)
        if message["type"] != "http.request" or not message.get("more_body", False):
            return messages


def _replay(messages: list[Message], receive: Receive) -> Receive:
    pending = list(messages)

    async def replayed() -> Message:
        return pending.pop(0) if pending else await receive()

    return replayed


async def _bad_multipart(scope: Scope, messages: list[Message]) -> list[tuple[str | int, ...]]:
    async def nothing_more() -> Message:
        return {"type": "http.disconnect"}

    try:
        form = await Request(scope, _replay(messages, nothing_more)).form()
    except Exception:  # not parseable: the route's own parsing answers it
        return []
    try:
        return [
            ("body", name)
            for name, value in form.multi_items()
            if not isinstance(value, UploadFile) and (bad_text(name) or bad_text(value))
        ]
    finally:
        await form.close()


def _header(scope: Scope, name: bytes) -> bytes:
    return next((v for k, v in scope.get("headers", []) if k == name), b"")


async def _refuse(send: Send, locations: list[tuple[str | int, ...]]) -> None:
    detail = [
        {"loc": list(loc), "msg": f"Value {MESSAGE}", "type": "string_character"}
        for loc in locations[:20]
    ]
    body = json.dumps({"detail": detail}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": 422,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


class InputGuard:
    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        bad: list[tuple[str | int, ...]] = [
            ("query", name) for name in _bad_pairs(scope.get("query_string", b""))
        ]
        path = scope.get("path", "")
        if bad_text(path) or "\x00" in path:
            bad.append(("path",))
        content_type = _header(scope, b"content-type").split(b";")[0].strip().lower()
        if not bad and scope["method"] in ("POST", "PUT", "PATCH", "DELETE") and content_type:
            messages = await _body(receive)
            receive = _replay(messages, receive)
            raw = b"".join(m.get("body", b"") for m in messages if m["type"] == "http.request")
            if content_type == b"application/x-www-form-urlencoded":
                bad = [("body", name) for name in _bad_pairs(raw)]
            elif content_type == b"application/json" or content_type.endswith(b"+json"):
                try:
                    parsed = json.loads(raw) if raw.strip() else None
                except (ValueError, RecursionError):
                    parsed = None  # invalid JSON is the route's 422 to give
                bad = [("body", *loc) for loc in _bad_json(parsed, ())]
            elif content_type == b"multipart/form-data":
                bad = await _bad_multipart(scope, messages)
        if bad:
            await _refuse(send, bad)
            return
        await self.app(scope, receive, send)
