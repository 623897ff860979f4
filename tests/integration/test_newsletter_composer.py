"""The campaign composer through its API and staff pages, on the real database."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from newsletter.campaigns.scheduler import run_due
from newsletter.composer.links import broken_links
from newsletter.settings import NewsletterSettings
from newsletter.tables import campaigns, contact_snapshot, deliveries, segments
from sqlalchemy import func, insert, select, update
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.clients import newsletter_client

EDITOR = {"X-Staff-Id": "e1", "X-Staff-Role": "editor", "X-Staff-Csrf": "tok"}
VIEWER = {"X-Staff-Id": "v1", "X-Staff-Role": "viewer", "X-Staff-Csrf": "tok"}
# The JSON API sends the session's token as a header (forms send it as a field).
API_EDITOR = {**EDITOR, "X-CSRF-Token": "tok"}
API_VIEWER = {**VIEWER, "X-CSRF-Token": "tok"}
API = "/api/newsletter/campaigns"
PAGES = "/newsletter/staff/campaigns"
REGION_01 = uuid.uuid4()
SWEDISH = uuid.uuid4()


def person(**overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "contact_id": uuid.uuid4(),
        "version": 1,
        "email": f"p-{uuid.uuid4().hex[:8]}@example.fi",
        "first_name": "Aino",
        "last_name": "Virtanen",
        "language": "fi",
        "subscription_state": "subscribed",
        "confirmed_at": datetime.now(UTC),
        "newsletter_consent": True,
        "email_status": "ok",
        "region": "01",
    }
    return row | overrides


async def audience_fixture(db: AsyncEngine) -> list[dict[str, Any]]:
    """Region 01 minus Swedish speakers: two welcome, the rest out for some reason."""
    people = [
        person(language="fi"),
        person(language="en"),
        person(language="sv"),  # excluded segment
        person(region="02"),  # not in the included segment
        person(subscription_state="unsubscribed"),
        person(confirmed_at=None),
        person(erased=True, email=None),
    ]
    async with db.begin() as conn:
        await conn.execute(insert(contact_snapshot), people)
        await conn.execute(
            insert(segments),
            [
                {"segment_id": REGION_01, "version": 1, "name": "Uusimaa",
                 "rule": {"field": "region", "op": "eq", "value": "01"}},
                {"segment_id": SWEDISH, "version": 1, "name": "Ruotsinkieliset",
                 "rule": {"field": "language", "op": "eq", "value": "sv"}},
            ],
        )  # fmt: skip
    return people


def draft_body(**extra: Any) -> dict[str, Any]:
    blocks = {
        lang: [
            {"type": "heading", "text": f"{word} {{{{ first_name }}}}"},
            {"type": "image", "url": "https://example.fi/a.png", "alt": f"alt {lang}"},
            {"type": "event", "text": "Webinar", "date": "1.12.2026 10:00", "place": "Teams",
             "url": "https://example.fi/register"},
            {"type": "divider"},
        ]
        for lang, word in (("fi", "Hei"), ("en", "Hi"))
    }  # fmt: skip
    return {
        "name": "Digitaitoviikko",
        "content": {lang: {"subject": f"S {lang}", "blocks": b} for lang, b in blocks.items()},
        "fallback_language": "fi",
        "included_segments": [str(REGION_01)],
        "excluded_segments": [str(SWEDISH)],
    } | extra


async def new_draft(newsletter_web: httpx.AsyncClient, **extra: Any) -> str:
    made = await newsletter_web.post(f"{API}/drafts", json=draft_body(**extra), headers=API_EDITOR)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def test_editors_compose_and_viewers_only_read(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    assert (
        await newsletter_web.post(f"{API}/drafts", json=draft_body(), headers=API_VIEWER)
    ).status_code == 403
    campaign = await new_draft(newsletter_web)
    read = (await newsletter_web.get(f"{API}/{campaign}", headers=VIEWER)).json()
    assert read["status"] == "draft" and set(read["content"]) == {"fi", "en"}
    assert read["included_segments"] == [str(REGION_01)]
    changed = draft_body(name="Uusi nimi", fallback_language=None)
    assert (
        await newsletter_web.put(f"{API}/{campaign}", json=changed, headers=API_VIEWER)
    ).status_code == 403
    saved = await newsletter_web.put(f"{API}/{campaign}", json=changed, headers=API_EDITOR)
    assert saved.status_code == 200 and saved.json()["name"] == "Uusi nimi"
    assert saved.json()["fallback_language"] is None
    no_language = await newsletter_web.post(
        f"{API}/drafts", json=draft_body(content={}), headers=API_EDITOR
    )
    assert no_language.status_code == 422


async def test_audience_is_segments_minus_excluded_with_count_and_sample(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    people = await audience_fixture(db)
    campaign = await new_draft(newsletter_web)
    found = (await newsletter_web.get(f"{API}/{campaign}/audience", headers=VIEWER)).json()
    assert found["count"] == 2
    assert {r["email"] for r in found["sample"]} == {people[0]["email"], people[1]["email"]}
    assert found["languages"] == {"fi": 1, "en": 1}
    listed = (await newsletter_web.get("/api/newsletter/segments", headers=VIEWER)).json()
    assert {s["name"] for s in listed} == {"Uusimaa", "Ruotsinkieliset"}


async def test_sending_is_refused_with_every_reason(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    await audience_fixture(db)
    body = draft_body(fallback_language=None, excluded_segments=[])
    body["content"]["en"]["blocks"][1]["alt"] = ""
    campaign = await new_draft(newsletter_web, **body)
    refused = await newsletter_web.post(f"{API}/{campaign}/send", headers=API_EDITOR)
    assert refused.status_code == 422
    fields = {r["field"] for r in refused.json()["detail"]["refusals"]}
    assert fields == {"content.sv", "content.en.blocks.1.alt"}
    later = (datetime.now(UTC) + timedelta(days=2)).strftime("%Y-%m-%dT%H:%M")
    scheduled = await newsletter_web.post(
        f"{API}/{campaign}/schedule", json={"send_at": later}, headers=API_EDITOR
    )
    assert scheduled.status_code == 422
    assert (await newsletter_web.get(f"{API}/{campaign}", headers=VIEWER)).json()[
        "status"
    ] == "draft"


async def test_link_check_modes(link_server: str) -> None:
    urls = [f"{link_server}/ok", f"{link_server}/gone", "https://no-such-host.invalid/x"]
    assert await broken_links(urls, "off") == {}
    assert await broken_links(urls, "syntax") == {}
    found = await broken_links(urls, "http")
    assert set(found) == {urls[1], urls[2]}
    assert "404" in found[urls[1]]


async def test_http_link_check_refuses_a_dead_link_through_the_api(
    db: AsyncEngine, link_server: str
) -> None:
    body = draft_body()
    for lang in ("fi", "en"):
        body["content"][lang]["blocks"] = [
            {"type": "button", "text": "Go", "url": f"{link_server}/gone"}
        ]
    async with newsletter_client(NewsletterSettings(link_check="http")) as web:
        campaign = await new_draft(web, **body)
        refused = await web.post(f"{API}/{campaign}/send", headers=API_EDITOR)
        assert refused.status_code == 422
        assert "HTTP 404" in refused.json()["detail"]["refusals"][0]["message"]


async def deliveries_of(db: AsyncEngine, campaign: str) -> dict[str, int]:
    async with db.connect() as conn:
        stmt = (
            select(deliveries.c.status, func.count())
            .where(deliveries.c.campaign_id == uuid.UUID(campaign))
            .group_by(deliveries.c.status)
        )
        return {s: int(n) for s, n in (await conn.execute(stmt)).all()}


async def test_schedule_start_pause_resume_cancel_count_rows(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    await audience_fixture(db)
    campaign = await new_draft(newsletter_web)
    scheduled = await newsletter_web.post(
        f"{API}/{campaign}/schedule", json={"send_at": "2020-01-01T10:00"}, headers=API_EDITOR
    )
    assert scheduled.status_code == 422 and scheduled.json()["field"] == "send_at"
    winter = "2031-01-10T09:15"
    scheduled = await newsletter_web.post(
        f"{API}/{campaign}/schedule", json={"send_at": winter}, headers=API_EDITOR
    )
    assert scheduled.status_code == 200, scheduled.text
    assert scheduled.json()["scheduled_at"].startswith("2031-01-10T07:15")
    assert scheduled.json()["scheduled_at_helsinki"] == "2031-01-10T09:15+02:00"
    assert await run_due(db, NewsletterSettings().suppression_secret()) == (0, 0)
    async with db.begin() as conn:
        await conn.execute(
            update(campaigns)
            .where(campaigns.c.id == uuid.UUID(campaign))
            .values(scheduled_at=func.now() - timedelta(seconds=1))
        )
    assert await run_due(db, NewsletterSettings().suppression_secret()) == (1, 0)
    assert await deliveries_of(db, campaign) == {"pending": 2}

    paused = (await newsletter_web.post(f"{API}/{campaign}/pause", headers=API_EDITOR)).json()
    assert paused == {"id": campaign, "status": "paused", "deliveries": 2}
    assert await deliveries_of(db, campaign) == {"paused": 2}
    assert (
        await newsletter_web.post(f"{API}/{campaign}/pause", headers=API_EDITOR)
    ).status_code == 409
    resumed = (await newsletter_web.post(f"{API}/{campaign}/resume", headers=API_EDITOR)).json()
    assert resumed["status"] == "sending" and resumed["deliveries"] == 2
    async with db.begin() as conn:  # one mail went out meanwhile
        one = select(deliveries.c.id).where(deliveries.c.campaign_id == uuid.UUID(campaign))
        await conn.execute(
            update(deliveries).where(deliveries.c.id == one.limit(1).scalar_subquery())
            .values(status="sent")
        )  # fmt: skip
    cancelled = (await newsletter_web.post(f"{API}/{campaign}/cancel", headers=API_EDITOR)).json()
    assert cancelled == {"id": campaign, "status": "cancelled", "deliveries": 1}
    assert await deliveries_of(db, campaign) == {"sent": 1, "cancelled": 1}
    assert (await newsletter_web.get(f"{API}/{campaign}", headers=VIEWER)).json()[
        "cancelled_count"
    ] == 1


async def test_a_sending_campaign_is_sent_when_no_row_is_pending(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    await audience_fixture(db)
    campaign = await new_draft(newsletter_web)
    assert (await newsletter_web.post(f"{API}/{campaign}/send", headers=API_EDITOR)).json()[
        "recipients"
    ] == 2
    key = NewsletterSettings().suppression_secret()
    assert await run_due(db, key) == (0, 0)
    async with db.begin() as conn:
        await conn.execute(update(deliveries).values(status="sent"))
    assert await run_due(db, key) == (0, 1)
    assert (await newsletter_web.get(f"{API}/{campaign}", headers=VIEWER)).json()[
        "status"
    ] == "sent"


async def test_test_send_uses_the_pipeline_first_and_leaves_the_campaign_alone(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    await audience_fixture(db)
    campaign = await new_draft(newsletter_web)
    body = {"addresses": ["staff1@digituki.fi", "staff2@digituki.fi"], "language": "en"}
    assert (
        await newsletter_web.post(f"{API}/{campaign}/test", json=body, headers=API_VIEWER)
    ).status_code == 403
    sent = await newsletter_web.post(f"{API}/{campaign}/test", json=body, headers=API_EDITOR)
    assert sent.status_code == 202 and sent.json()["sent_to"] == 2
    bad = await newsletter_web.post(
        f"{API}/{campaign}/test", json={"addresses": ["nope"]}, headers=API_EDITOR
    )
    assert bad.status_code == 422
    async with db.connect() as conn:
        rows = (
            await conn.execute(select(deliveries).where(deliveries.c.origin == "campaign_test"))
        ).all()
    assert {r.to_email for r in rows} == {"staff1@digituki.fi", "staff2@digituki.fi"}
    assert {(r.priority, r.language, r.origin_id) for r in rows} == {(0, "en", campaign)}
    assert await deliveries_of(db, campaign) == {}
    read = (await newsletter_web.get(f"{API}/{campaign}", headers=VIEWER)).json()
    assert read["status"] == "draft" and read["recipients"] is None
    listing = await newsletter_web.get(PAGES, headers=VIEWER)
    assert "[TEST]" not in listing.text


async def test_duplicate_copies_content_and_audience_as_a_new_draft(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    await audience_fixture(db)
    campaign = await new_draft(newsletter_web)
    await newsletter_web.post(f"{API}/{campaign}/send", headers=API_EDITOR)
    made = await newsletter_web.post(f"{API}/{campaign}/duplicate", headers=API_EDITOR)
    assert made.status_code == 201
    copy = (await newsletter_web.get(f"{API}/{made.json()['id']}", headers=VIEWER)).json()
    original = (await newsletter_web.get(f"{API}/{campaign}", headers=VIEWER)).json()
    assert copy["status"] == "draft" and copy["name"] == "Digitaitoviikko (copy)"
    assert copy["content"] == original["content"]
    assert copy["excluded_segments"] == [str(SWEDISH)]


def form_fields(**extra: str) -> dict[str, str | list[str]]:
    return {
        "csrf_token": "tok",
        "name": "Syksy",
        "languages": ["fi", "sv"],
        "fallback_language": "fi",
        "subject-fi": "Hei",
        "subject-sv": "Hej",
        "block-count": "2",
        "block-0-type": "heading",
        "block-0-text-fi": "Otsikko",
        "block-0-text-sv": "Rubrik",
        "block-1-type": "image",
        "block-1-url": "https://example.fi/k.png",
        "block-1-alt-fi": "Kuva",
        "block-1-alt-sv": "Bild",
        "included": [str(REGION_01)],
    } | extra


async def test_the_no_javascript_composer_edits_blocks_with_plain_buttons(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    await audience_fixture(db)
    page = await newsletter_web.get(f"{PAGES}/new", headers=EDITOR)
    assert page.status_code == 200 and 'value="add:event"' in page.text
    assert (await newsletter_web.get(f"{PAGES}/new", headers=VIEWER)).status_code == 403
    moved = await newsletter_web.post(
        f"{PAGES}/new", data=form_fields(action="down:0"), headers=EDITOR
    )
    assert moved.status_code == 200
    assert moved.text.index('name="block-0-type" value="image"') > 0
    assert moved.text.index("Rubrik") > moved.text.index("Bild")
    added = await newsletter_web.post(
        f"{PAGES}/new", data=form_fields(action="add:articles"), headers=EDITOR
    )
    assert 'name="block-2-type" value="articles"' in added.text
    missing = await newsletter_web.post(
        f"{PAGES}/new", data=form_fields(**{"subject-sv": ""}), headers=EDITOR
    )
    assert missing.status_code == 422 and 'href="#subject-sv"' in missing.text
    forged = await newsletter_web.post(
        f"{PAGES}/new", data=form_fields(csrf_token="x"), headers=EDITOR
    )
    assert forged.status_code == 403
    saved = await newsletter_web.post(
        f"{PAGES}/new", data=form_fields(), headers=EDITOR, follow_redirects=False
    )
    assert saved.status_code == 303
    campaign = saved.headers["location"].rsplit("/", 1)[1]
    read = (await newsletter_web.get(f"{API}/{campaign}", headers=VIEWER)).json()
    assert read["content"]["sv"]["blocks"][1] == {
        "type": "image", "url": "https://example.fi/k.png", "alt": "Bild"
    }  # fmt: skip
    edit = await newsletter_web.get(f"{PAGES}/{campaign}/edit", headers=EDITOR)
    assert 'value="Rubrik"' in edit.text


async def test_details_page_shows_audience_previews_links_and_actions(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    people = await audience_fixture(db)
    campaign = await new_draft(newsletter_web)
    page = await newsletter_web.get(f"{PAGES}/{campaign}?preview=en", headers=VIEWER)
    assert page.status_code == 200
    assert f"{PAGES}/{campaign}/stats" in page.text and f"{PAGES}/{campaign}/progress" in page.text
    assert people[0]["email"] in page.text
    assert 'width="600"' in page.text and 'width="375"' in page.text
    assert "preview?lang=en&amp;person=" in page.text and "?preview=fi" in page.text
    assert "/schedule" not in page.text  # viewers get no actions
    editor_page = (await newsletter_web.get(f"{PAGES}/{campaign}", headers=EDITOR)).text
    for action in ("schedule", "test", "duplicate", "send"):
        assert f'{PAGES}/{campaign}/{action}"' in editor_page
    gap = await newsletter_web.post(
        f"{PAGES}/{campaign}/schedule",
        data={"csrf_token": "tok", "send_at": "2031-03-30T03:30"},
        headers=EDITOR,
    )
    assert gap.status_code == 422 and 'href="#send_at"' in gap.text
    done = await newsletter_web.post(
        f"{PAGES}/{campaign}/schedule",
        data={"csrf_token": "tok", "send_at": "2031-06-01T09:00"},
        headers=EDITOR,
        follow_redirects=False,
    )
    assert done.status_code == 303
    page = (await newsletter_web.get(f"{PAGES}/{campaign}", headers=EDITOR)).text
    assert "2031-06-01 09:00" in page and f"{PAGES}/{campaign}/cancel" in page
    tested = await newsletter_web.post(
        f"{PAGES}/{campaign}/test",
        data={"csrf_token": "tok", "addresses": "a@digituki.fi\nb@digituki.fi", "language": "fi"},
        headers=EDITOR,
        follow_redirects=False,
    )
    assert tested.status_code == 303
    unscheduled = await newsletter_web.post(
        f"{PAGES}/{campaign}/unschedule", data={"csrf_token": "tok"}, headers=EDITOR
    )
    assert unscheduled.status_code == 303
    assert (await newsletter_web.get(f"{API}/{campaign}", headers=VIEWER)).json()[
        "status"
    ] == "draft"


async def test_a_segments_page_leads_to_a_new_campaign_with_that_segment_chosen(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    await audience_fixture(db)
    page = await newsletter_web.get(
        f"/newsletter/staff/campaigns/new?segment={REGION_01}", headers=EDITOR
    )
    assert page.status_code == 200, page.text
    assert f'id="included-{REGION_01}" name="included" value="{REGION_01}" checked' in page.text
    assert f'id="included-{SWEDISH}" name="included" value="{SWEDISH}">' in page.text
    plain = await newsletter_web.get("/newsletter/staff/campaigns/new", headers=EDITOR)
    assert f'value="{REGION_01}" checked' not in plain.text
