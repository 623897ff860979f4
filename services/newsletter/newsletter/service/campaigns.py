"""Campaign use cases: create, send (materialise every delivery at once), read."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.domain.campaign import parse_content
from newsletter.domain.errors import Conflict, InvalidInput, NotFound
from newsletter.persistence import campaigns, deliveries
from newsletter.persistence.tables import contact_snapshot
from newsletter.persistence.unit_of_work import unit_of_work
from shared.events.audit import StaffActionV1
from shared.events.envelope import new_event
from shared.events.topics import STAFF_AUDIT
from shared.outbox.unit_of_work import UnitOfWork
from shared.segments import RuleError, compile_rule, parse_rule
from shared.web.staff import Staff


def _audit(
    uow: UnitOfWork, staff: Staff, action: str, campaign_id: uuid.UUID, **details: Any
) -> None:
    uow.publish(
        STAFF_AUDIT.name,
        staff.id,
        new_event(
            source="/newsletter",
            data=StaffActionV1(
                service="newsletter",
                actor_id=staff.id,
                actor_role=staff.role,
                action=action,
                target_type="campaign",
                target_id=str(campaign_id),
                occurred_at=datetime.now(UTC),
                details=details,
            ),
        ),
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
        if campaign["status"] != "draft":
            raise Conflict("This campaign has already been sent.", field="status")
        variants = parse_content(campaign["content"], campaign["default_language"])
        audience = deliveries.campaign_audience(
            rule_where=compile_rule(campaign["audience"], contact_snapshot, datetime.now(UTC)),
            topics=campaign["topics"] if campaign["topical"] else None,
            suppression_key=suppression_key,
        )
        count = await deliveries.materialise_campaign(
            uow.conn,
            campaign_id=campaign_id,
            audience=audience,
            languages=tuple(variants),
            default_language=campaign["default_language"],
        )
        await campaigns.mark_sending(uow.conn, campaign_id, count)
        await deliveries.wake_workers(uow.conn)
        _audit(uow, staff, "campaign.sent", campaign_id, recipients=count)
        await uow.commit()
    return count


async def campaign_status(engine: AsyncEngine, campaign_id: uuid.UUID) -> dict[str, Any]:
    async with engine.connect() as conn:
        campaign = await campaigns.get(conn, campaign_id)
        if campaign is None:
            raise NotFound("No such campaign.")
        counts = await campaigns.delivery_counts(conn, campaign_id)
    return {
        "id": campaign["id"],
        "name": campaign["name"],
        "status": campaign["status"],
        "recipients": campaign["recipients"],
        "deliveries": counts,
    }
