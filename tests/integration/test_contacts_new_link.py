"""An expired confirmation link's page offers a new link: a fresh mail for the same pending
signup, the same answer for unknown addresses, and the per-IP rate limit."""

from __future__ import annotations

import httpx
import pytest
from contacts.settings import ContactsSettings
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_contacts_signup_pages import (
    answers,
    mail_requests,
    make_client,
    path_of,
)


@pytest.mark.parametrize(
    ("lang", "heading"),
    [
        ("fi", "Lähetä minulle uusi linkki"),
        ("sv", "Skicka mig en ny länk"),
        ("en", "Send me a new link"),
    ],
)
async def test_an_expired_link_page_offers_a_new_link_and_the_new_link_confirms(
    client: httpx.AsyncClient,
    engine: AsyncEngine,
    settings: ContactsSettings,
    lang: str,
    heading: str,
) -> None:
    await client.post("/join", data=answers(f"late-{lang}@example.fi"))
    [first] = await mail_requests(engine)
    link = path_of(first["data"]["variables"]["confirm_url"])
    async with make_client(settings.model_copy(update={"confirm_link_max_age_s": -1})) as late:
        expired = await late.get(link, params={"lang": lang})
    assert expired.status_code == 410
    assert heading in expired.text
    assert f'action="/join/new-link?lang={lang}"' in expired.text
    assert '<label for="email">' in expired.text

    sent = await client.post(
        f"/join/new-link?lang={lang}", data={"email": f"LATE-{lang}@example.fi", "website": ""}
    )
    assert sent.status_code == 200
    [_, again] = await mail_requests(engine)
    assert again["data"]["origin_id"] == first["data"]["origin_id"]  # the same signup
    assert again["data"]["idempotency_key"] != first["data"]["idempotency_key"]
    # Signed now, so valid for the full period again (within the same second it is even the
    # same text as the first link: the signature carries the payload and a timestamp).
    new_link = path_of(again["data"]["variables"]["confirm_url"])
    confirmed = await client.post(new_link)
    assert confirmed.status_code == 200


async def test_unknown_and_confirmed_addresses_get_the_same_answer_and_no_mail(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await client.post("/join", data=answers("done@example.fi"))
    [mail] = await mail_requests(engine)
    await client.post(path_of(mail["data"]["variables"]["confirm_url"]))
    known = await client.post("/join/new-link", data={"email": "done@example.fi"})
    unknown = await client.post("/join/new-link", data={"email": "nobody@example.fi"})
    bot = await client.post("/join/new-link", data={"email": "x@example.fi", "website": "spam"})
    assert known.status_code == unknown.status_code == bot.status_code == 200
    assert known.text == unknown.text == bot.text
    assert len(await mail_requests(engine)) == 1


async def test_new_link_requests_are_rate_limited_per_ip(
    engine: AsyncEngine, settings: ContactsSettings
) -> None:
    tight = settings.model_copy(update={"signup_burst": 2, "signup_per_minute": 0.01})
    async with make_client(tight) as c:
        codes = [
            (await c.post("/join/new-link", data={"email": f"n{i}@example.fi"})).status_code
            for i in range(4)
        ]
    assert codes == [200, 200, 429, 429]


async def test_one_address_gets_one_new_link_however_often_it_is_asked_for(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await client.post("/join", data=answers("twice@example.fi"))
    asked = [
        await client.post("/join/new-link", data={"email": "twice@example.fi"}) for _ in range(5)
    ]
    assert {a.status_code for a in asked} == {200}
    assert len({a.text for a in asked}) == 1  # the same answer, mail or not
    mails = await mail_requests(engine)
    assert [m["data"]["to_email"] for m in mails] == ["twice@example.fi"] * 2
