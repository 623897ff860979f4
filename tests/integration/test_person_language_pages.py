"""Pages reached from a mail open in the person's language, not the browser's; a visitor can
still switch language on the page (`?lang=`)."""

from __future__ import annotations

import httpx
from contacts.settings import ContactsSettings
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.tokens import sign
from tests.integration.test_contacts_signup_pages import answers, mail_requests, one, path_of

FINNISH_BROWSER = {"Accept-Language": "fi-FI,fi;q=0.9,en;q=0.5"}


def lang_of(page: httpx.Response) -> str:
    assert page.status_code == 200, page.text
    return page.text.split('<html lang="', 1)[1].split('"', 1)[0]


async def swedish_signup(client: httpx.AsyncClient, engine: AsyncEngine, email: str) -> str:
    """The confirmation link of a signup made in Swedish."""
    sent = await client.post("/join?lang=sv", data=answers(email, language="sv"))
    assert sent.status_code == 200
    mail = (await mail_requests(engine))[-1]["data"]
    assert mail["language"] == "sv"
    return path_of(mail["variables"]["confirm_url"])


async def test_confirmation_link_opens_in_the_persons_language(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    link = await swedish_signup(client, engine, "svensk@example.fi")
    assert lang_of(await client.get(link, headers=FINNISH_BROWSER)) == "sv"
    client.cookies.set("dt_lang", "fi")  # an earlier choice on this browser: the mail wins
    assert lang_of(await client.get(link, headers=FINNISH_BROWSER)) == "sv"
    client.cookies.clear()
    assert lang_of(await client.get(f"{link}?lang=en", headers=FINNISH_BROWSER)) == "en"
    done = await client.post(link, headers=FINNISH_BROWSER)
    assert lang_of(done) == "sv"


async def test_unsubscribe_link_opens_in_the_persons_language(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    link = await swedish_signup(client, engine, "lamnar@example.fi")
    await client.post(link)
    person = await one(engine, "SELECT id FROM people WHERE email = 'lamnar@example.fi'")
    assert person is not None
    token = sign(ContactsSettings().token_keys(), "unsubscribe", {"c": str(person["id"])})
    page = await client.get(f"/unsubscribe/{token}", headers=FINNISH_BROWSER)
    assert lang_of(page) == "sv" and f'action="/unsubscribe/{token}?lang=sv"' in page.text
    switched = await client.get(f"/unsubscribe/{token}?lang=fi", headers=FINNISH_BROWSER)
    assert lang_of(switched) == "fi"
    done = await client.post(f"/unsubscribe/{token}", data={}, headers=FINNISH_BROWSER)
    assert lang_of(done) == "sv"


async def test_preferences_link_opens_in_the_persons_language(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    link = await swedish_signup(client, engine, "val@example.fi")
    await client.post(link)
    person = await one(engine, "SELECT id FROM people WHERE email = 'val@example.fi'")
    assert person is not None
    token = sign(ContactsSettings().token_keys(), "preferences", {"c": str(person["id"])})
    english_browser = {"Accept-Language": "en-GB,en;q=0.9"}
    assert lang_of(await client.get(f"/preferences/{token}", headers=english_browser)) == "sv"
    assert lang_of(await client.get(f"/preferences/{token}?lang=en")) == "en"
    # Saving Finnish as the own language: the page follows the person from then on.
    saved = await client.post(
        f"/preferences/{token}",
        data={"action": "save", "language": "fi", "first_name": "Val", "last_name": "V"},
        headers=english_browser,
    )
    assert saved.status_code == 200
    assert lang_of(await client.get(f"/preferences/{token}", headers=english_browser)) == "fi"


async def test_the_header_brand_and_title_follow_the_language(client: httpx.AsyncClient) -> None:
    for lang, brand in (("fi", "Digituki"), ("sv", "Digistöd"), ("en", "Digituki")):
        page = await client.get(f"/join?lang={lang}")
        assert f'<a class="brand" href="/?lang={lang}">{brand}</a>' in page.text
        title = page.text.split("<title>", 1)[1].split("</title>", 1)[0]
        assert title.endswith(f"– {brand}"), title
    swedish = (await client.get("/join?lang=sv")).text
    assert "Digituki" not in swedish.replace("digituki@dvv.fi", "")
