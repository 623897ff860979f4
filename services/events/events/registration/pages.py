"""Public registration: the form's POST, and the personal cancel link.

The same answer whether or not the address was registered already (the mail tells the
owner of the address where they stand); a honeypot field and a per-IP rate limit as on /join.
"""

from __future__ import annotations

import uuid

from fastapi import APIRouter, Request
from fastapi.responses import Response

from events.calendar.pages import render_event
from events.catalog import service as catalog
from events.catalog.domain import pick
from events.deps import LinkMaker, Settings, UnitOfWork
from events.errors import Conflict, InvalidInput, NotFound
from events.pages import NO_STORE, message_page, pages, public_language
from events.registration import service as registration
from events.registration.domain import Registrant
from events.settings import EventsSettings
from shared.web.rate_limit import TokenBucket

router = APIRouter(include_in_schema=False)
FIELDS = (
    "name",
    "email",
    "organisation",
    "accessibility_needs",
    "consent",
    "newsletter",
    "website",
)


def _limiter(request: Request, settings: EventsSettings) -> TokenBucket:
    limiter: TokenBucket | None = getattr(request.app.state, "registration_limiter", None)
    if limiter is None:
        limiter = TokenBucket(
            burst=settings.registration_burst, per_minute=settings.registration_per_minute
        )
        request.app.state.registration_limiter = limiter
    return limiter


def _client_ip(request: Request) -> str:
    """The proxy's X-Real-IP (web processes listen on 127.0.0.1 only), else the peer."""
    return request.headers.get("x-real-ip") or (request.client.host if request.client else "")


@router.post("/events/{event_id}/register")
async def register(
    event_id: uuid.UUID,
    request: Request,
    uow: UnitOfWork,
    links: LinkMaker,
    settings: Settings,
) -> Response:
    lang = public_language(request)
    data = await request.form()
    form = {name: str(data.get(name) or "")[:4000] for name in FIELDS}
    if form["website"]:  # the honeypot: a bot; answered as a person would be
        return message_page(request, lang, "received")
    if not _limiter(request, settings).allow(_client_ip(request)):
        return message_page(request, lang, "limited", status_code=429)
    try:
        event = await catalog.get_event(uow, event_id)
    except NotFound:
        return message_page(request, lang, "missing", status_code=404)
    try:
        if form["consent"] != "yes":
            raise InvalidInput("your consent is needed to register", field="consent")
        await registration.register(
            uow,
            event_id=event_id,
            registrant=Registrant(
                name=form["name"],
                email=form["email"],
                organisation=form["organisation"],
                accessibility_needs=form["accessibility_needs"],
                language=lang,
            ),
            links=links,
            # The unticked box "also subscribe to the newsletter": contacts' double opt-in.
            newsletter=form["newsletter"] == "yes",
        )
    except InvalidInput as error:
        return await render_event(
            request, uow, event, lang, form=form, error=error, status_code=422
        )
    except (Conflict, NotFound):
        return message_page(request, lang, "closed", status_code=409)
    return message_page(request, lang, "received")


@router.get("/events/cancel/{token}")
async def cancel_page(token: str, request: Request, uow: UnitOfWork, links: LinkMaker) -> Response:
    lang = public_language(request)
    try:
        row, event = await registration.registration_for_link(uow, token=token, links=links)
    except NotFound:
        return message_page(request, lang, "invalid", status_code=404)
    return pages.render(
        request,
        "cancel.html",
        {
            "token": token,
            "title": pick(event.details.title, lang),
            "when": registration.when(event, lang),
            "cancelled": row.state == "cancelled",
        },
        lang=lang,
        headers=NO_STORE,
    )


@router.post("/events/cancel/{token}")
async def cancel(token: str, request: Request, uow: UnitOfWork, links: LinkMaker) -> Response:
    lang = public_language(request)
    try:
        await registration.cancel_registration(uow, token=token, links=links)
    except NotFound:
        return message_page(request, lang, "invalid", status_code=404)
    return message_page(request, lang, "cancelled")
