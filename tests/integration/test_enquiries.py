"""The front page and its contact form on a real PostgreSQL: a message reaches the staff
queue, a reply leaves through the outbox as a mail request, and erasure and retention remove
enquiries."""

from __future__ import annotations

import json
import uuid
from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from contacts.app import create_app
from contacts.retention.service import run_retention
from contacts.settings import ContactsSettings
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration import test_contacts_signup_pages as signup_pages
from tests.support.seeds import reseed

CSRF = {"X-Staff-Csrf": "right"}
EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor", **CSRF}
VIEWER = {"X-Staff-Id": "staff-v", "X-Staff-Role": "viewer", **CSRF}
FORM = {
    "name": "Aino Virtanen",
    "email": "Aino@Kirjava.example",
    "organisation": "Kirjasto Kirjava",
    "kind": "question",
    "message": "Miten pääsen <b>mukaan</b>?\nToinen rivi.",
    "consent": "yes",
    "website": "",
}


@pytest.fixture
async def client(
    engine: AsyncEngine, settings: ContactsSettings
) -> AsyncIterator[httpx.AsyncClient]:
    await reseed(engine)
    app = create_app(settings)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://contacts",
            headers={"X-Real-IP": "198.51.100.8"},
        ) as c,
    ):
        yield c


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


@pytest.mark.parametrize(
    ("lang", "heading", "contact"),
    [
        ("fi", "Digituen verkosto", "Ota yhteyttä! Kysy! Ehdota!"),
        ("sv", "Digistödets nätverk", "Kontakta oss! Fråga! Föreslå!"),
        ("en", "The Digituki network", "Contact us! Ask! Suggest!"),
    ],
)
async def test_the_front_page_speaks_the_visitors_language_and_links_every_way_in(
    client: httpx.AsyncClient, lang: str, heading: str, contact: str
) -> None:
    page = await client.get("/", headers={"Accept-Language": lang, "Accept": "text/html"})
    assert page.status_code == 200 and f'<html lang="{lang}">' in page.text
    assert heading in page.text and contact in page.text
    for link in ("/join", "/archive", "/visit", "/accessibility", "/privacy"):
        assert f'href="{link}?lang={lang}"' in page.text, link
    assert 'action="/contact?lang=' in page.text and 'name="website"' in page.text
    chosen = await client.get(f"/?lang={lang}")
    assert chosen.cookies.get("dt_lang") == lang


async def test_a_message_the_honeypot_and_a_known_address_all_get_the_same_answer(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    sent = await client.post("/contact?lang=fi", data=FORM)
    assert sent.status_code == 200 and "Kiitos viestistäsi" in sent.text
    bot = await client.post("/contact?lang=fi", data={**FORM, "website": "http://spam.example"})
    again = await client.post("/contact?lang=fi", data=FORM)
    assert bot.status_code == again.status_code == 200
    assert bot.text == sent.text == again.text  # nothing tells a bot or a known sender apart
    stored = await rows(engine, "SELECT * FROM enquiries ORDER BY created_at")
    assert len(stored) == 2  # the bot's message was not stored
    first = stored[0]
    assert (first.email, first.kind, first.language, first.state) == (
        "aino@kirjava.example",
        "question",
        "fi",
        "open",
    )
    assert first.message == FORM["message"]
    # Nothing else: no person, no consent, no mail.
    assert await rows(engine, "SELECT 1 FROM people") == []
    assert await rows(engine, "SELECT 1 FROM outbox WHERE topic = 'mail.requested.v1'") == []


async def test_bad_input_gets_422_with_an_error_summary_and_keeps_the_answers(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    bad = await client.post(
        "/contact?lang=sv",
        data={**FORM, "email": "nope", "kind": "spam", "consent": "", "message": "x" * 4001},
    )
    assert bad.status_code == 422 and 'class="error-summary"' in bad.text
    for target in ("email", "kind-question", "consent", "message"):
        assert f'href="#{target}"' in bad.text, target
    assert 'value="Aino Virtanen"' in bad.text
    assert await rows(engine, "SELECT 1 FROM enquiries") == []
    huge = await client.post("/contact", content=b"message=" + b"x" * 20_000)
    assert huge.status_code == 413


async def test_the_contact_form_is_rate_limited_per_ip_like_the_signup(
    engine: AsyncEngine, settings: ContactsSettings
) -> None:
    await reseed(engine)
    limited = settings.model_copy(update={"signup_burst": 2, "signup_per_minute": 1})
    async with signup_pages.make_client(limited) as c:
        answers = [
            await c.post("/contact?lang=en", data={**FORM, "email": f"a{i}@kirjava.example"})
            for i in range(3)
        ]
        bot_over = await c.post("/contact?lang=en", data={**FORM, "website": "x"})
    assert [a.status_code for a in answers] == [200, 200, 429]
    assert bot_over.status_code == 429 and bot_over.text == answers[2].text
    assert "Please try again later" in answers[2].text
    assert len(await rows(engine, "SELECT 1 FROM enquiries")) == 2


async def test_staff_read_reply_by_mail_and_close_an_enquiry(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await client.post("/contact?lang=sv", data=FORM)
    (enquiry,) = await rows(engine, "SELECT id FROM enquiries")
    queue = await client.get("/staff/enquiries", headers=VIEWER)
    assert queue.status_code == 200 and "Aino Virtanen" in queue.text
    assert f'href="/staff/enquiries/{enquiry.id}"' in queue.text
    detail = await client.get(f"/staff/enquiries/{enquiry.id}", headers=VIEWER)
    assert detail.status_code == 200
    assert "Miten pääsen &lt;b&gt;mukaan&lt;/b&gt;?" in detail.text  # escaped
    assert 'name="reply"' not in detail.text  # a viewer only reads

    path = f"/staff/enquiries/{enquiry.id}"
    refused = await client.post(
        f"{path}/reply", data={"reply": "Hej", "csrf_token": "right"}, headers=VIEWER
    )
    assert refused.status_code == 403
    empty = await client.post(
        f"{path}/reply", data={"reply": "  ", "csrf_token": "right"}, headers=EDITOR
    )
    assert empty.status_code == 422 and "error-summary" in empty.text
    replied = await client.post(
        f"{path}/reply",
        data={"reply": "Hej Aino,\nvälkommen med!", "csrf_token": "right"},
        headers=EDITOR,
    )
    assert replied.status_code == 303, replied.text
    (mail,) = await rows(
        engine, "SELECT key, payload FROM outbox WHERE topic = 'mail.requested.v1'"
    )
    data = json.loads(mail.payload)
    assert mail.key == str(enquiry.id)
    assert (data["template_key"], data["language"], data["to_email"], data["origin"]) == (
        "enquiry_reply",
        "sv",
        "aino@kirjava.example",
        "transactional",
    )
    assert data["variables"]["reply"] == "Hej Aino,\nvälkommen med!"
    assert data["variables"]["message"] == FORM["message"]
    assert data["idempotency_key"].startswith("enquiry-reply:")
    (state,) = await rows(engine, "SELECT state FROM enquiries")
    assert state.state == "answered"
    answered = await client.get("/staff/enquiries?state=answered", headers=VIEWER)
    assert "Aino Virtanen" in answered.text
    assert "Aino Virtanen" not in (await client.get("/staff/enquiries", headers=VIEWER)).text

    closed = await client.post(
        path, data={"action": "close", "csrf_token": "right"}, headers=EDITOR
    )
    assert closed.status_code == 303
    again = await client.post(
        f"{path}/reply", data={"reply": "Och en sak till", "csrf_token": "right"}, headers=EDITOR
    )
    assert again.status_code == 409  # reopen first
    actions = [
        r.action
        for r in await rows(
            engine, "SELECT action FROM audit_log WHERE target_type = 'enquiry' ORDER BY id"
        )
    ]
    assert actions == ["enquiry.replied", "enquiry.closed"]
    (after,) = await rows(engine, "SELECT state, closed_by FROM enquiries")
    assert (after.state, after.closed_by) == ("closed", "staff-e")


async def test_erasing_a_person_removes_the_enquiries_sent_from_their_address(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await client.post("/contact", data=FORM)
    await client.post("/contact", data={**FORM, "email": "someone.else@example.fi"})
    (aino,) = await rows(engine, "SELECT id FROM enquiries WHERE email = 'aino@kirjava.example'")
    await client.post(
        f"/staff/enquiries/{aino.id}/reply",
        data={"reply": "Tervetuloa", "csrf_token": "right"},
        headers=EDITOR,
    )
    person = await client.post(
        "/api/contacts/people",
        json={"email": "aino@kirjava.example", "first_name": "Aino", "last_name": "V"},
        headers={**EDITOR, "X-CSRF-Token": "right"},
    )
    assert person.status_code == 201, person.text
    erased = await client.delete(
        f"/api/contacts/people/{person.json()['id']}", headers={**EDITOR, "X-CSRF-Token": "right"}
    )
    assert erased.status_code == 204, erased.text
    left = await rows(engine, "SELECT email FROM enquiries")
    assert [r.email for r in left] == ["someone.else@example.fi"]
    assert await rows(engine, "SELECT 1 FROM enquiry_replies") == []
    mails = await rows(engine, "SELECT payload FROM outbox WHERE topic = 'mail.requested.v1'")
    assert all(b"aino@kirjava.example" not in bytes(m.payload) for m in mails)


async def test_staff_erase_one_enquiry_at_the_senders_request(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await client.post("/contact", data=FORM)
    (enquiry,) = await rows(engine, "SELECT id FROM enquiries")
    erased = await client.post(
        f"/staff/enquiries/{enquiry.id}",
        data={"action": "erase", "csrf_token": "right"},
        headers=EDITOR,
    )
    assert erased.status_code == 303
    assert await rows(engine, "SELECT 1 FROM enquiries") == []
    (entry,) = await rows(engine, "SELECT details FROM audit_log WHERE action = 'enquiry.erased'")
    assert "aino" not in json.dumps(entry.details).lower()
    gone = await client.get(
        f"/staff/enquiries/{enquiry.id}", headers={**VIEWER, "Accept": "text/html"}
    )
    assert gone.status_code == 404 and "text/html" in gone.headers["content-type"]


async def test_retention_removes_closed_enquiries_after_the_period_only(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: ContactsSettings
) -> None:
    for email in ("old@example.fi", "recent@example.fi", "open@example.fi"):
        await client.post("/contact", data={**FORM, "email": email})
    long_ago = datetime.now(UTC) - timedelta(days=30 * settings.retention_closed_enquiry_months + 1)
    async with engine.begin() as conn:
        await conn.execute(
            text(
                "UPDATE enquiries SET state = 'closed', closed_at = :at, closed_by = 'x' "
                "WHERE email = 'old@example.fi'"
            ),
            {"at": long_ago},
        )
        await conn.execute(
            text(
                "UPDATE enquiries SET state = 'closed', closed_at = now(), closed_by = 'x' "
                "WHERE email = 'recent@example.fi'"
            )
        )
    dry = await run_retention(SqlContactsUnitOfWork(engine), settings, dry_run=True)
    assert dry.counts()["closed_enquiries"] == 1
    assert len(await rows(engine, "SELECT 1 FROM enquiries")) == 3
    await run_retention(SqlContactsUnitOfWork(engine), settings, dry_run=False)
    left = sorted(r.email for r in await rows(engine, "SELECT email FROM enquiries"))
    assert left == ["open@example.fi", "recent@example.fi"]


async def test_an_unknown_enquiry_is_a_404(client: httpx.AsyncClient) -> None:
    missing = await client.get(f"/staff/enquiries/{uuid.UUID(int=7)}", headers=VIEWER)
    assert missing.status_code == 404
