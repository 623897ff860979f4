"""Composer use cases: drafts (create, edit) and test sends of a campaign's content."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.campaigns import repository as campaigns
from newsletter.campaigns.domain import next_status, parse_content
from newsletter.campaigns.service import COPIED, _audit, _get
from newsletter.delivery import repository as deliveries
from newsletter.delivery.domain import LANGUAGES
from newsletter.errors import InvalidInput
from newsletter.media.service import frozen_content
from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import unit_of_work
from shared.web.staff import Staff

TEST_PRIORITY = 0  # test mails go out like transactional ones: first


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
