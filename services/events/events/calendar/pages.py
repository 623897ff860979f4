"""The public calendar: /events with filters, a series' page, an event's page, its `.ics`
and the calendar feed of everything upcoming (fi/sv/en)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import Response

from events.calendar.domain import CalendarEntry, calendar, ics_filename
from events.catalog import service as catalog
from events.catalog.domain import KINDS, LANGUAGES, Event, pick
from events.catalog.repository import Filters
from events.deps import LinkMaker, UnitOfWork
from events.errors import NotFound
from events.pages import message_page, pages, public_language
from events.registration import service as registration
from events.registration.service import Links
from shared.places import places

router = APIRouter(include_in_schema=False)
ICS = "text/calendar; charset=utf-8"


def _filters(request: Request) -> Filters:
    q = request.query_params

    def chosen(name: str, allowed: Any = None) -> str | None:
        value = (q.get(name) or "").strip()[:80]
        if not value or (allowed is not None and value not in allowed):
            return None
        return value

    fmt = chosen("format", ("online", "onsite"))
    return Filters(
        kind=chosen("kind", KINDS),
        region=chosen("region", places().regions),
        municipality=chosen("municipality", places().municipalities),
        language=chosen("language", LANGUAGES),
        online=None if fmt is None else fmt == "online",
        topic=chosen("topic"),
    )


def _card(event: Event, lang: str, counts: dict[str, int] | None = None) -> dict[str, Any]:
    d = event.details
    return {
        "id": event.id,
        "title": pick(d.title, lang),
        "kind": d.kind,
        "when": registration.when(event, lang),
        "place": registration.place(event, lang),
        "online": d.online,
        "languages": d.languages,
        "topics": d.topics,
        "organiser": d.organiser,
    }


def _entry(event: Event, links: Links) -> CalendarEntry:
    return registration.calendar_entry(event, links)


@router.get("/events")
async def calendar_page(request: Request, uow: UnitOfWork) -> Response:
    lang = public_language(request)
    filters = _filters(request)
    found = await catalog.upcoming(uow, filters=filters)
    return pages.render(
        request,
        "calendar.html",
        {
            "events": [_card(e, lang) for e in found],
            "filters": filters,
            "kinds": KINDS,
            "regions": [(r.code, r.name(lang)) for r in places().sorted_regions(lang)],
            "municipalities": [
                (m.code, m.name(lang)) for m in places().sorted_municipalities(lang)
            ],
            "topics": await catalog.topics_in_use(uow),
            "all_languages": LANGUAGES,
        },
        lang=lang,
    )


@router.get("/events/feed.ics")
async def calendar_feed(uow: UnitOfWork, links: LinkMaker) -> Response:
    found = await catalog.upcoming(uow, filters=Filters(), limit=1000)
    body = calendar([_entry(e, links) for e in found], name="Digituki", stamp=datetime.now(UTC))
    return Response(body, media_type=ICS)


@router.get("/events/series/{slug}")
async def series_page(slug: str, request: Request, uow: UnitOfWork) -> Response:
    lang = public_language(request)
    try:
        series = await catalog.get_series(uow, slug=slug[:80])
    except NotFound:
        return message_page(request, lang, "missing", status_code=404)
    found = await catalog.upcoming(uow, filters=Filters(series_id=series.id))
    return pages.render(
        request,
        "series.html",
        {
            "slug": series.slug,
            "name": pick(series.name, lang),
            "description": pick(series.description, lang),
            "events": [_card(e, lang) for e in found],
        },
        lang=lang,
    )


async def _public_event(uow: UnitOfWork, event_id: uuid.UUID) -> Event:
    event = await catalog.get_event(uow, event_id)
    if event.state not in ("published", "cancelled"):
        raise NotFound("no such event")
    return event


@router.get("/events/{event_id}")
async def event_page(event_id: uuid.UUID, request: Request, uow: UnitOfWork) -> Response:
    lang = public_language(request)
    try:
        event = await _public_event(uow, event_id)
    except NotFound:
        return message_page(request, lang, "missing", status_code=404)
    return await render_event(request, uow, event, lang, form={}, error=None)


async def render_event(
    request: Request,
    uow: UnitOfWork,
    event: Event,
    lang: str,
    *,
    form: dict[str, str],
    error: Any,
    status_code: int = 200,
) -> Response:
    d = event.details
    counts = await registration.counts_of(uow, event.id)
    taken = counts.get("registered", 0)
    series = await catalog.series_by_id(uow, d.series_id)
    return pages.render(
        request,
        "event.html",
        {
            "event": event,
            "card": _card(event, lang),
            "description": pick(d.description, lang),
            "series": series,
            "series_name": pick(series.name, lang) if series else "",
            "seats_left": None if d.capacity is None else max(0, d.capacity - taken),
            "registration": event.registration_state(datetime.now(UTC)),
            "form": form,
            "error": error,
        },
        lang=lang,
        status_code=status_code,
    )


@router.get("/events/{event_id}/event.ics")
async def event_ics(event_id: uuid.UUID, uow: UnitOfWork, links: LinkMaker) -> Response:
    event = await _public_event(uow, event_id)
    body = calendar(
        [_entry(event, links)],
        name="Digituki",
        stamp=datetime.now(UTC),
        organizer=links.organiser,
    )
    return Response(
        body,
        media_type=ICS,
        headers={"Content-Disposition": f'attachment; filename="{ics_filename(event.id)}"'},
    )
