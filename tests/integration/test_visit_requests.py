"""Visit requests on a real PostgreSQL: the public /visit form files a request that staff see
in /staff/visits and on the organisation's and the person's timelines."""

from __future__ import annotations

import html
import json
import re
from collections.abc import AsyncIterator
from typing import Any
from urllib.parse import parse_qsl

import httpx
import pytest
from contacts.app import create_app
from contacts.settings import ContactsSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration import test_contacts_signup_pages as signup_pages
from tests.integration.test_contacts_staff_api import EDITOR, VIEWER
from tests.support.seeds import reseed

CSRF = {"X-Staff-Csrf": "right"}
FORM = {
    "organisation": "Kirjasto Kirjava",
    "contact_name": "Aino Virtanen",
    "email": "aino@kirjava.example",
    "phone": "040 123 4567",
    "topic": "",
    "wished_dates": "viikot 10–12",
    "audience_size": "25",
    "message": "<b>Tervetuloa</b>",
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
            headers={"X-Real-IP": "198.51.100.7"},
        ) as c,
    ):
        yield c


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[Any]:
    async with engine.connect() as conn:
        return list((await conn.execute(text(sql), params)).all())


async def test_a_visit_request_from_the_public_form_reaches_the_queue_and_both_timelines(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    form_page = await client.get("/visit?lang=sv")
    assert form_page.status_code == 200
    assert "Bjud in oss på besök!" in form_page.text and 'href="/accessibility' in form_page.text
    topic = (await rows(engine, "SELECT key FROM topics ORDER BY position LIMIT 1"))[0].key
    sent = await client.post("/visit?lang=sv", data={**FORM, "topic": topic})
    assert sent.status_code == 200 and "Tack för inbjudan" in sent.text

    (visit,) = await rows(engine, "SELECT * FROM visit_requests")
    assert (visit.state, visit.topic, visit.audience_size, visit.language) == (
        "new",
        topic,
        25,
        "sv",
    )
    (org,) = await rows(engine, "SELECT id, name, status, municipality FROM organisations")
    assert (org.id, org.status) == (visit.organisation_id, "pending_review")
    (person,) = await rows(engine, "SELECT * FROM people")
    assert (person.id, person.email, person.first_name) == (
        visit.person_id,
        "aino@kirjava.example",
        "Aino",
    )
    assert person.subscription_state == "pending"
    assert await rows(engine, "SELECT 1 FROM consent_log") == []  # no consent of any kind
    events = [
        json.loads(r.payload)
        for r in await rows(engine, "SELECT payload FROM outbox WHERE topic = 'contacts.events.v1'")
    ]
    assert [e["kind"] for e in events] == ["visit_requested"]
    assert events[0]["details"]["organisation_id"] == str(org.id)

    queue = await client.get("/staff/visits", headers=VIEWER)
    assert queue.status_code == 200
    assert "Kirjasto Kirjava" in queue.text and "viikot 10–12" in queue.text
    assert "&lt;b&gt;Tervetuloa&lt;/b&gt;" in queue.text and "<b>Tervetuloa" not in queue.text
    org_page = await client.get(f"/staff/organisations/{org.id}", headers=VIEWER)
    assert f'href="/staff/visits#visit-{visit.id}"' in org_page.text
    timeline = await client.get(f"/api/contacts/people/{person.id}/timeline", headers=VIEWER)
    assert "visit_requested" in timeline.text

    # Staff move it on: agreed with a note, then done; who and when are kept.
    path = f"/staff/visits/{visit.id}"
    viewer = await client.post(
        path, data={"action": "agree", "csrf_token": "right"}, headers={**VIEWER, **CSRF}
    )
    assert viewer.status_code == 403
    agreed = await client.post(
        path,
        data={"action": "agree", "note": "ti 10.3. klo 13", "csrf_token": "right"},
        headers={**EDITOR, **CSRF},
    )
    assert agreed.status_code == 303, agreed.text
    refused = await client.post(
        path, data={"action": "agree", "csrf_token": "right"}, headers={**EDITOR, **CSRF}
    )
    assert refused.status_code == 409
    # An agreed visit can be published as an event: the queue links to the events service's
    # new-event form filled from the request (its organisation's municipality included).
    agreed_queue = await client.get("/staff/visits?state=agreed", headers=EDITOR)
    (draft_link,) = re.findall(r'href="(/events/staff/events/new\?[^"]+)"', agreed_queue.text)
    draft = dict(parse_qsl(html.unescape(draft_link).split("?", 1)[1]))
    assert draft["title_fi"] == "Digituen vierailu: Kirjasto Kirjava"
    assert draft["organiser"] == "Kirjasto Kirjava"
    assert (draft["kind"], draft["format"], draft["from_visit"]) == (
        "other",
        "onsite",
        str(visit.id),
    )
    assert draft.get("municipality") == org.municipality
    assert "message" not in draft and "Tervetuloa" not in draft_link
    viewer_queue = await client.get("/staff/visits?state=agreed", headers=VIEWER)
    assert "/events/staff/events/new" not in viewer_queue.text
    done = await client.post(
        path, data={"action": "complete", "csrf_token": "right"}, headers={**EDITOR, **CSRF}
    )
    assert done.status_code == 303
    (after,) = await rows(engine, "SELECT * FROM visit_requests")
    assert (after.state, after.state_changed_by, after.note) == (
        "done",
        "staff-e",
        "ti 10.3. klo 13",
    )
    kinds = [r.kind for r in await rows(engine, "SELECT kind FROM activity ORDER BY id")]
    assert kinds == ["visit_requested", "visit_agreed", "visit_done"]
    # The organisation's timeline: the request, its last move, and a staff note added there.
    noted = await client.post(
        f"/staff/organisations/{org.id}/notes",
        data={"text": "Soitettu <johtajalle>", "csrf_token": "right"},
        headers={**EDITOR, **CSRF},
    )
    assert noted.status_code == 303
    org_page = await client.get(f"/staff/organisations/{org.id}", headers=VIEWER)
    timeline_html = org_page.text.split('<ol class="timeline">', 1)[1].split("</ol>", 1)[0]
    entries = re.findall(r"<strong>([^<]+)</strong>", timeline_html)
    assert entries == ["Muistiinpano", "Vierailu tehty", "Vierailua pyydetty"]
    assert "Soitettu &lt;johtajalle&gt;" in timeline_html  # escaped
    assert f'href="/staff/visits#visit-{visit.id}"' in timeline_html
    done_queue = await client.get("/staff/visits?state=done", headers=VIEWER)
    assert "Kirjasto Kirjava" in done_queue.text
    assert (
        "Kirjasto Kirjava" not in (await client.get("/staff/visits?state=new", headers=VIEWER)).text
    )


async def test_a_known_address_and_organisation_are_linked_and_left_unchanged(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    created = await client.post(
        "/api/contacts/organisations", json={"name": "Kirjasto Kirjava"}, headers=EDITOR
    )
    person = await client.post(
        "/api/contacts/people",
        json={"email": "aino@kirjava.example", "first_name": "Aino", "last_name": "Oma"},
        headers=EDITOR,
    )
    assert created.status_code == 201 and person.status_code == 201
    sent = await client.post("/visit", data={**FORM, "organisation": "kirjasto KIRJAVA"})
    assert sent.status_code == 200
    (visit,) = await rows(engine, "SELECT organisation_id, person_id FROM visit_requests")
    assert str(visit.organisation_id) == created.json()["id"]
    assert str(visit.person_id) == person.json()["id"]
    (stored,) = await rows(engine, "SELECT last_name FROM people")
    assert stored.last_name == "Oma"
    assert len(await rows(engine, "SELECT 1 FROM organisations")) == 1


async def test_bad_input_gets_422_with_an_error_summary_and_the_honeypot_stores_nothing(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    bad = await client.post(
        "/visit?lang=en", data={**FORM, "email": "nope", "wished_dates": "", "audience_size": "x"}
    )
    assert bad.status_code == 422
    assert 'class="error-summary"' in bad.text
    for field in ("email", "wished_dates", "audience_size"):
        assert f'href="#{field}"' in bad.text
        assert f'aria-describedby="{field}-error"' in bad.text or f'{field}-error"' in bad.text
    assert 'value="Kirjasto Kirjava"' in bad.text  # answers are kept
    bot = await client.post("/visit", data={**FORM, "website": "http://spam.example"})
    assert bot.status_code == 200
    assert await rows(engine, "SELECT 1 FROM visit_requests") == []
    assert await rows(engine, "SELECT 1 FROM people") == []


async def test_the_visit_form_is_rate_limited_per_ip_like_the_signup(
    engine: AsyncEngine, settings: ContactsSettings
) -> None:
    await reseed(engine)
    limited = settings.model_copy(update={"signup_burst": 2, "signup_per_minute": 1})
    async with signup_pages.make_client(limited) as c:
        answers = [
            (await c.post("/visit", data={**FORM, "email": f"a{i}@kirjava.example"})).status_code
            for i in range(3)
        ]
    assert answers == [200, 200, 429]
    assert len(await rows(engine, "SELECT 1 FROM visit_requests")) == 2


async def test_the_requester_gets_an_acknowledgement_and_staff_a_notification_in_their_languages(
    engine: AsyncEngine, settings: ContactsSettings
) -> None:
    await reseed(engine)
    notifying = settings.model_copy(
        update={"visit_notify": ["visits@dvv.example"], "visit_notify_language": "en"}
    )
    app = create_app(notifying)
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://contacts",
            headers={"X-Real-IP": "198.51.100.8"},
        ) as client,
    ):
        sent = await client.post("/visit?lang=sv", data={**FORM, "audience_size": "noin 20–30"})
    assert sent.status_code == 200
    (visit,) = await rows(engine, "SELECT * FROM visit_requests")
    assert visit.audience_size == 25  # an approximate range counts as its middle
    mails = {
        m["template_key"]: m
        for m in (
            json.loads(r.payload)
            for r in await rows(
                engine, "SELECT payload FROM outbox WHERE topic = 'mail.requested.v1'"
            )
        )
    }
    assert set(mails) == {"visit_acknowledgement", "visit_notification"}
    ack, note = mails["visit_acknowledgement"], mails["visit_notification"]
    assert (ack["to_email"], ack["language"]) == ("aino@kirjava.example", "sv")
    assert ack["variables"] == {}  # fixed words only: nothing a stranger typed
    assert (note["to_email"], note["language"]) == ("visits@dvv.example", "en")
    assert note["variables"]["organisation"] == "Kirjasto Kirjava"
    assert note["variables"]["audience_size"] == "25"
    assert note["variables"]["queue_url"].endswith("/staff/visits")
