"""The public pages of contacts, in process against a real PostgreSQL: /join, confirmation,
preferences and unsubscribe links, and what they refuse.

These tests read the outbox, so they run on a database of their own: in a full run the e2e
workers' outbox relay would publish and delete the rows of the shared contacts database.
"""

from __future__ import annotations

import re
import uuid
from typing import Any

import httpx
import pytest
from contacts.app import create_app
from contacts.settings import ContactsSettings
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.tokens import sign


def make_client(settings: ContactsSettings | None = None) -> Any:
    app = create_app(settings)

    class Client:
        async def __aenter__(self) -> httpx.AsyncClient:
            self._lifespan = app.router.lifespan_context(app)
            await self._lifespan.__aenter__()
            self._client = httpx.AsyncClient(
                transport=httpx.ASGITransport(app=app),
                base_url="https://digituki.test",
                headers={"X-Real-IP": f"198.51.100.{uuid.uuid4().int % 250}"},
            )
            return self._client

        async def __aexit__(self, *exc: object) -> None:
            await self._client.aclose()
            await self._lifespan.__aexit__(*exc)

    return Client()


def answers(email: str, **overrides: Any) -> dict[str, Any]:
    return {
        "email": email,
        "first_name": "Aino",
        "last_name": "Virtanen",
        "organisation": "Kirjasto Testilä",
        "organisation_type": "library",
        "municipality": "179",
        "topics": ["webinaarit", "digiturvallisuus"],
        "language": "fi",
        "membership": "yes",
        "surveys": "yes",
        "consent": "yes",
        "website": "",
        **overrides,
    }


async def mail_requests(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text(
                "SELECT key, convert_from(payload, 'UTF8')::jsonb AS data FROM outbox "
                "WHERE topic = 'mail.requested.v1' ORDER BY id"
            )
        )
        return [dict(r._mapping) for r in rows]


async def one(engine: AsyncEngine, sql: str, **params: Any) -> dict[str, Any] | None:
    async with engine.connect() as conn:
        row = (await conn.execute(text(sql), params)).mappings().first()
    return dict(row) if row else None


def path_of(url: str) -> str:
    return "/" + url.split("/", 3)[3]


async def test_join_page_speaks_finnish_swedish_and_english(client: httpx.AsyncClient) -> None:
    fi = await client.get("/join", headers={"Accept-Language": "fi-FI,fi;q=0.9"})
    sv = await client.get("/join?lang=sv")
    client.cookies.clear()
    en = await client.get("/join", headers={"Accept-Language": "en-GB"})
    assert fi.status_code == sv.status_code == en.status_code == 200
    assert '<html lang="fi">' in fi.text and "Liity Digitukeen" in fi.text
    assert '<html lang="sv">' in sv.text and "Prenumerera" in sv.text
    assert "dt_lang=sv" in sv.headers["set-cookie"]
    assert '<html lang="en">' in en.text and "Join the Digituki network" in en.text
    # Seeded topics in a fieldset, every municipality, the consent version, the honeypot.
    assert "<legend>" in fi.text and "Digitukiteko-palkinto" in fi.text
    assert "Bjud in oss på besök!" in sv.text
    assert len(re.findall(r'<option value="\d{3}"', fi.text)) == 308
    assert "consent-v1" in fi.text
    assert 'class="honeypot" aria-hidden="true"' in fi.text
    assert '<label for="email">' in en.text


async def test_signup_requests_one_confirmation_mail_and_stays_pending(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    response = await client.post("/join", data=answers("Aino@Kirjasto.example"))
    assert response.status_code == 200, response.text
    assert "Tarkista sähköpostisi" in response.text
    person = await one(engine, "SELECT * FROM people WHERE email = 'aino@kirjasto.example'")
    assert person is not None
    assert (person["subscription_state"], person["newsletter_consent"]) == ("pending", False)
    snapshot = await one(engine, "SELECT * FROM contact_snapshot")
    assert snapshot is not None
    assert (snapshot["subscription_state"], snapshot["newsletter_consent"]) == ("pending", False)
    assert await one(engine, "SELECT * FROM consent_log") is None  # nothing before confirming
    assert await one(engine, "SELECT * FROM organisations") is None  # nor a new organisation
    [mail] = await mail_requests(engine)
    data = mail["data"]
    assert mail["key"] == str(person["id"])
    assert data["template_key"] == "signup_confirmation"
    assert data["to_email"] == "aino@kirjasto.example"
    assert data["variables"]["first_name"] == "Aino"
    assert "/join/confirm/" in data["variables"]["confirm_url"]
    assert data["idempotency_key"].startswith("signup-confirmation:")


async def test_confirming_subscribes_applies_the_form_and_logs_consent_once(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await client.post("/join", data=answers("onni@example.fi"))
    [mail] = await mail_requests(engine)
    link = path_of(mail["data"]["variables"]["confirm_url"])
    page = await client.get(link)
    assert page.status_code == 200 and 'method="post"' in page.text
    done = await client.post(link)
    assert done.status_code == 200 and "Kiitos!" in done.text
    again = await client.post(link)
    assert again.status_code == 200 and "Olit jo vahvistanut" in again.text

    person = await one(engine, "SELECT * FROM people WHERE email = 'onni@example.fi'")
    assert person is not None
    assert person["subscription_state"] == "subscribed"
    assert person["confirmed_at"] is not None
    assert sorted(person["topics"]) == ["digiturvallisuus", "webinaarit"]
    async with engine.connect() as conn:
        log = (await conn.execute(text("SELECT * FROM consent_log ORDER BY purpose"))).mappings()
        rows = [dict(r) for r in log]
    assert [(r["purpose"], r["given"], r["method"]) for r in rows] == [
        ("newsletter", True, "signup"),
        ("surveys", True, "signup"),
    ]
    assert rows[0]["wording_version"] == "consent-v1"
    assert rows[0]["ip"].endswith(".0")  # truncated
    org = await one(engine, "SELECT * FROM organisations")
    assert org is not None
    assert (org["name"], org["status"], org["type"]) == (
        "Kirjasto Testilä",
        "pending_review",
        "library",
    )
    membership = await one(engine, "SELECT * FROM memberships")
    assert membership is not None and membership["state"] == "pending"
    snapshot = await one(engine, "SELECT * FROM contact_snapshot")
    assert snapshot is not None
    assert snapshot["subscription_state"] == "subscribed"
    assert (snapshot["newsletter_consent"], snapshot["survey_consent"]) == (True, True)
    assert (snapshot["region"], snapshot["municipality"]) == ("13", "179")
    assert snapshot["organisation_name"] == "Kirjasto Testilä"
    assert snapshot["membership_state"] == "pending"
    assert snapshot["version"] == person["version"]


async def test_known_and_unknown_addresses_get_the_same_answer(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await client.post("/join", data=answers("known@example.fi"))
    # Within ten minutes the same address gets the same answer and no second mail.
    again = await client.post("/join", data=answers("known@example.fi"))
    async with engine.begin() as conn:  # the first signup is now older than the interval
        await conn.execute(text("UPDATE signups SET created_at = created_at - interval '11 min'"))
    known = await client.post("/join", data=answers("KNOWN@example.fi", first_name="Mallory"))
    unknown = await client.post("/join", data=answers("unknown@example.fi"))
    assert known.status_code == unknown.status_code == again.status_code == 200
    assert known.text == unknown.text == again.text
    mails = await mail_requests(engine)
    assert [m["data"]["to_email"] for m in mails] == [
        "known@example.fi",
        "known@example.fi",
        "unknown@example.fi",
    ]
    # The second form did not rename the known person, nor does its mail greet "Mallory".
    assert mails[1]["data"]["variables"]["first_name"] == "Aino"
    person = await one(engine, "SELECT first_name FROM people WHERE email = 'known@example.fi'")
    assert person == {"first_name": "Aino"}


async def test_honeypot_gets_the_same_answer_and_nothing_is_stored(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    bot = await client.post("/join", data=answers("bot@example.fi", website="http://spam"))
    human = await client.post("/join", data=answers("human@example.fi"))
    assert bot.status_code == 200 and bot.text == human.text
    assert await one(engine, "SELECT * FROM people WHERE email = 'bot@example.fi'") is None
    assert len(await mail_requests(engine)) == 1


async def test_bad_answers_are_listed_escaped_and_linked_to_their_fields(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    response = await client.post(
        "/join?lang=en",
        data=answers(
            "x" * 300,
            first_name="<script>alert(1)</script>",
            municipality="999",
            consent="",
        ),
    )
    assert response.status_code == 422
    page = response.text
    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert 'class="error-summary"' in page
    for field in ("email", "municipality", "consent"):
        assert f'href="#{field}"' in page
        assert f'id="{field}-error"' in page
    assert re.search(r'id="email"[^>]*aria-describedby="email-hint email-error"', page)
    assert re.search(r'id="email"[^>]*aria-invalid="true"', page)
    assert "This answer is too long." in page
    assert await mail_requests(engine) == []


async def test_oversized_form_is_refused_with_a_page(client: httpx.AsyncClient) -> None:
    response = await client.post("/join", data=answers("big@example.fi", organisation="y" * 20000))
    assert response.status_code == 413
    assert "<h1>" in response.text


async def test_rate_limit_per_ip_answers_429(
    engine: AsyncEngine, settings: ContactsSettings
) -> None:
    limited = settings.model_copy(update={"signup_burst": 2, "signup_per_minute": 0.01})
    async with make_client(limited) as c:
        codes = [
            (await c.post("/join", data=answers(f"r{i}@example.fi"))).status_code for i in range(3)
        ]
        other_ip = await c.post(
            "/join", data=answers("r9@example.fi"), headers={"X-Real-IP": "203.0.113.9"}
        )
    assert codes == [200, 200, 429]
    assert other_ip.status_code == 200


@pytest.mark.parametrize(
    "token",
    [
        "garbage",
        "k1.garbage",
        "k9.eyJzIjoiMSJ9.abc.def",
        "k1." + "A" * 3000,
    ],
)
async def test_forged_confirmation_links_give_a_clear_400(
    client: httpx.AsyncClient, token: str
) -> None:
    for method in ("GET", "POST"):
        response = await client.request(method, f"/join/confirm/{token}")
        assert response.status_code == 400, (method, response.status_code)
        assert "Linkki ei toimi" in response.text
        assert 'href="/join?lang=fi"' in response.text  # the way to a new link


async def test_link_of_another_purpose_or_expired_is_refused(
    client: httpx.AsyncClient, engine: AsyncEngine, settings: ContactsSettings
) -> None:
    await client.post("/join", data=answers("late@example.fi"))
    [mail] = await mail_requests(engine)
    link = path_of(mail["data"]["variables"]["confirm_url"])
    token = link.rsplit("/", 1)[1]
    person_id = (await one(engine, "SELECT id FROM people"))["id"]  # type: ignore[index]
    unsubscribe_token = sign(settings.token_keys(), "unsubscribe", {"c": str(person_id)})
    assert (await client.post(f"/join/confirm/{unsubscribe_token}")).status_code == 400
    assert (await client.get(f"/preferences/{token}")).status_code == 400
    assert (await client.post(f"/unsubscribe/{token}")).status_code == 400
    async with make_client(settings.model_copy(update={"confirm_link_max_age_s": -1})) as late:
        expired = await late.post(link)
    assert expired.status_code == 410
    assert "vanhentunut" in expired.text
    person = await one(engine, "SELECT subscription_state FROM people")
    assert person == {"subscription_state": "pending"}


async def confirmed_person(client: httpx.AsyncClient, engine: AsyncEngine, email: str) -> Any:
    await client.post("/join", data=answers(email))
    mail = (await mail_requests(engine))[-1]
    await client.post(path_of(mail["data"]["variables"]["confirm_url"]))
    return (await one(engine, "SELECT id FROM people WHERE email = :e", e=email))["id"]  # type: ignore[index]


async def test_one_click_unsubscribe_answers_200_without_redirect_and_logs_withdrawal(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    person_id = await confirmed_person(client, engine, "leaver@example.fi")
    token = sign(ContactsSettings().token_keys(), "unsubscribe", {"c": str(person_id)})
    page = await client.get(f"/unsubscribe/{token}")
    assert page.status_code == 200 and 'method="post"' in page.text
    for _ in range(2):  # mail clients may retry: the second is harmless
        response = await client.post(
            f"/unsubscribe/{token}",
            content=b"List-Unsubscribe=One-Click",
            headers={"Content-Type": "application/x-www-form-urlencoded"},
        )
        assert response.status_code == 200
        assert "location" not in response.headers
    person = await one(engine, "SELECT * FROM people WHERE id = :i", i=person_id)
    assert person is not None
    assert (person["subscription_state"], person["newsletter_consent"]) == ("unsubscribed", False)
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT purpose, given, method FROM consent_log ORDER BY id"),
            )
        ).all()
    assert [tuple(r) for r in rows] == [
        ("newsletter", True, "signup"),
        ("surveys", True, "signup"),
        ("newsletter", False, "unsubscribe"),
        ("surveys", False, "unsubscribe"),
    ]
    snapshot = await one(
        engine, "SELECT * FROM contact_snapshot WHERE contact_id = :i", i=person_id
    )
    assert snapshot is not None
    assert (snapshot["subscription_state"], snapshot["newsletter_consent"]) == (
        "unsubscribed",
        False,
    )


async def test_the_unsubscribe_page_stops_newsletters_and_surveys_separately(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    person_id = await confirmed_person(client, engine, "picky@example.fi")
    token = sign(ContactsSettings().token_keys(), "unsubscribe", {"c": str(person_id)})
    page = (await client.get(f"/unsubscribe/{token}?lang=fi")).text
    for value in ("newsletter", "surveys", "all"):
        assert f'name="what" value="{value}"' in page
    assert "Lopeta uutiskirjeet" in page

    done = await client.post(f"/unsubscribe/{token}?lang=fi", data={"what": "newsletter"})
    assert done.status_code == 200 and "Kyselykutsut tulevat edelleen" in done.text
    person = await one(engine, "SELECT * FROM people WHERE id = :i", i=person_id)
    assert person is not None
    assert (
        person["subscription_state"],
        person["newsletter_consent"],
        person["survey_consent"],
    ) == ("subscribed", False, True)
    again = await client.post(f"/unsubscribe/{token}?lang=fi", data={"what": "newsletter"})
    assert again.status_code == 200  # nothing left to withdraw: no second log entry

    await client.post(f"/unsubscribe/{token}?lang=en", data={"what": "surveys"})
    person = await one(engine, "SELECT * FROM people WHERE id = :i", i=person_id)
    assert person is not None
    assert (person["subscription_state"], person["survey_consent"]) == ("unsubscribed", False)
    async with engine.connect() as conn:
        withdrawn = (
            (
                await conn.execute(
                    text(
                        "SELECT purpose FROM consent_log"
                        " WHERE person_id = :i AND NOT given ORDER BY id"
                    ),
                    {"i": person_id},
                )
            )
            .scalars()
            .all()
        )
        details = (
            (
                await conn.execute(
                    text(
                        "SELECT details FROM activity"
                        " WHERE person_id = :i AND kind = 'unsubscribed' ORDER BY occurred_at"
                    ),
                    {"i": person_id},
                )
            )
            .scalars()
            .all()
        )
    assert list(withdrawn) == ["newsletter", "surveys"]
    assert [d["withdrawn"] for d in details] == [["newsletter"], ["surveys"]]


async def test_preference_centre_changes_topics_language_and_name(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    person_id = await confirmed_person(client, engine, "prefs@example.fi")
    token = sign(ContactsSettings().token_keys(), "preferences", {"c": str(person_id)})
    page = await client.get(f"/preferences/{token}?lang=en")
    assert page.status_code == 200
    assert 'id="topic-webinaarit" name="topics" value="webinaarit" checked' in page.text
    saved = await client.post(
        f"/preferences/{token}?lang=en",
        data={
            "action": "save",
            "first_name": "Aina <b>",
            "last_name": "Virta",
            "language": "sv",
            "topics": ["teemavuosi"],
        },
    )
    assert saved.status_code == 200
    assert "Your settings have been saved." in saved.text
    assert "Aina &lt;b&gt;" in saved.text
    snapshot = await one(
        engine, "SELECT * FROM contact_snapshot WHERE contact_id = :i", i=person_id
    )
    assert snapshot is not None
    assert (snapshot["first_name"], snapshot["language"], snapshot["topics"]) == (
        "Aina <b>",
        "sv",
        ["teemavuosi"],
    )
    bad = await client.post(
        f"/preferences/{token}", data={"action": "save", "language": "xx", "topics": ["nope"]}
    )
    assert bad.status_code == 422


async def test_erasure_from_the_preference_centre_needs_the_tick_and_then_removes_all(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    person_id = await confirmed_person(client, engine, "forget@example.fi")
    token = sign(ContactsSettings().token_keys(), "preferences", {"c": str(person_id)})
    unticked = await client.post(f"/preferences/{token}", data={"action": "erase"})
    assert unticked.status_code == 422
    erased = await client.post(
        f"/preferences/{token}", data={"action": "erase", "erase_confirm": "yes"}
    )
    assert erased.status_code == 200
    assert await one(engine, "SELECT * FROM people WHERE id = :i", i=person_id) is None
    assert await one(engine, "SELECT * FROM consent_log") is None
    snapshot = await one(
        engine, "SELECT * FROM contact_snapshot WHERE contact_id = :i", i=person_id
    )
    assert snapshot is not None and snapshot["erased"] is True and snapshot["email"] is None
    audit = await one(engine, "SELECT * FROM audit_log WHERE action = 'person.erased'")
    assert audit is not None and "forget@" not in str(audit)
    gone = await client.get(f"/preferences/{token}")
    assert gone.status_code == 404
