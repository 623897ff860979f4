"""The composer's event card filled from a real event: the replica of `events.event.v1`
(version-guarded) and the staff page's "Fill the card from the event", on the real database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from newsletter.event_cards.repository import EventListingRows
from newsletter.event_cards.service import apply_published
from newsletter.tables import event_listing
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.events.envelope import CloudEvent, new_event
from shared.events.events import EventPublishedV1
from tests.integration.test_newsletter_composer import (
    API,
    EDITOR,
    PAGES,
    VIEWER,
    audience_fixture,
    form_fields,
)

WEBINAR = uuid.UUID(int=0xE1)
WORKSHOP = uuid.UUID(int=0xE2)


async def apply_batch(conn: AsyncConnection, events: list[CloudEvent]) -> None:
    """As the consumer wires it (event_cards/handlers.py): the rule on the replica of the
    batch's transaction."""
    await apply_published(EventListingRows(conn), events)


def published(event_id: uuid.UUID, version: int, **extra: Any) -> Any:
    # 2 p.m. in Helsinki, 30 days on: the card shows Finnish time whatever the season.
    start = (datetime.now(UTC) + timedelta(days=30)).replace(
        hour=12, minute=0, second=0, microsecond=0
    )
    data = EventPublishedV1(
        event_id=event_id,
        version=version,
        state="published",
        kind="webinar",
        title={"fi": "Tekoäly arjessa", "sv": "AI i vardagen"},
        starts_at=start,
        ends_at=start + timedelta(hours=1),
        online=True,
        url=f"https://digituki.example/events/{event_id}",
    )
    return new_event(
        source="/test", data=data.model_copy(update=extra), subject=str(event_id), version=version
    )


async def test_the_replica_keeps_the_newest_version_of_each_event(db: AsyncEngine) -> None:
    async with db.begin() as conn:
        await apply_batch(
            conn, [published(WEBINAR, 2, title={"fi": "Uusi nimi"}), published(WEBINAR, 1)]
        )
    async with db.begin() as conn:
        await apply_batch(conn, [published(WEBINAR, 1, title={"fi": "Vanha"})])  # late, older
    async with db.connect() as conn:
        (row,) = (await conn.execute(select(event_listing))).all()
    assert (row.version, row.title) == (2, {"fi": "Uusi nimi"})
    async with db.begin() as conn:
        await apply_batch(conn, [published(WEBINAR, 3, state="cancelled")])
    async with db.connect() as conn:
        assert (await conn.execute(select(event_listing.c.state))).scalar_one() == "cancelled"


async def test_staff_fill_an_event_card_from_the_calendar_in_each_language(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    await audience_fixture(db)
    async with db.begin() as conn:
        await apply_batch(
            conn,
            [
                published(WEBINAR, 1),
                published(
                    WORKSHOP,
                    1,
                    online=False,
                    municipality="091",
                    title={"fi": "Työpaja"},
                    state="cancelled",
                ),
            ],
        )
    card = {
        "block-count": "3",
        "block-2-type": "event",
        "block-2-event": str(WEBINAR),
        "action": "fill:2",
    }
    filled = await newsletter_web.post(f"{PAGES}/new", data=form_fields(**card), headers=EDITOR)
    assert filled.status_code == 200
    page = filled.text
    # Only what is published and not over is offered; names, never ids, in the list.
    assert "Tekoäly arjessa" in page and "Työpaja" not in page
    assert (
        'name="block-2-text-fi" value="Tekoäly arjessa"' in page
        or 'value="Tekoäly arjessa"' in page
    )
    assert 'value="AI i vardagen"' in page
    assert 'value="Verkossa"' in page and 'value="På webben"' in page
    assert f'value="https://digituki.example/events/{WEBINAR}"' in page
    assert 'value="' + (datetime.now(UTC) + timedelta(days=30)).strftime("%Y-%m-%d") in page
    viewer = await newsletter_web.post(f"{PAGES}/new", data=form_fields(**card), headers=VIEWER)
    assert viewer.status_code == 403

    # Saved as typed text in each language (staff may edit it), remembering the event.
    fields = {**form_fields(**card), "action": "save"}
    fields |= {
        "block-2-text-fi": "Tekoäly arjessa",
        "block-2-text-sv": "AI i vardagen",
        "block-2-place-fi": "Verkossa",
        "block-2-place-sv": "På webben",
        "block-2-url": f"https://digituki.example/events/{WEBINAR}",
        "block-2-date": "2030-01-15T14:00",
    }
    saved = await newsletter_web.post(
        f"{PAGES}/new", data=fields, headers=EDITOR, follow_redirects=False
    )
    assert saved.status_code == 303, saved.text
    campaign = saved.headers["location"].rsplit("/", 1)[1]
    content = (await newsletter_web.get(f"{API}/{campaign}", headers=VIEWER)).json()["content"]
    sv_card = content["sv"]["blocks"][2]
    assert (sv_card["text"], sv_card["place"], sv_card["event"]) == (
        "AI i vardagen",
        "På webben",
        str(WEBINAR),
    )
    # A card naming no event of the calendar fills nothing and loses nothing.
    unknown = {**card, "block-2-event": str(uuid.UUID(int=9)), "block-2-text-fi": "Oma"}
    kept = await newsletter_web.post(f"{PAGES}/new", data=form_fields(**unknown), headers=EDITOR)
    assert kept.status_code == 200 and 'value="Oma"' in kept.text
