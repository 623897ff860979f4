"""The public archive, "view in browser" and the Atom feed, in process on a real database."""

from __future__ import annotations

import uuid
import xml.etree.ElementTree as ET
from datetime import UTC, datetime
from typing import Any

import httpx
from newsletter.campaigns.domain import parse_content
from newsletter.campaigns.service import create_campaign, send_now
from newsletter.mail.templates import MailTemplates
from newsletter.settings import NewsletterSettings
from newsletter.tables import contact_snapshot
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.web.staff import Staff

STAFF = Staff(id="editor-1", role="editor")
ATOM = "{http://www.w3.org/2005/Atom}"


async def campaign(db: AsyncEngine, subject: str, *, sent: bool, **extra: Any) -> uuid.UUID:
    content = {
        "fi": {
            "subject": subject,
            "blocks": [
                {"type": "text", "text": "Hei {{ first_name }} & <b>kaikki</b>"},
                {"type": "button", "text": "Lue", "url": "https://example.fi/a?b=1&c=2"},
            ],
        },
        "sv": {"subject": f"{subject} (sv)", "blocks": [{"type": "text", "text": "Hej"}]},
    }
    async with SqlUnitOfWork(db, b"") as uow:
        campaign_id = await create_campaign(
            uow,
            staff=STAFF,
            name=subject,
            content=content,
            default_language="fi",
            topics=[],
            topical=False,
            tracking=True,
            audience={"all": []},
        )
    if sent:
        async with SqlUnitOfWork(db, b"k") as uow:
            await send_now(
                uow,
                staff=STAFF,
                campaign_id=campaign_id,
                settings=NewsletterSettings(suppression_key="k"),
            )
    return campaign_id


async def test_the_archive_lists_only_sent_campaigns_without_personal_links(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    async with db.begin() as conn:
        await conn.execute(
            insert(contact_snapshot).values(
                contact_id=uuid.uuid4(),
                version=1,
                email="aino@example.fi",
                first_name="Aino",
                language="fi",
                subscription_state="subscribed",
                confirmed_at=datetime.now(UTC),
                newsletter_consent=True,
                email_status="ok",
            )
        )
    sent = await campaign(db, "Syyskuun uutiset", sent=True)
    draft = await campaign(db, "Luonnos ei näy", sent=False)

    listing = await newsletter_web.get("/archive?lang=fi")
    assert listing.status_code == 200
    assert "Syyskuun uutiset" in listing.text and "Luonnos ei näy" not in listing.text
    assert f"/archive/{sent}?lang=fi" in listing.text
    assert 'href="/accessibility?lang=fi"' in listing.text
    assert 'href="/privacy?lang=fi"' in listing.text
    assert "(sv)" in (await newsletter_web.get("/archive?lang=sv")).text
    assert (
        "Syyskuun" not in (await newsletter_web.get("/archive?lang=en")).text
    )  # no English version

    page = await newsletter_web.get(f"/archive/{sent}?lang=fi")
    assert page.status_code == 200
    body = page.text
    assert "/unsubscribe/" not in body and "/preferences/" not in body
    assert "personal.invalid" not in body and "/t/c/" not in body and "/t/o/" not in body
    assert "&lt;b&gt;kaikki&lt;/b&gt;" in body  # staff text stays text
    assert 'href="https://example.fi/a?b=1&amp;c=2"' in body
    assert 'href="/accessibility?lang=fi"' in body and 'href="/privacy?lang=fi"' in body
    assert "frame-ancestors 'self'" in page.headers["content-security-policy"]
    assert (await newsletter_web.get(f"/archive/{draft}?lang=fi")).status_code == 404


async def test_the_feed_is_atom_with_one_entry_per_sent_campaign(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    sent = await campaign(db, "Lokakuun <uutiset> & muuta", sent=True)
    await campaign(db, "Luonnos", sent=False)
    response = await newsletter_web.get("/feed?lang=fi")
    assert response.headers["content-type"].startswith("application/atom+xml")
    root = ET.fromstring(response.content)
    assert root.tag == f"{ATOM}feed"
    for required in ("id", "title", "updated"):
        assert root.find(f"{ATOM}{required}") is not None
    entries = root.findall(f"{ATOM}entry")
    assert [e.findtext(f"{ATOM}title") for e in entries] == ["Lokakuun <uutiset> & muuta"]
    link = entries[0].find(f"{ATOM}link")
    assert link is not None and link.get("href", "").endswith(f"/archive/{sent}?lang=fi")
    assert entries[0].findtext(f"{ATOM}id") == f"urn:uuid:{sent}"


EDITOR = {"X-Staff-Id": "e1", "X-Staff-Role": "editor", "X-Staff-Csrf": "tok"}
API = EDITOR | {"X-CSRF-Token": "tok"}


async def test_the_editor_decides_what_the_archive_shows_and_greetings_lose_the_name(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    shown = await campaign(db, "Marraskuun kirje", sent=True)
    withdrawn = await campaign(db, "Sisäinen tiedote", sent=True)
    page = f"/newsletter/staff/campaigns/{withdrawn}"
    assert (
        "Withdraw from the archive"
        in (await newsletter_web.get(f"{page}?lang=en", headers=EDITOR)).text
    )

    forged = await newsletter_web.post(f"{page}/archive", data={"shown": "no"}, headers=EDITOR)
    assert forged.status_code == 403
    done = await newsletter_web.post(
        f"{page}/archive", data={"csrf_token": "tok", "shown": "no"}, headers=EDITOR
    )
    assert done.status_code == 303
    after = (await newsletter_web.get(f"{page}?lang=en", headers=EDITOR)).text
    assert "Not in the public archive" in after and "Show in the archive" in after

    listing = (await newsletter_web.get("/archive?lang=fi")).text
    assert "Marraskuun kirje" in listing and "Sisäinen tiedote" not in listing
    assert (await newsletter_web.get(f"/archive/{withdrawn}?lang=fi")).status_code == 404
    feed = ET.fromstring((await newsletter_web.get("/feed?lang=fi")).content)
    titles = [e.findtext(f"{ATOM}title") for e in feed.findall(f"{ATOM}entry")]
    assert titles == ["Marraskuun kirje"]
    summary = feed.find(f"{ATOM}entry/{ATOM}summary")
    assert summary is not None and (summary.text or "").startswith("Hei & <b>kaikki</b>")

    # The personal field goes with the space before it: "Hei &", never "Hei  &".
    body = (await newsletter_web.get(f"/archive/{shown}?lang=fi")).text
    assert "Hei &amp; &lt;b&gt;kaikki" in body and "\ue000" not in body

    again = await newsletter_web.put(
        f"/api/newsletter/campaigns/{withdrawn}/archive", json={"shown": True}, headers=API
    )
    assert again.status_code == 200 and again.json()["in_archive"] is True
    assert "Sisäinen tiedote" in (await newsletter_web.get("/archive?lang=fi")).text


async def test_a_duplicate_is_named_in_the_staff_language_and_keeps_the_archive_choice(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    original = await campaign(db, "Joulukirje", sent=False)
    hide = await newsletter_web.put(
        f"/api/newsletter/campaigns/{original}/archive", json={"shown": False}, headers=API
    )
    assert hide.status_code == 200
    made = await newsletter_web.post(
        f"/newsletter/staff/campaigns/{original}/duplicate?lang=fi",
        data={"csrf_token": "tok"},
        headers=EDITOR,
    )
    assert made.status_code == 303
    copy_id = made.headers["location"].rstrip("/").rsplit("/", 1)[-1]
    copy = (await newsletter_web.get(f"/api/newsletter/campaigns/{copy_id}", headers=EDITOR)).json()
    assert copy["name"] == "Joulukirje (kopio)" and copy["in_archive"] is False


async def test_the_mail_links_its_archive_view_in_its_own_language_whatever_the_browser(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    sent = await campaign(db, "Lokakuun uutiset", sent=True)
    templates = MailTemplates(base_url="https://digituki.test")
    variant = parse_content(
        {"sv": {"subject": "Oktober", "blocks": [{"type": "text", "text": "Hej"}]}}, "sv"
    )["sv"]
    mail = templates.campaign(str(sent), 1, "sv", variant).fill(
        {"unsubscribe_url": "u", "preferences_url": "p", "first_name": ""}
    )
    link = f"https://digituki.test/archive/{sent}?lang=sv"
    assert f'href="{link}"' in mail.html and "Läs i webbläsaren" in mail.html
    assert link in mail.text
    assert 'href="https://digituki.test/privacy?lang=sv"' in mail.html
    assert ">Digistöd</" in mail.html and "Digituki" not in mail.html  # the brand in Swedish

    finnish_browser = {"Accept-Language": "fi-FI,fi;q=0.9"}
    page = await newsletter_web.get(f"/archive/{sent}?lang=sv", headers=finnish_browser)
    assert page.status_code == 200
    assert '<html lang="sv"' in page.text and "Hej" in page.text
    assert 'href="/privacy?lang=sv"' in page.text and "Nyhetsbrevsarkiv" in page.text
    # A language the campaign lacks shows its default version, with that version's links.
    english = await newsletter_web.get(f"/archive/{sent}?lang=en")
    assert '<html lang="fi"' in english.text and 'href="/privacy?lang=fi"' in english.text
