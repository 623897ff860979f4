"""Campaign use cases: create, send (materialise every delivery at once), read; the audience."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import ColumnElement
from sqlalchemy.engine import RowMapping
from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from newsletter.domain.campaign import parse_content
from newsletter.domain.errors import Conflict, InvalidInput, NotFound
from newsletter.persistence import campaigns, deliveries, segments
from newsletter.persistence.tables import contact_snapshot
from newsletter.persistence.unit_of_work import unit_of_work
from newsletter.service.media import frozen_content
from shared.audit import publish_staff_action
from shared.outbox.unit_of_work import UnitOfWork
from shared.segments import RuleError, parse_rule
from shared.segments.compiler import compile_rule
from shared.web.staff import Staff


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
