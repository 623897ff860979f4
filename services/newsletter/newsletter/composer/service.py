"""Composer use cases: drafts, audience preview, checks, schedule, pause/resume/cancel,
duplicate and test sends; and the scheduler the worker runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from newsletter.campaigns import repository as campaigns
from newsletter.campaigns.domain import parse_content
from newsletter.campaigns.service import _audit, audience_where, send_language, start
from newsletter.composer.domain import (
    Refusal,
    check_schedule,
    helsinki_to_utc,
    links_of,
    next_status,
    refusals,
)
from newsletter.composer.links import broken_links
from newsletter.delivery import repository as deliveries
from newsletter.delivery.domain import LANGUAGES
from newsletter.errors import InvalidInput, NotFound
from newsletter.media.service import frozen_content, used_media
from newsletter.settings import NewsletterSettings
from newsletter.tables import contact_snapshot
from newsletter.unit_of_work import unit_of_work
from shared.web.staff import Staff
from shared.worker import Loop

log = logging.getLogger(__name__)
SAMPLE_SIZE = 10
TEST_PRIORITY = 0  # test mails go out like transactional ones: first


class SendRefused(InvalidInput):
    def __init__(self, found: list[Refusal]) -> None:
        super().__init__(found[0].message, field=found[0].field)
        self.refusals = found


@dataclass(frozen=True)
class Draft:
    """What a composer form or API body holds (validated by `validate`)."""

    name: str
    content: dict[str, Any]
    fallback_language: str | None
    topics: list[str]
    topical: bool
    tracking: bool
    included_segments: list[uuid.UUID]
    excluded_segments: list[uuid.UUID]

    def validate(self) -> dict[str, Any]:
        if not self.name.strip():
            raise InvalidInput("A campaign needs a name.", field="name")
        if not self.content:
            raise InvalidInput("Write the campaign in at least one language.", field="content")
        if self.fallback_language is not None and self.fallback_language not in LANGUAGES:
            raise InvalidInput("Languages are fi, sv and en.", field="fallback_language")
        default = self.fallback_language or next(la for la in LANGUAGES if la in self.content)
        parse_content(self.content, default)
        if self.topical and not self.topics:
            raise InvalidInput("A topical campaign needs at least one topic.", field="topics")
        return {
            "name": self.name.strip(),
            "content": self.content,
            "default_language": default,
            "fallback_language": self.fallback_language,
            "topics": self.topics,
            "topical": self.topical,
            "tracking": self.tracking,
            "included_segments": self.included_segments,
            "excluded_segments": self.excluded_segments,
        }


async def _get(conn: AsyncConnection, campaign_id: uuid.UUID, *, lock: bool = False) -> RowMapping:
    found = await campaigns.get(conn, campaign_id, for_update=lock)
    if found is None or found["status"] == "test":
        raise NotFound("No such campaign.")
    return found


async def create_draft(engine: AsyncEngine, *, staff: Staff, draft: Draft) -> uuid.UUID:
    values = draft.validate()
    campaign_id = uuid.uuid4()
    async with unit_of_work(engine) as uow:
        await campaigns.add(uow.conn, {"id": campaign_id, "audience": {"all": []}, **values})
        _audit(uow, staff, "campaign.created", campaign_id, name=values["name"])
        await uow.commit()
    return campaign_id


async def update_draft(
    engine: AsyncEngine, *, staff: Staff, campaign_id: uuid.UUID, draft: Draft
) -> None:
    values = draft.validate()
    async with unit_of_work(engine) as uow:
        campaign = await _get(uow.conn, campaign_id, lock=True)
        next_status(campaign["status"], "edit")
        await campaigns.update_draft(uow.conn, campaign_id, values)
        _audit(uow, staff, "campaign.edited", campaign_id)
        await uow.commit()


async def audience_preview(
    engine: AsyncEngine, campaign_id: uuid.UUID, suppression_key: bytes
) -> dict[str, Any]:
    """Count, languages and a sample of 10, by the rules the materialisation uses."""
    cs = contact_snapshot
    async with engine.connect() as conn:
        campaign = await _get(conn, campaign_id)
        where = await audience_where(conn, campaign, suppression_key)
        counted = select(cs.c.language, func.count()).where(where).group_by(cs.c.language)
        by_language = {lang or "none": int(n) for lang, n in (await conn.execute(counted)).all()}
        sample = (
            await conn.execute(
                select(cs.c.email, cs.c.first_name, cs.c.last_name, cs.c.language)
                .where(where)
                .order_by(cs.c.email)
                .limit(SAMPLE_SIZE)
            )
        ).all()
    languages = set(campaign["content"])
    fallback = send_language(campaign)
    return {
        "count": sum(by_language.values()),
        "languages": by_language,
        "sample": [
            {
                "email": r.email,
                "name": " ".join(p for p in (r.first_name, r.last_name) if p),
                "language": r.language if r.language in languages else fallback,
            }
            for r in sample
        ],
    }


async def sending_refusals(
    conn: AsyncConnection, campaign: RowMapping, settings: NewsletterSettings
) -> list[Refusal]:
    variants = parse_content(campaign["content"], campaign["default_language"])
    where = await audience_where(conn, campaign, settings.suppression_secret())
    cs = contact_snapshot
    needed = (await conn.execute(select(cs.c.language).where(where).distinct())).scalars()
    return refusals(
        variants,
        fallback=campaign["fallback_language"],
        audience_languages=list(needed),
        broken_links=await broken_links(links_of(variants), settings.link_check),
        media=await used_media(conn, campaign["content"]),
    )


async def _checked(
    conn: AsyncConnection, campaign: RowMapping, settings: NewsletterSettings
) -> None:
    found = await sending_refusals(conn, campaign, settings)
    if found:
        raise SendRefused(found)


async def send_now(
    engine: AsyncEngine, *, staff: Staff, campaign_id: uuid.UUID, settings: NewsletterSettings
) -> int:
    async with unit_of_work(engine) as uow:
        campaign = await _get(uow.conn, campaign_id, lock=True)
        next_status(campaign["status"], "start")
        await _checked(uow.conn, campaign, settings)
        count = await start(uow.conn, campaign, settings.suppression_secret())
        _audit(uow, staff, "campaign.sent", campaign_id, recipients=count)
        await uow.commit()
    return count


async def schedule(
    engine: AsyncEngine,
    *,
    staff: Staff,
    campaign_id: uuid.UUID,
    local_time: str,
    settings: NewsletterSettings,
) -> datetime:
    """Send at a Helsinki wall-clock time (stored in UTC); checked now, started by the worker."""
    at = helsinki_to_utc(local_time)
    check_schedule(at, datetime.now(UTC))
    async with unit_of_work(engine) as uow:
        campaign = await _get(uow.conn, campaign_id, lock=True)
        status = next_status(campaign["status"], "schedule")
        await _checked(uow.conn, campaign, settings)
        await campaigns.set_status(uow.conn, campaign_id, status=status, scheduled_at=at)
        _audit(uow, staff, "campaign.scheduled", campaign_id, at=at.isoformat())
        await uow.commit()
    return at


async def change(engine: AsyncEngine, *, staff: Staff, campaign_id: uuid.UUID, action: str) -> int:
    """Unschedule, pause, resume or cancel; the number of delivery rows it moved."""
    moves = {
        "pause": (("pending",), "paused"),
        "resume": (("paused",), "pending"),
        "cancel": (("pending", "paused"), "cancelled"),
    }
    async with unit_of_work(engine) as uow:
        campaign = await _get(uow.conn, campaign_id, lock=True)
        status = next_status(campaign["status"], action)
        moved = 0
        if action in moves:
            old, new = moves[action]
            moved = await campaigns.move_deliveries(uow.conn, campaign_id, old=old, new=new)
        extra: dict[str, Any] = {}
        if action == "cancel":
            extra = {"cancelled_count": moved, "finished_at": func.now()}
        if action == "unschedule":
            extra = {"scheduled_at": None}
        await campaigns.set_status(uow.conn, campaign_id, status=status, **extra)
        if action == "resume":
            await deliveries.wake_workers(uow.conn)
        _audit(uow, staff, f"campaign.{action}", campaign_id, deliveries=moved)
        await uow.commit()
    return moved


COPIED = (
    "content",
    "default_language",
    "fallback_language",
    "topics",
    "topical",
    "tracking",
    "audience",
    "included_segments",
    "excluded_segments",
)


async def duplicate(engine: AsyncEngine, *, staff: Staff, campaign_id: uuid.UUID) -> uuid.UUID:
    new_id = uuid.uuid4()
    async with unit_of_work(engine) as uow:
        campaign = await _get(uow.conn, campaign_id)
        values = {c: campaign[c] for c in COPIED}
        name = f"{campaign['name']} (copy)"
        await campaigns.add(uow.conn, {"id": new_id, "name": name, **values})
        _audit(uow, staff, "campaign.duplicated", new_id, source=str(campaign_id))
        await uow.commit()
    return new_id


def _addresses(raw: list[str], limit: int) -> list[str]:
    found = list(dict.fromkeys(a.strip() for a in raw if a.strip()))
    if not found:
        raise InvalidInput("Give at least one address.", field="addresses")
    if len(found) > limit:
        raise InvalidInput(f"At most {limit} addresses.", field="addresses")
    for address in found:
        local, _, domain = address.partition("@")
        if not local or "." not in domain or any(c.isspace() for c in address):
            raise InvalidInput(f"Not an email address: {address}", field="addresses")
    return found


async def send_test(
    engine: AsyncEngine,
    *,
    staff: Staff,
    campaign_id: uuid.UUID,
    addresses: list[str],
    language: str,
    settings: NewsletterSettings,
) -> int:
    """Each address gets the campaign in `language` through the delivery pipeline, first in
    line. A frozen copy (status "test") carries the content, so later edits never reach a
    test mail already queued, and the campaign's audience, status and counts stay untouched."""
    to = _addresses(addresses, settings.test_send_max)
    copy_id = uuid.uuid4()
    async with unit_of_work(engine) as uow:
        campaign = await _get(uow.conn, campaign_id)
        if language not in campaign["content"]:
            raise InvalidInput("The campaign has no content in that language.", field="language")
        values = {c: campaign[c] for c in COPIED}
        values["content"] = await frozen_content(uow.conn, campaign["content"])
        await campaigns.add(
            uow.conn,
            {
                "id": copy_id,
                "name": f"[TEST] {campaign['name']}",
                **values,
                "status": "test",
                "test_of": campaign_id,
            },
        )
        variables = {"first_name": "", "last_name": "", "organisation_name": "", "region": ""}
        for address in to:
            await deliveries.add_requested(
                uow.conn,
                {
                    "id": uuid.uuid4(),
                    "origin": "campaign_test",
                    "origin_id": str(campaign_id),
                    "priority": TEST_PRIORITY,
                    "campaign_id": copy_id,
                    "idempotency_key": f"campaign-test:{copy_id}:{address.lower()}",
                    "language": language,
                    "to_email": address,
                    "variables": variables,
                    "status": "pending",
                },
            )
        await deliveries.wake_workers(uow.conn)
        _audit(uow, staff, "campaign.test_sent", campaign_id, addresses=len(to))
        await uow.commit()
    return len(to)


async def run_due(engine: AsyncEngine, suppression_key: bytes) -> tuple[int, int]:
    """Start due scheduled campaigns and close finished ones: (started, finished)."""
    async with unit_of_work(engine) as uow:
        started = 0
        for campaign_id in await campaigns.due(uow.conn):
            campaign = await _get(uow.conn, campaign_id)
            await start(uow.conn, campaign, suppression_key)
            started += 1
        finished = len(await campaigns.finish_done(uow.conn))
        await uow.commit()
    return started, finished


def scheduler_loop(engine: AsyncEngine, settings: NewsletterSettings) -> Loop:
    """Start due campaigns and close finished ones, as a shared/worker.py loop."""
    key = settings.suppression_secret()

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                await run_due(engine, key)
            except Exception:  # a bad tick must not stop the loop; the next one retries
                log.exception("campaign scheduler tick failed")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), settings.scheduler_interval_s)

    return loop
