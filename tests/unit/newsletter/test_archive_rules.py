"""The public archive's use cases on the in-memory unit of work: which campaigns it shows
(sending or sent, send started, not kept out), newest first, in the asked language or the
campaign's default, and nothing personal in the public copy."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from newsletter.archive import service
from newsletter.archive.domain import in_public_archive
from newsletter.campaigns.domain import Campaign
from newsletter.errors import NotFound
from newsletter.rendering import mail_templates

from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork

TEMPLATES = mail_templates("https://digituki.example")
CONTENT = {
    "fi": {
        "subject": "Hei {{ first_name }}, marraskuun uutiset",
        "blocks": [{"type": "text", "text": "Tervetuloa {{ first_name }} koulutukseen."}],
    },
    "sv": {"subject": "Novemberbrev", "blocks": [{"type": "text", "text": "Välkommen."}]},
}


def campaign(
    day: int | None, *, status: str = "sent", in_archive: bool = True, **values: object
) -> Campaign:
    c = Campaign(
        id=uuid.UUID(int=day or 99),
        name=f"Kirje {day}",
        content=CONTENT,
        default_language="fi",
        status=status,
        in_archive=in_archive,
        send_started_at=datetime(2026, 11, day, tzinfo=UTC) if day else None,
    )
    for name, value in values.items():
        setattr(c, name, value)
    return c


async def stored(*found: Campaign) -> FakeNewsletterUnitOfWork:
    uow = FakeNewsletterUnitOfWork()
    for c in found:
        await uow.campaigns.add(c)
    return uow


@pytest.mark.parametrize(
    ("c", "shown"),
    [
        (campaign(3), True),
        (campaign(3, status="sending"), True),
        (campaign(3, in_archive=False), False),
        (campaign(3, status="cancelled"), False),
        (campaign(3, status="paused"), False),
        (campaign(3, status="test"), False),
        (campaign(None, status="sent"), False),
        (campaign(None, status="draft"), False),
    ],
    ids=["sent", "sending", "kept-out", "cancelled", "paused", "test-copy", "no-start", "draft"],
)
async def test_the_archive_shows_only_campaigns_whose_send_started(
    c: Campaign, shown: bool
) -> None:
    assert in_public_archive(c) is shown
    uow = await stored(c)
    assert [a.id for a in await service.archive(uow, TEMPLATES, "fi")] == ([c.id] if shown else [])
    if not shown:
        with pytest.raises(NotFound):
            await service.archived_campaign(uow, TEMPLATES, c.id, "fi")


async def test_the_archive_is_newest_first_and_lists_a_language_only_where_it_exists() -> None:
    finnish_only = campaign(20, content={"fi": CONTENT["fi"]})
    uow = await stored(campaign(2), finnish_only, campaign(11))
    assert [a.id for a in await service.archive(uow, TEMPLATES, "fi")] == [
        finnish_only.id,
        uuid.UUID(int=11),
        uuid.UUID(int=2),
    ]
    assert [a.id for a in await service.archive(uow, TEMPLATES, "sv")] == [
        uuid.UUID(int=11),
        uuid.UUID(int=2),
    ]


async def test_a_campaign_is_shown_in_the_asked_language_else_its_default() -> None:
    finnish_only = campaign(20, content={"fi": CONTENT["fi"]})
    uow = await stored(campaign(2), finnish_only)
    swedish = await service.archived_campaign(uow, TEMPLATES, uuid.UUID(int=2), "sv")
    assert (swedish.language, swedish.subject) == ("sv", "Novemberbrev")
    fallback = await service.archived_campaign(uow, TEMPLATES, finnish_only.id, "sv")
    assert fallback.language == "fi"
    with pytest.raises(NotFound):
        await service.archived_campaign(uow, TEMPLATES, uuid.UUID(int=404), "fi")


async def test_the_public_copy_has_no_personal_field() -> None:
    uow = await stored(campaign(5))
    [shown] = await service.archive(uow, TEMPLATES, "fi")
    assert shown.subject == "Hei, marraskuun uutiset"
    assert "{{" not in shown.html and "first_name" not in shown.html
    assert "Tervetuloa koulutukseen." in shown.html
    assert shown.sent_at == datetime(2026, 11, 5, tzinfo=UTC)


def test_a_preview_shows_a_draft_with_a_sample_person() -> None:
    shown = service.render_preview(
        TEMPLATES,
        campaign_id=uuid.UUID(int=1),
        version=3,
        default_language="fi",
        content=CONTENT,
        language="fi",
        variables=None,
    )
    assert shown.subject == "Hei Aino, marraskuun uutiset"
    with pytest.raises(NotFound):
        service.render_preview(
            TEMPLATES,
            campaign_id=uuid.UUID(int=1),
            version=3,
            default_language="fi",
            content=CONTENT,
            language="en",
            variables=None,
        )
