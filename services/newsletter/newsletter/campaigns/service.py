"""Campaign use cases over a `NewsletterUnitOfWork`: create, read, the audience preview, the
sending checks, send now or schedule, pause/resume/cancel/unschedule, duplicate; and the
scheduler tick (`start_due`) the worker runs through campaigns/scheduler.py."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from newsletter.campaigns.domain import (
    DELIVERY_MOVES,
    Campaign,
    Recipient,
    next_status,
    parse_content,
)
from newsletter.composer.domain import (
    Refusal,
    helsinki_to_utc,
    link_refusals,
    links_of,
    override_reason,
    refusals,
)
from newsletter.composer.links import broken_links
from newsletter.errors import InvalidInput, NotFound
from newsletter.media.domain import resolve_images
from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import NewsletterUnitOfWork
from shared.events.audit import StaffActionV1
from shared.events.envelope import new_event
from shared.events.topics import STAFF_AUDIT
from shared.segments import RuleError, parse_rule
from shared.web.staff import Staff

SAMPLE_SIZE = 10


class SendRefused(InvalidInput):
    def __init__(self, found: list[Refusal]) -> None:
        super().__init__(found[0].message, field=found[0].field)
        self.refusals = found


def audit(
    uow: NewsletterUnitOfWork, staff: Staff, action: str, campaign_id: uuid.UUID, **details: Any
) -> None:
    """A staff action on `staff.audit.v1`, in the use case's transaction."""
    entry = StaffActionV1(
        service="newsletter",
        actor_id=staff.id,
        actor_role=staff.role,
        action=action,
        target_type="campaign",
        target_id=str(campaign_id),
        occurred_at=datetime.now(UTC),
        details=details,
    )
    uow.publish(
        STAFF_AUDIT.name, staff.id or str(campaign_id), new_event(source="/newsletter", data=entry)
    )


async def get_campaign(
    uow: NewsletterUnitOfWork, campaign_id: uuid.UUID, *, lock: bool = False
) -> Campaign:
    """A campaign staff may see (a test send's frozen copy is none); locked to change it."""
    found = await uow.campaigns.get(campaign_id, lock=lock)
    if found is None or found.is_test:
        raise NotFound("No such campaign.")
    return found


async def create_campaign(
    uow: NewsletterUnitOfWork,
    *,
    staff: Staff,
    name: str,
    content: dict[str, Any],
    default_language: str,
    topics: list[str],
    topical: bool,
    tracking: bool,
    audience: dict[str, Any],
    in_archive: bool = True,
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
    campaign = Campaign(
        id=uuid.uuid4(),
        name=name.strip(),
        content=content,
        default_language=default_language,
        # Before the composer, the default language was everyone's fallback.
        fallback_language=default_language,
        topics=topics,
        topical=topical,
        tracking=tracking,
        in_archive=in_archive,
        audience=audience,
    )
    await uow.campaigns.add(campaign)
    audit(uow, staff, "campaign.created", campaign.id, name=campaign.name)
    await uow.commit()
    return campaign.id


async def campaign_status(uow: NewsletterUnitOfWork, campaign_id: uuid.UUID) -> dict[str, Any]:
    campaign = await get_campaign(uow, campaign_id)
    c = campaign
    return {
        "id": c.id,
        "name": c.name,
        "status": c.status,
        "recipients": c.recipients,
        "deliveries": await uow.campaigns.delivery_counts(campaign_id),
        "content": c.content,
        "fallback_language": c.fallback_language,
        "topics": c.topics,
        "topical": c.topical,
        "tracking": c.tracking,
        "in_archive": c.in_archive,
        "included_segments": c.included_segments,
        "excluded_segments": c.excluded_segments,
        "scheduled_at": c.scheduled_at,
        "cancelled_count": c.cancelled_count,
    }


async def audience_preview(uow: NewsletterUnitOfWork, campaign_id: uuid.UUID) -> dict[str, Any]:
    """Count, languages and a sample of 10, by the rules the materialisation uses."""
    campaign = await get_campaign(uow, campaign_id)
    found = await uow.audiences.preview(campaign, sample_size=SAMPLE_SIZE)
    return {
        "count": found.count,
        "languages": found.by_language,
        "sample": [
            {
                "email": r.email,
                "name": " ".join(p for p in (r.first_name, r.last_name) if p),
                "language": r.reads,
                "contact_id": r.contact_id,
                "organisation_name": r.organisation_name or "",
                "merge_fields": r.merge_fields,
            }
            for r in found.sample
        ],
    }


@dataclass(frozen=True)
class PreviewMail:
    """A campaign as one recipient would get it: library images resolved, their fields."""

    campaign: Campaign
    content: dict[str, Any]
    language: str
    person: Recipient | None


async def preview_mail(
    uow: NewsletterUnitOfWork,
    campaign_id: uuid.UUID,
    *,
    language: str,
    contact_id: uuid.UUID | None = None,
) -> PreviewMail:
    """The chosen person of the audience sample (else its first reader of `language`, else
    its first person; None with an empty audience), and the content as it would go out."""
    campaign = await get_campaign(uow, campaign_id)
    content = resolve_images(campaign.content, await uow.media.images_of(campaign.content))
    sample = (await uow.audiences.preview(campaign, sample_size=SAMPLE_SIZE)).sample
    person = next((r for r in sample if contact_id and r.contact_id == contact_id), None)
    person = person or next((r for r in sample if r.reads == language), None)
    person = person or (sample[0] if sample else None)
    return PreviewMail(campaign, content, language, person)


async def sending_refusals(
    uow: NewsletterUnitOfWork, campaign: Campaign, settings: NewsletterSettings
) -> list[Refusal]:
    variants = campaign.variants
    images = await uow.media.images_of(campaign.content)
    return refusals(
        variants,
        fallback=campaign.fallback_language,
        audience_languages=await uow.audiences.languages(campaign),
        broken_links=await broken_links(links_of(variants), settings.link_check),
        media={key: image for key, (image, _) in images.items()},
    )


async def _checked(
    uow: NewsletterUnitOfWork,
    staff: Staff,
    campaign: Campaign,
    settings: NewsletterSettings,
    link_override: str | None,
) -> None:
    """Refused for any reason; broken links only pass with an editor's reason (audited)."""
    found = await sending_refusals(uow, campaign, settings)
    links, others = link_refusals(found)
    if links and not others and link_override is not None:
        try:
            reason = override_reason(link_override)
        except InvalidInput as exc:
            raise SendRefused([*found, Refusal("override_reason", exc.message)]) from exc
        broken = [{"url": r.link, "why": r.why} for r in links]
        audit(
            uow, staff, "campaign.link_check_overridden", campaign.id, links=broken, reason=reason
        )
        return
    if found:
        raise SendRefused(found)


async def start(uow: NewsletterUnitOfWork, campaign: Campaign) -> int:
    """Freeze the content (library images as they are now), then one delivery per
    recipient in one statement; the delivery workers take it from there."""
    campaign.freeze_content(
        resolve_images(campaign.content, await uow.media.images_of(campaign.content))
    )
    count = await uow.audiences.materialise(
        campaign, languages=tuple(campaign.variants), default_language=campaign.send_language
    )
    campaign.start(count, datetime.now(UTC))
    await uow.campaigns.save(campaign)
    await uow.deliveries.wake_workers()
    return count


async def send_now(
    uow: NewsletterUnitOfWork,
    *,
    staff: Staff,
    campaign_id: uuid.UUID,
    settings: NewsletterSettings,
    link_override: str | None = None,
) -> int:
    campaign = await get_campaign(uow, campaign_id, lock=True)
    next_status(campaign.status, "start")  # refused before the (slower) checks
    await _checked(uow, staff, campaign, settings, link_override)
    count = await start(uow, campaign)
    audit(uow, staff, "campaign.sent", campaign_id, recipients=count)
    await uow.commit()
    return count


async def schedule(
    uow: NewsletterUnitOfWork,
    *,
    staff: Staff,
    campaign_id: uuid.UUID,
    local_time: str,
    settings: NewsletterSettings,
    link_override: str | None = None,
) -> datetime:
    """Send at a Helsinki wall-clock time (stored in UTC); checked now, started by the worker."""
    at = helsinki_to_utc(local_time)
    campaign = await get_campaign(uow, campaign_id, lock=True)
    campaign.schedule(at, datetime.now(UTC))
    await _checked(uow, staff, campaign, settings, link_override)
    await uow.campaigns.save(campaign)
    audit(uow, staff, "campaign.scheduled", campaign_id, at=at.isoformat())
    await uow.commit()
    return at


async def change(
    uow: NewsletterUnitOfWork, *, staff: Staff, campaign_id: uuid.UUID, action: str
) -> int:
    """Unschedule, pause, resume or cancel; the number of delivery rows it moved."""
    campaign = await get_campaign(uow, campaign_id, lock=True)
    next_status(campaign.status, action)  # nothing moves for an action not allowed
    moved = 0
    if action in DELIVERY_MOVES:
        old, new = DELIVERY_MOVES[action]
        moved = await uow.campaigns.move_deliveries(campaign_id, old=old, new=new)
    match action:
        case "pause":
            campaign.pause()
        case "resume":
            campaign.resume()
            await uow.deliveries.wake_workers()
        case "cancel":
            campaign.cancel(moved, datetime.now(UTC))
        case "unschedule":
            campaign.unschedule()
        case _:
            raise InvalidInput(f"Unknown action {action}.", field="status")
    await uow.campaigns.save(campaign)
    audit(uow, staff, f"campaign.{action}", campaign_id, deliveries=moved)
    await uow.commit()
    return moved


async def duplicate(
    uow: NewsletterUnitOfWork, *, staff: Staff, campaign_id: uuid.UUID, language: str = "en"
) -> uuid.UUID:
    copy = (await get_campaign(uow, campaign_id)).duplicate(uuid.uuid4(), language)
    await uow.campaigns.add(copy)
    audit(uow, staff, "campaign.duplicated", copy.id, source=str(campaign_id))
    await uow.commit()
    return copy.id


async def show_in_archive(
    uow: NewsletterUnitOfWork, *, staff: Staff, campaign_id: uuid.UUID, shown: bool
) -> None:
    campaign = await get_campaign(uow, campaign_id, lock=True)
    campaign.show_in_archive(shown)
    await uow.campaigns.save(campaign)
    action = "campaign.archive_shown" if shown else "campaign.archive_hidden"
    audit(uow, staff, action, campaign.id, name=campaign.name)
    await uow.commit()


async def start_due(uow: NewsletterUnitOfWork) -> tuple[int, int]:
    """Start due scheduled campaigns and close finished ones: (started, finished)."""
    started = 0
    for campaign_id in await uow.campaigns.due():
        await start(uow, await get_campaign(uow, campaign_id))
        started += 1
    finished = len(await uow.campaigns.finish_done())
    await uow.commit()
    return started, finished
