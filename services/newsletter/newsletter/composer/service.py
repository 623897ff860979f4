"""Composer use cases: drafts (create, edit) and test sends of a campaign's content; and what
the composer offers to choose from (segments, followed topics) and where a test send went."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from newsletter.campaigns.domain import Campaign, parse_content
from newsletter.campaigns.service import audit, get_campaign
from newsletter.composer.merge import MissingField, fields_used, personal
from newsletter.delivery.domain import LANGUAGES
from newsletter.errors import InvalidInput
from newsletter.media.domain import resolve_images
from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import NewsletterUnitOfWork
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
    in_archive: bool = True

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
            "in_archive": self.in_archive,
            "included_segments": self.included_segments,
            "excluded_segments": self.excluded_segments,
        }


async def create_draft(uow: NewsletterUnitOfWork, *, staff: Staff, draft: Draft) -> uuid.UUID:
    campaign = Campaign(id=uuid.uuid4(), **draft.validate())
    await uow.campaigns.add(campaign)
    audit(uow, staff, "campaign.created", campaign.id, name=campaign.name)
    await uow.commit()
    return campaign.id


async def update_draft(
    uow: NewsletterUnitOfWork, *, staff: Staff, campaign_id: uuid.UUID, draft: Draft
) -> None:
    values = draft.validate()
    campaign = await get_campaign(uow, campaign_id, lock=True)
    campaign.edit(values)
    await uow.campaigns.save(campaign)
    audit(uow, staff, "campaign.edited", campaign_id)
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


@dataclass(frozen=True)
class TestSend:
    """A test send: the frozen copy its mails carry, and to whom they went."""

    copy_id: uuid.UUID
    addresses: list[str]


async def send_test(
    uow: NewsletterUnitOfWork,
    *,
    staff: Staff,
    campaign_id: uuid.UUID,
    addresses: list[str],
    language: str,
    settings: NewsletterSettings,
) -> int:
    sent = await send_test_copy(
        uow,
        staff=staff,
        campaign_id=campaign_id,
        addresses=addresses,
        language=language,
        settings=settings,
    )
    return len(sent.addresses)


async def send_test_copy(
    uow: NewsletterUnitOfWork,
    *,
    staff: Staff,
    campaign_id: uuid.UUID,
    addresses: list[str],
    language: str,
    settings: NewsletterSettings,
) -> TestSend:
    """Each address gets the campaign in `language` through the delivery pipeline, first in
    line. A frozen copy (status "test") carries the content, so later edits never reach a
    test mail already queued, and the campaign's audience, status and counts stay untouched.
    The mail's merge fields are empty (their defaults apply) and its unsubscribe and
    preference links lead to a page that says they are test links."""
    to = _addresses(addresses, settings.test_send_max)
    campaign = await get_campaign(uow, campaign_id)
    if language not in campaign.content:
        raise InvalidInput("The campaign has no content in that language.", field="language")
    frozen = resolve_images(campaign.content, await uow.media.images_of(campaign.content))
    copy = campaign.test_copy(uuid.uuid4(), frozen)
    await uow.campaigns.add(copy)
    variables = {"first_name": "", "last_name": "", "organisation_name": "", "region": ""}
    for address in to:
        await uow.deliveries.add_requested(
            {
                "id": uuid.uuid4(),
                "origin": "campaign_test",
                "origin_id": str(campaign_id),
                "priority": TEST_PRIORITY,
                "campaign_id": copy.id,
                "idempotency_key": f"campaign-test:{copy.id}:{address.lower()}",
                "language": language,
                "to_email": address,
                "variables": variables,
                "status": "pending",
            }
        )
    await uow.deliveries.wake_workers()
    audit(uow, staff, "campaign.test_sent", campaign_id, addresses=len(to), test=str(copy.id))
    await uow.commit()
    return TestSend(copy.id, to)


async def missing_fields(uow: NewsletterUnitOfWork, campaign_id: uuid.UUID) -> list[MissingField]:
    """Each merge field the campaign uses that some of its audience lack: how many, and the
    sentence one of them would read (the field's default: nothing, no space before it)."""
    campaign = await get_campaign(uow, campaign_id)
    used = fields_used(campaign.variants)
    lacking = await uow.audiences.lacking(campaign, [u.field for u in used])
    found = []
    for use in used:
        count, first = lacking.get(use.field, (0, None))
        if count:
            fields = first.merge_fields if first else {}
            found.append(MissingField(use, count, personal(use.sentence, fields).strip()))
    return found


async def segment_choices(uow: NewsletterUnitOfWork, lang: str = "fi") -> list[dict[str, Any]]:
    """The live segments a campaign may include or exclude, by name in `lang`'s alphabet."""
    return await uow.segments.active(lang)


async def known_topics(uow: NewsletterUnitOfWork) -> dict[str, int]:
    """The topics people follow (in the contact replica), with how many follow each."""
    return await uow.composer.known_topics()


async def test_mails(
    uow: NewsletterUnitOfWork, *, campaign_id: uuid.UUID, copy_id: uuid.UUID
) -> list[tuple[str, str]]:
    """Where the test send `copy_id` of `campaign_id` went: (address, delivery status)."""
    return await uow.composer.test_mails(campaign_id, copy_id)
