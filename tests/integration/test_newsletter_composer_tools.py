"""The composer's tools through the staff pages on the real database: merge-field warnings
counted from the contact replica, the test send's notice and test links, the link check's
refusal and its audited override, the block list fragment, event dates and topics, and the
statistics' rates."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from newsletter.settings import NewsletterSettings
from newsletter.tables import campaigns, contact_snapshot
from sqlalchemy import insert, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.support.clients import newsletter_client

EDITOR = {"X-Staff-Id": "e1", "X-Staff-Role": "editor", "X-Staff-Csrf": "tok"}
API_EDITOR = {**EDITOR, "X-CSRF-Token": "tok"}
VIEWER = {"X-Staff-Id": "v1", "X-Staff-Role": "viewer", "X-Staff-Csrf": "tok"}
API = "/api/newsletter/campaigns"
PAGES = "/newsletter/staff/campaigns"


def person(n: int, **overrides: Any) -> dict[str, Any]:
    row: dict[str, Any] = {
        "contact_id": uuid.UUID(int=n),
        "version": 1,
        "email": f"p{n:02d}@example.fi",
        "first_name": "Aino",
        "last_name": "Virtanen",
        "organisation_name": "Kirjasto",
        "language": "fi",
        "subscription_state": "subscribed",
        "confirmed_at": datetime.now(UTC),
        "newsletter_consent": True,
        "email_status": "ok",
        "region": "01",
        "topics": ["tekoaly-ja-sina"],
    }
    return row | overrides


async def people(db: AsyncEngine, rows: list[dict[str, Any]]) -> None:
    async with db.begin() as conn:
        await conn.execute(insert(contact_snapshot), rows)


def body(url: str = "https://example.fi/a", **extra: Any) -> dict[str, Any]:
    blocks = [
        {"type": "heading", "text": "Hei {{ first_name }}!"},
        {"type": "button", "text": "Lue", "url": url},
    ]
    return {
        "name": "Joulukuu",
        "content": {"fi": {"subject": "Uutiskirje", "blocks": blocks}},
        "fallback_language": "fi",
    } | extra


async def new_draft(newsletter_web: httpx.AsyncClient, **extra: Any) -> str:
    made = await newsletter_web.post(f"{API}/drafts", json=body(**extra), headers=API_EDITOR)
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


async def audit_entries(db: AsyncEngine, action: str) -> list[dict[str, Any]]:
    sql = text(
        "SELECT convert_from(payload, 'UTF8')::jsonb AS data FROM outbox "
        "WHERE topic = 'staff.audit.v1'"
    )
    async with db.connect() as conn:
        found = [dict(r) for r in (await conn.execute(sql)).mappings()]
    return [e["data"] for e in found if e["data"]["action"] == action]


async def test_the_review_page_counts_recipients_without_a_first_name_from_the_replica(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    await people(
        db,
        [
            person(1),
            person(2, first_name=None),
            person(3, first_name=""),
            person(4, first_name=None, newsletter_consent=False),  # not in the audience
        ],
    )
    campaign = await new_draft(newsletter_web)
    page = await newsletter_web.get(f"{PAGES}/{campaign}?lang=en", headers=EDITOR)
    assert page.status_code == 200
    section = page.text[page.text.index('id="merge-fields"') :]
    assert "Recipients without the field “first name”: 2." in section
    assert "<q>Hei!</q>" in section  # the sentence as p02 reads it: no "Hei !"
    finnish = (await newsletter_web.get(f"{PAGES}/{campaign}?lang=fi", headers=EDITOR)).text
    assert "Vastaanottajia, joilta puuttuu kenttä ”etunimi”: 2." in finnish
    preview = await newsletter_web.get(
        f"{PAGES}/{campaign}/preview?lang=fi&person={uuid.UUID(int=2)}", headers=EDITOR
    )
    assert "Hei!" in preview.text and "Hei !" not in preview.text


async def test_a_test_send_says_to_whom_and_its_links_are_test_links(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    campaign = await new_draft(newsletter_web)
    sent = await newsletter_web.post(
        f"{PAGES}/{campaign}/test",
        data={"csrf_token": "tok", "addresses": "b@digituki.fi\na@digituki.fi", "language": "fi"},
        headers=EDITOR,
        follow_redirects=False,
    )
    assert sent.status_code == 303
    location = sent.headers["location"]
    assert re.search(rf"{PAGES}/{campaign}\?test=[0-9a-f-]+#test-sent$", location)
    page = (await newsletter_web.get(f"{location.split('#')[0]}&lang=en", headers=EDITOR)).text
    notice = page[page.index('id="test-sent"') : page.index("</div>", page.index('id="test-sent"'))]
    assert "The test mail was sent." in notice
    assert notice.index("a@digituki.fi") < notice.index("b@digituki.fi")
    assert "in the queue" in notice
    plain = (await newsletter_web.get(f"{PAGES}/{campaign}?lang=en", headers=EDITOR)).text
    assert 'id="test-sent"' not in plain
    for lang, words in (("fi", "Tämä on testilinkki"), ("sv", "Det här är en testlänk")):
        shown = await newsletter_web.get(f"/newsletter/test-link?kind=unsubscribe&lang={lang}")
        assert shown.status_code == 200 and words in shown.text
    english = await newsletter_web.get("/newsletter/test-link?kind=preferences&lang=en")
    assert "nothing was shown or changed" in english.text
    one_click = await newsletter_web.post("/newsletter/test-link?kind=unsubscribe&lang=en")
    assert one_click.status_code == 200 and "nothing changed" in one_click.text


async def test_broken_links_are_named_in_the_ui_language_and_sent_anyway_with_a_reason(
    db: AsyncEngine, link_server: str
) -> None:
    await people(db, [person(1)])
    dead = f"{link_server}/gone"
    async with newsletter_client(NewsletterSettings(link_check="http")) as web:
        campaign = await new_draft(web, url=dead)
        refused = await web.post(
            f"{PAGES}/{campaign}/send?lang=fi",
            data={"csrf_token": "tok", "confirm": "yes"},
            headers=EDITOR,
        )
        assert refused.status_code == 422
        assert "Linkit, jotka eivät läpäisseet linkkitarkistusta" in refused.text
        assert f"<code>{dead}</code>: palvelin vastaa HTTP-tilakoodilla 404" in refused.text
        assert 'name="override_reason"' in refused.text and "Lähetä silti" in refused.text
        no_reason = await web.post(
            f"{PAGES}/{campaign}/send?lang=en",
            data={"csrf_token": "tok", "confirm": "yes", "link_override": "yes"},
            headers=EDITOR,
        )
        assert no_reason.status_code == 422
        assert 'href="#override_reason"' in no_reason.text
        assert 'aria-describedby="override_reason-error"' in no_reason.text
        assert await audit_entries(db, "campaign.link_check_overridden") == []
        sent = await web.post(
            f"{PAGES}/{campaign}/send",
            data={
                "csrf_token": "tok",
                "confirm": "yes",
                "link_override": "yes",
                "override_reason": "Intranet: works inside the library network",
            },
            headers=EDITOR,
            follow_redirects=False,
        )
        assert sent.status_code == 303
        status = await web.get(f"{API}/{campaign}", headers=VIEWER)
        assert status.json()["status"] in ("sending", "sent")
    [entry] = await audit_entries(db, "campaign.link_check_overridden")
    assert entry["target_id"] == campaign and entry["actor_id"] == "e1"
    assert entry["details"] == {
        "links": [{"url": dead, "why": "answers HTTP 404"}],
        "reason": "Intranet: works inside the library network",
    }


def form(**extra: str | list[str]) -> dict[str, str | list[str]]:
    return {
        "csrf_token": "tok",
        "name": "Webinaari",
        "languages": ["fi"],
        "fallback_language": "fi",
        "subject-fi": "Tule mukaan",
        "block-count": "1",
        "block-0-type": "event",
        "block-0-date": "2026-10-25T03:30",
        "block-0-url": "https://example.fi/r",
        "block-0-text-fi": "Tekoäly arjessa",
        "block-0-place-fi": "Teams",
    } | extra


async def test_the_block_list_fragment_and_the_event_date_and_topics_of_the_form(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    await people(db, [person(1), person(2, topics=["tekoaly-ja-sina", "webinaarit"])])
    page = await newsletter_web.get(f"{PAGES}/new?lang=en", headers=EDITOR)
    assert '<script src="/static/composer_blocks.js" defer></script>' in page.text
    assert 'id="topic-tekoaly-ja-sina" name="topics" value="tekoaly-ja-sina"' in page.text
    assert "Tekoaly ja sina" in page.text and "(2 follow)" in page.text
    assert 'name="topics" value="webinaarit"' in page.text and "(1 follow)" in page.text
    fragment = await newsletter_web.post(
        f"{PAGES}/new",
        data=form(action="add:text"),
        headers={**EDITOR, "X-Composer-Fragment": "blocks"},
    )
    assert fragment.status_code == 200
    assert "<html" not in fragment.text and 'name="block-count" value="2"' in fragment.text
    assert 'id="block-1" class="composer-block" tabindex="-1"' in fragment.text
    assert (
        'type="datetime-local" id="block-0-date" name="block-0-date" value="2026-10-25T03:30"'
        in fragment.text
    )
    moved = await newsletter_web.post(
        f"{PAGES}/new",
        data=form(action="down:0", **{"block-count": "2", "block-1-type": "text"}),
        headers={**EDITOR, "X-Composer-Fragment": "blocks"},
    )
    assert moved.text.index('value="text"') < moved.text.index('value="event"')
    gap = await newsletter_web.post(
        f"{PAGES}/new?lang=en", data=form(**{"block-0-date": "2026-03-29T03:30"}), headers=EDITOR
    )
    assert gap.status_code == 422 and 'href="#block-0-date"' in gap.text
    saved = await newsletter_web.post(
        f"{PAGES}/new",
        data=form(topics=["webinaarit"], topical="yes"),
        headers=EDITOR,
        follow_redirects=False,
    )
    assert saved.status_code == 303
    campaign = saved.headers["location"].rsplit("/", 1)[1]
    async with db.connect() as conn:
        row = (
            await conn.execute(select(campaigns).where(campaigns.c.id == uuid.UUID(campaign)))
        ).one()
    assert row.topics == ["webinaarit"]
    # 03:30 on the autumn switch day is its first occurrence, summer time (UTC+3).
    assert row.content["fi"]["blocks"][0]["date"] == "2026-10-25T00:30:00+00:00"
    edit = (await newsletter_web.get(f"{PAGES}/{campaign}/edit", headers=EDITOR)).text
    assert 'name="block-0-date" value="2026-10-25T03:30"' in edit
    assert 'value="webinaarit" checked' in edit
    preview = (await newsletter_web.get(f"{PAGES}/{campaign}/preview?lang=fi", headers=EDITOR)).text
    assert "25.10.2026 klo 3.30" in preview


async def test_statistics_show_the_rates_first_and_fold_the_hourly_table(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    campaign = await new_draft(newsletter_web, tracking=True)
    page = await newsletter_web.get(f"{PAGES}/{campaign}/stats?lang=en", headers=VIEWER)
    assert page.status_code == 200
    html = page.text
    assert html.index('id="rates"') < html.index('id="h-delivery"')
    for key in ("delivery", "open", "click", "click_to_open", "unsubscribe", "bounce"):
        assert f'id="rate-{key}"' in html
    assert "Delivered 0 / Sent 0" in html and "Clicked 0 / Opened 0" in html
    folded = html[html.index('<details id="hourly-figures">') :]
    assert folded.index("<summary>") < folded.index("<table")


async def test_the_api_sends_despite_broken_links_only_with_a_reason(
    db: AsyncEngine, link_server: str
) -> None:
    await people(db, [person(1)])
    dead = f"{link_server}/gone"
    async with newsletter_client(NewsletterSettings(link_check="http")) as web:
        campaign = await new_draft(web, url=dead)
        refused = await web.post(f"{API}/{campaign}/send", headers=API_EDITOR)
        assert refused.status_code == 422
        assert refused.json()["detail"]["refusals"][0]["link"] == dead
        blank = await web.post(
            f"{API}/{campaign}/send", json={"link_override_reason": " "}, headers=API_EDITOR
        )
        assert blank.status_code == 422
        assert blank.json()["detail"]["refusals"][-1]["field"] == "override_reason"
        sent = await web.post(
            f"{API}/{campaign}/send", json={"link_override_reason": "intranet"}, headers=API_EDITOR
        )
        assert sent.status_code == 202, sent.text
    [entry] = await audit_entries(db, "campaign.link_check_overridden")
    assert entry["details"]["reason"] == "intranet"
