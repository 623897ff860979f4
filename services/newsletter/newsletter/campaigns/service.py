"""Campaign use cases: create, read, the audience and its preview, the sending checks, send now
or schedule, pause/resume/cancel, duplicate; and the scheduler the worker runs."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from newsletter.campaigns import repository as campaigns
from newsletter.campaigns import segments
from newsletter.campaigns.domain import next_status, parse_content
from newsletter.composer.domain import Refusal, check_schedule, helsinki_to_utc, links_of, refusals
from newsletter.composer.links import broken_links
from newsletter.delivery import repository as deliveries
from newsletter.errors import Conflict, InvalidInput, NotFound
from newsletter.media.service import frozen_content, used_media
from newsletter.settings import NewsletterSettings
from newsletter.tables import contact_snapshot
from newsletter.unit_of_work import unit_of_work
from shared.audit import publish_staff_action
from shared.outbox.unit_of_work import UnitOfWork
from shared.segments import RuleError, compile_rule, parse_rule
from shared.web.staff import Staff
from shared.worker import Loop

log = logging.getLogger(__name__)


def _audit(
    uow: UnitOfWork, staff: Staff, action: str, campaign_id: uuid.UUID, **details: Any
) -> None:
    publish_staff_action(
        uow,
        service="newsletter",
        actor_id=staff.id,
        actor_role=staff.role,
        action=action,
        target_type="campaign",
        target_id=str(campaign_id),
        details=details,
    )


async def create_campaign(
    engine: AsyncEngine,
    *,
    staff: Staff,
    name: str,
    content: dict[str, Any],
    default_language: str,
    topics: list[str],
    topical: bool,
    tracking: bool,
    audience: dict[str, Any],
) -> uuid.UUID:
    if not name.strip():
        raise InvalidInput("A campaign needs a name.", field="name")
    parse_content(content, default_language)
    try:
        parse_rule(audience)
    except RuleError as exc:
        raise InvalidInput(exc.message, field=f"audience{exc.path}") from exc
    if topical and not topics:
        raise InvalidInput("A topical campaign needs at least one topic.", field="topics")
    campaign_id = uuid.uuid4()
    async with unit_of_work(engine) as uow:
        await campaigns.add(
            uow.conn,
            {
                "id": campaign_id,
                "name": name.strip(),
                "content": content,
                "default_language": default_language,
                "topics": topics,
                "topical": topical,
                "tracking": tracking,
                "audience": audience,
                # Before the composer, the default language was everyone's fallback.
                "fallback_language": default_language,
            },
        )
        _audit(uow, staff, "campaign.created", campaign_id, name=name.strip())
        await uow.commit()
    return campaign_id


async def send_campaign(
    engine: AsyncEngine, *, staff: Staff, campaign_id: uuid.UUID, suppression_key: bytes
) -> int:
    """Materialise one delivery per recipient in one statement; workers take it from there."""
    async with unit_of_work(engine) as uow:
        campaign = await campaigns.get(uow.conn, campaign_id, for_update=True)
        if campaign is None:
            raise NotFound("No such campaign.")
        if campaign["status"] not in ("draft", "scheduled"):
            raise Conflict("This campaign has already been sent.", field="status")
        count = await start(uow.conn, campaign, suppression_key)
        _audit(uow, staff, "campaign.sent", campaign_id, recipients=count)
        await uow.commit()
    return count


async def audience_where(
    conn: AsyncConnection, campaign: RowMapping, suppression_key: bytes
) -> ColumnElement[bool]:
    """Who the campaign reaches now: its rule, any included segment, no excluded segment,
    and every rule of docs/mail.md "Deliveries" (one definition for counts and sending)."""
    parts: list[Any] = [campaign["audience"]]
    included, excluded = campaign["included_segments"], campaign["excluded_segments"]
    found = await segments.rules(conn, [*included, *excluded])
    if included:
        parts.append({"any": [found[s] for s in included if s in found]})
    excluded_rules = [found[s] for s in excluded if s in found]
    if excluded_rules:
        parts.append({"not": {"any": excluded_rules}})
    return deliveries.campaign_audience(
        rule_where=compile_rule({"all": parts}, contact_snapshot, datetime.now(UTC)),
        topics=campaign["topics"] if campaign["topical"] else None,
        suppression_key=suppression_key,
    )


def send_language(campaign: RowMapping) -> str:
    """The language of recipients whose own has no variant."""
    return str(campaign["fallback_language"] or campaign["default_language"])


async def start(conn: AsyncConnection, campaign: RowMapping, suppression_key: bytes) -> int:
    """Materialise one delivery per recipient in one statement; workers take it from there."""
    content = await frozen_content(conn, campaign["content"])
    if content != campaign["content"]:  # library images: addresses and alt texts as of now
        await campaigns.update_draft(conn, campaign["id"], {"content": content})
    variants = parse_content(content, campaign["default_language"])
    count = await deliveries.materialise_campaign(
        conn,
        campaign_id=campaign["id"],
        campaign_name=str(campaign["name"]),
        audience=await audience_where(conn, campaign, suppression_key),
        languages=tuple(variants),
        default_language=send_language(campaign),
    )
    await campaigns.mark_sending(conn, campaign["id"], count)
    await deliveries.wake_workers(conn)
    return count


async def campaign_status(engine: AsyncEngine, campaign_id: uuid.UUID) -> dict[str, Any]:
    async with engine.connect() as conn:
        campaign = await campaigns.get(conn, campaign_id)
        if campaign is None or campaign["status"] == "test":
            raise NotFound("No such campaign.")
        counts = await campaigns.delivery_counts(conn, campaign_id)
    return {
        "id": campaign["id"],
        "name": campaign["name"],
        "status": campaign["status"],
        "recipients": campaign["recipients"],
        "deliveries": counts,
        **{
            c: campaign[c]
            for c in (
                "content",
                "fallback_language",
                "topics",
                "topical",
                "tracking",
                "included_segments",
                "excluded_segments",
                "scheduled_at",
                "cancelled_count",
            )
        },
    }


SAMPLE_SIZE = 10


class SendRefused(InvalidInput):
    def __init__(self, found: list[Refusal]) -> None:
        super().__init__(found[0].message, field=found[0].field)
        self.refusals = found


async def _get(conn: AsyncConnection, campaign_id: uuid.UUID, *, lock: bool = False) -> RowMapping:
    found = await campaigns.get(conn, campaign_id, for_update=lock)
    if found is None or found["status"] == "test":
        raise NotFound("No such campaign.")
    return found


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
