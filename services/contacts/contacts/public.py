"""What the public pages share: client IP, bounded form reading, signed links, error pages."""

from __future__ import annotations

import uuid
from typing import Any
from urllib.parse import parse_qs

from fastapi import Request, Response

from contacts.rendering import pages, public_language
from contacts.settings import ContactsSettings
from shared.tokens import TokenError, TokenExpired, sign, verify
from shared.web.rate_limit import TokenBucket

MAX_FORM_BYTES = 16 * 1024
MAX_FIELDS = 100


class FormTooLarge(Exception):
    pass


def form_limiter(request: Request, settings: ContactsSettings, form: str) -> TokenBucket:
    """The per-IP rule of the public forms (the signup's settings), one bucket per form."""
    buckets: dict[str, TokenBucket] | None = getattr(request.app.state, "form_limiters", None)
    if buckets is None:
        buckets = request.app.state.form_limiters = {}
    if form not in buckets:
        buckets[form] = TokenBucket(
            burst=settings.signup_burst, per_minute=settings.signup_per_minute
        )
    return buckets[form]


def client_ip(request: Request) -> str:
    """The proxy's X-Real-IP (web processes listen on 127.0.0.1 only), else the peer."""
    return request.headers.get("x-real-ip") or (request.client.host if request.client else "")


async def read_form(request: Request) -> dict[str, list[str]]:
    """An urlencoded body of at most MAX_FORM_BYTES, read without trusting Content-Length."""
    declared = request.headers.get("content-length")
    if declared and declared.isdigit() and int(declared) > MAX_FORM_BYTES:
        raise FormTooLarge
    body = bytearray()
    async for chunk in request.stream():
        body += chunk
        if len(body) > MAX_FORM_BYTES:
            raise FormTooLarge
    try:
        return parse_qs(body.decode("utf-8"), keep_blank_values=True, max_num_fields=MAX_FIELDS)
    except (UnicodeDecodeError, ValueError):
        return {}


def link(settings: ContactsSettings, path: str, purpose: str, payload: dict[str, str]) -> str:
    token = sign(settings.token_keys(), purpose, payload)
    return f"{settings.public_base_url.rstrip('/')}/{path}/{token}"


def confirm_url(settings: ContactsSettings, signup_id: uuid.UUID) -> str:
    return link(settings, "join/confirm", "confirm", {"s": str(signup_id)})


def preferences_url(settings: ContactsSettings, person_id: uuid.UUID) -> str:
    return link(settings, "preferences", "preferences", {"c": str(person_id)})


def read_token(
    settings: ContactsSettings, purpose: str, token: str, key: str, max_age_s: int
) -> uuid.UUID:
    """The id inside a link; TokenError (TokenExpired) when forged, damaged or too old."""
    payload: Any = verify(settings.token_keys(), purpose, token, max_age_s=max_age_s)
    try:
        return uuid.UUID(str(payload[key]))
    except (KeyError, TypeError, ValueError) as exc:
        raise TokenError("the link carries no valid id") from exc


def link_problem(request: Request, error: Exception | None, *, kind: str) -> Response:
    """A clear page for a bad link: 410 when expired, 404 when gone, 400 when not valid."""
    if isinstance(error, TokenExpired):
        problem, status = "expired", 410
    elif isinstance(error, TokenError):
        problem, status = "invalid", 400
    else:
        problem, status = "gone", 404
    return pages.render(
        request,
        "link_problem.html",
        {"problem": problem, "kind": kind},
        lang=public_language(request),
        status_code=status,
    )
