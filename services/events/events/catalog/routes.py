"""Staff API of events and series: /api/events/events, /api/events/series."""

from __future__ import annotations

import uuid
from typing import Any

from fastapi import APIRouter, status

from events.catalog import service as catalog
from events.catalog.domain import Series
from events.catalog.schemas import DeclineIn, EventIn, SeriesIn, event_out, series_out
from events.deps import LinkMaker, UnitOfWork, actor
from shared.web.staff import Editor, Viewer

router = APIRouter(prefix="/api/events", tags=["events"])


@router.get("/events")
async def list_events(uow: UnitOfWork, staff: Viewer) -> list[dict[str, Any]]:
    return [event_out(e) for e in await catalog.list_events(uow)]


@router.post("/events", status_code=status.HTTP_201_CREATED)
async def create_event(
    body: EventIn, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> dict[str, Any]:
    event = await catalog.create_event(
        uow, details=body.details(), actor=actor(staff), links=links, publish=body.publish
    )
    return event_out(event)


@router.get("/events/{event_id}")
async def read_event(event_id: uuid.UUID, uow: UnitOfWork, staff: Viewer) -> dict[str, Any]:
    return event_out(await catalog.get_event(uow, event_id))


@router.put("/events/{event_id}")
async def change_event(
    event_id: uuid.UUID, body: EventIn, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> dict[str, Any]:
    event = await catalog.update_event(
        uow, event_id=event_id, details=body.details(), actor=actor(staff), links=links
    )
    return event_out(event)


@router.post("/events/{event_id}/publish")
async def publish_event(
    event_id: uuid.UUID, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> dict[str, Any]:
    event = await catalog.publish_event(uow, event_id=event_id, actor=actor(staff), links=links)
    return event_out(event)


@router.post("/events/{event_id}/cancel")
async def cancel_event(
    event_id: uuid.UUID, uow: UnitOfWork, links: LinkMaker, staff: Editor
) -> dict[str, Any]:
    event = await catalog.cancel_event(uow, event_id=event_id, actor=actor(staff), links=links)
    return event_out(event)


@router.post("/events/{event_id}/decline")
async def decline_event(
    event_id: uuid.UUID, uow: UnitOfWork, staff: Editor, body: DeclineIn | None = None
) -> dict[str, Any]:
    reason = body.reason if body is not None else ""
    event = await catalog.decline_event(uow, event_id=event_id, actor=actor(staff), reason=reason)
    return event_out(event)


@router.get("/series")
async def list_series(uow: UnitOfWork, staff: Viewer) -> list[dict[str, Any]]:
    return [series_out(s) for s in await catalog.list_series(uow)]


@router.post("/series", status_code=status.HTTP_201_CREATED)
async def create_series(body: SeriesIn, uow: UnitOfWork, staff: Editor) -> dict[str, Any]:
    item = Series(id=uuid.uuid4(), slug=body.slug, name=body.name, description=body.description)
    return series_out(await catalog.create_series(uow, series=item, actor=actor(staff)))
