"""What the browser journeys share: the mail catcher's JSON API, people who signed up and
confirmed (so they reach both replicas over Kafka), signing staff in, and screenshots."""

from __future__ import annotations

import re
from typing import Any

from playwright.async_api import Page
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.conftest import screenshot_path
from tests.integration.test_contacts_signup_pages import answers, make_client, path_of
from tests.support.mail_catcher import mails_to
from tests.support.polling import eventually
from tests.support.seeds import reseed

CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]+/join/confirm/[^\s\"'<>]+")
SURVEY_LINK = re.compile(r"https?://[^\s\"'<>]+/s/[^\s\"'<>/]+")
# Generous: two cores shared by several test runs; the waits poll, they never just sleep.
SLOW = 120.0


async def mail_to(address: str, *, containing: str, timeout: float = SLOW) -> dict[str, Any]:
    """The first mail to the address whose subject or text contains `containing`."""

    def matching(mails: list[dict[str, Any]]) -> list[dict[str, Any]]:
        return [m for m in mails if containing in m["subject"] + (m["text"] or "")]

    mails = await eventually(
        lambda: mails_to(address),
        lambda found: bool(matching(found)),
        timeout=timeout,
        interval=0.5,
        what=f"a mail to {address} containing {containing!r}",
    )
    return matching(mails)[0]


def link_in(mail: dict[str, Any], pattern: re.Pattern[str]) -> str:
    """The link's path (the page is opened through the proxy the browser talks to)."""
    found = pattern.search(mail["text"] or "") or pattern.search(mail["html"] or "")
    assert found, f"no link in the mail: {mail['text']!r}"
    return path_of(found.group(0))


async def confirmed_subscribers(engine: AsyncEngine, emails: list[str]) -> None:
    """Sign each address up on /join (the contacts app in process) and press its mail's link."""
    await reseed(engine)  # the signup form needs its topics, which clean_db may have emptied
    async with make_client() as client:
        for email in emails:
            sent = await client.post("/join", data=answers(email, first_name="Testi"))
            assert sent.status_code == 200, sent.text
        for email in emails:
            mail = await mail_to(email, containing="/join/confirm/")
            confirmed = await client.post(link_in(mail, CONFIRM_LINK))
            assert confirmed.status_code == 200, confirmed.text


async def in_replica(engine: AsyncEngine, emails: list[str], consent: str) -> None:
    """Until a service's replica has every address subscribed, confirmed, with the consent."""
    query = text(
        "SELECT count(*) FROM contact_snapshot WHERE email = ANY(:emails) "
        f"AND confirmed_at IS NOT NULL AND {consent} IS TRUE"  # consent: a column name we pass
    )

    async def count() -> int:
        async with engine.connect() as conn:
            return int((await conn.execute(query, {"emails": emails})).scalar_one())

    await eventually(
        count, lambda n: n == len(emails), timeout=SLOW, interval=0.5, what=f"{emails} replicated"
    )


async def sign_in(page: Page, email: str, password: str) -> None:
    await page.goto("/login?lang=en")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(password)
    await page.screenshot(path=screenshot_path("journey-staff-1-sign-in"), full_page=True)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/staff/**")


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=screenshot_path(f"journey-{name}"), full_page=True)
