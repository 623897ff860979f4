"""The composer's tools in headless Chromium through nginx, with the workers running: a block
added and moved by composer_blocks.js without a reload (keyboard, focus, announcement), the
merge-field warning, the test send's notice and its mail's test links, and the link check's
override with a reason that reaches the audit log. Screenshots of the composer, the campaign
page and the statistics page go to test-artifacts/screenshots/composer-*.png."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from newsletter.tables import contact_snapshot, segments
from playwright.async_api import BrowserContext, Page
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.conftest import screenshot_path
from tests.browser.journeys import SLOW, link_in, mail_to, sign_in
from tests.browser.test_accessibility import assert_accessible
from tests.support.polling import eventually
from tests.support.workers import Workers

pytestmark = pytest.mark.browser

PASSWORD = "composer tools " + uuid.uuid4().hex[:8]
WAIT_MS = 60_000
TEST_LINK = re.compile(r"https?://[^\s\"'<>]+/newsletter/test-link\?kind=unsubscribe[^\s\"'<>]*")
INTRANET = "https://intranet.kirjasto.example/uutiset"
# The test site checks links' syntax only (NEWSLETTER_LINK_CHECK=syntax: no internet here),
# which refuses only an address without a host, one a browser's url field never submits.
HOSTLESS = "https://:8443/intranet/uutiset"


async def audience(engine: AsyncEngine, tag: str) -> uuid.UUID:
    """Two readers in newsletter's replica, one without a first name, and a segment of them."""

    def reader(n: int, first_name: str | None) -> dict[str, Any]:
        return {
            "contact_id": uuid.uuid4(),
            "version": 1,
            "email": f"lukija{n}.{tag}@kirjasto.example",
            "first_name": first_name,
            "last_name": "Lukija",
            "language": "fi",
            "subscription_state": "subscribed",
            "confirmed_at": datetime.now(UTC),
            "newsletter_consent": True,
            "email_status": "ok",
            "region": "01",
        }

    segment = uuid.uuid4()
    rule = {"field": "email", "op": "contains", "value": f".{tag}@"}
    async with engine.begin() as conn:
        await conn.execute(insert(contact_snapshot), [reader(1, "Aino"), reader(2, None)])
        await conn.execute(
            insert(segments),
            {"segment_id": segment, "version": 1, "name": f"Lukijat {tag}", "rule": rule},
        )
    return segment


async def hostless_link(engine: AsyncEngine, campaign_id: str) -> None:
    """The saved button's address as the syntax check refuses it (see HOSTLESS)."""
    stmt = text(
        "UPDATE campaigns SET content = jsonb_set(content, '{fi,blocks,1,url}', to_jsonb("
        "CAST(:url AS text))) WHERE id = CAST(:id AS uuid)"
    )
    async with engine.begin() as conn:
        assert (await conn.execute(stmt, {"url": HOSTLESS, "id": campaign_id})).rowcount == 1


async def focused_block(page: Page) -> str:
    return str(
        await page.evaluate(
            "() => { const b = document.activeElement.closest('.composer-block');"
            " return b ? b.id : ''; }"
        )
    )


async def test_compose_with_js_blocks_warn_test_send_and_override_the_link_check(
    workers: Workers, context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    tag = uuid.uuid4().hex[:8]
    segment = await audience(engines["newsletter"], tag)
    staff_email = f"composer-{tag}@digituki.fi"
    await staff_service.create_staff(
        SqlContactsUnitOfWork(engines["contacts"]),
        email=staff_email,
        name="Kaisa",
        role="editor",
        password=PASSWORD,
    )
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await sign_in(page, staff_email, PASSWORD)

    # Compose: blocks added and moved by the script, the page never reloads.
    await page.goto("/newsletter/staff/campaigns/new?lang=en")
    await page.evaluate("() => { window.composerPage = 'same'; }")
    subject = f"Joulukirje {tag}"
    await page.locator("#name").fill(f"Joulu {tag}")
    await page.locator("#fallback-fi").check()
    await page.locator("#subject-fi").fill(subject)
    await page.locator(f"#included-{segment}").check()
    await page.locator("#tracking").check()  # the statistics show their 48-hour charts
    await page.locator("button[value='add:button']").click()
    await page.locator("#block-0-url").wait_for()
    await page.locator("#block-0-text-fi").fill("Lue lisää")
    await page.locator("#block-0-url").fill(INTRANET)
    await page.locator("button[value='add:heading']").focus()
    await page.keyboard.press("Enter")
    heading = page.locator("#block-1-text-fi")
    await heading.wait_for()
    assert await focused_block(page) == "block-1"
    await heading.fill("Hei {{ first_name }}!")
    # Keyboard: the heading moves up, focus stays on it, the move is announced.
    await page.locator("#block-1 button[data-verb='up']").focus()
    await page.keyboard.press("Enter")
    await page.wait_for_function(
        "() => document.querySelector('#block-0 input[name=block-0-type]').value === 'heading'"
    )
    assert await focused_block(page) == "block-0"
    await page.wait_for_function(
        "() => document.getElementById('blocks-status').textContent.includes('place 1')"
    )
    assert await page.evaluate("() => window.composerPage") == "same"  # no reload
    assert await page.locator("#block-0-text-fi").input_value() == "Hei {{ first_name }}!"
    assert await page.locator("#block-1-url").input_value() == INTRANET
    assert await page.locator("#subject-fi").input_value() == subject
    await page.screenshot(path=screenshot_path("composer-1-blocks"), full_page=True)
    await assert_accessible(page, axe_source, "composer-blocks-en")
    await page.locator("button[value=save]").click()
    await page.wait_for_url("**/newsletter/staff/campaigns/*-*")
    campaign_page = page.url.split("?")[0]
    campaign_id = campaign_page.rsplit("/", 1)[1]
    await hostless_link(engines["newsletter"], campaign_id)

    # The merge-field warning, counted from the replica: one of the two lacks a first name.
    warning = await page.inner_text("#merge-fields")
    assert "Recipients without the field “first name”: 1." in warning, warning
    assert "Hei!" in warning and "Hei !" not in warning

    # Test send: the notice after the redirect names the address; the mail's links say
    # that they are test links.
    tester = f"testaaja.{tag}@digituki.fi"
    await page.locator("#addresses").fill(tester)
    await page.locator("form[action$='/test'] button[type=submit]").click()
    await page.wait_for_url("**?test=*")
    notice = await page.inner_text("#test-sent")
    assert "The test mail was sent." in notice and tester in notice
    await page.screenshot(path=screenshot_path("composer-2-test-sent"), full_page=True)
    await assert_accessible(page, axe_source, "composer-test-sent-en")
    mail = await mail_to(tester, containing=subject)
    assert mail["subject"] == subject
    assert "Hei!" in (mail["text"] or "")
    await page.goto(link_in(mail, TEST_LINK))
    assert await page.inner_text("h1") == "Tämä on testilinkki"
    await page.goto(campaign_page + "?lang=en")

    # Send: the link check refuses and names the link; sent anyway with a reason.
    await page.locator("#confirm").check()
    await page.locator("form[action$='/send'] button[type=submit]").click()
    await page.locator("#broken-links").wait_for()
    listed = await page.inner_text("#broken-links")
    assert HOSTLESS in listed and "no host" in listed
    await page.screenshot(path=screenshot_path("composer-3-link-check"), full_page=True)
    await assert_accessible(page, axe_source, "composer-link-check-en")
    reason = f"Intranet address, works inside the library network {tag}"
    await page.locator("#override_reason").fill(reason)
    await page.locator("#broken-links button[type=submit]").click()
    await page.wait_for_url(campaign_page)
    assert await page.locator(".error-summary").count() == 0, await page.inner_text("main")

    query = text(
        "SELECT details FROM audit_log WHERE action = 'campaign.link_check_overridden' "
        "AND target_id = :campaign"
    )

    async def entries() -> list[Any]:
        async with engines["contacts"].connect() as conn:
            return list((await conn.execute(query, {"campaign": campaign_id})).scalars())

    [details] = await eventually(
        entries, lambda found: len(found) == 1, timeout=SLOW, interval=0.5, what="audit entry"
    )
    assert details == {"links": [{"url": HOSTLESS, "why": "no host"}], "reason": reason}

    await page.goto(f"{campaign_page}/stats?lang=en")
    assert await page.locator("#rates li").count() == 6
    assert await page.locator("details#hourly-figures table").count() == 1
    await page.screenshot(path=screenshot_path("composer-4-statistics"), full_page=True)
    await assert_accessible(page, axe_source, "campaign-statistics-en")
