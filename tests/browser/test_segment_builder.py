"""The segment builder in headless Chromium with its script: staff choose fields, operators and
values by name, and the live count follows each change without a button press."""

from __future__ import annotations

import uuid

import pytest
from contacts.people.service.people import register_person, update_person
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from playwright.async_api import BrowserContext, Page
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.journeys import shot, sign_in

pytestmark = pytest.mark.browser

PASSWORD = "segment builder in the browser " + uuid.uuid4().hex[:8]
WAIT_MS = 60_000


async def people(engine: AsyncEngine, tag: str) -> None:
    """Three people of this test: two in Tampere (837), one in Turku (853)."""
    for n, municipality in enumerate(("837", "837", "853")):
        uow = SqlContactsUnitOfWork(engine)
        person = await register_person(uow, email=f"rakentaja{n}.{tag}@kirjasto.example")
        await update_person(SqlContactsUnitOfWork(engine), person.id, municipality=municipality)


async def count_is(page: Page, expected: str) -> None:
    """Wait until the live count shows `expected` (Playwright's wait, not a timed assertion)."""
    await page.wait_for_function(
        "expected => { const c = document.getElementById('preview-count');"
        " return c !== null && c.textContent.trim() === expected; }",
        arg=expected,
    )


async def test_staff_build_a_segment_by_names_and_the_live_count_follows(
    context: BrowserContext, engines: dict[str, AsyncEngine]
) -> None:
    tag = uuid.uuid4().hex[:8]
    await people(engines["contacts"], tag)
    email = f"builder-{tag}@digituki.fi"
    await staff_service.create_staff(
        SqlContactsUnitOfWork(engines["contacts"]),
        email=email,
        name="Riikka",
        role="editor",
        password=PASSWORD,
    )
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await sign_in(page, email, PASSWORD)
    await page.goto("/staff/segments/new?lang=en")
    await page.locator("#name").fill(f"Tampereen kirjastot {tag}")

    # Email address contains the tag: the operator and the text box appear without a reload.
    await page.locator("#n-0-field").select_option(label="Email address")
    await page.locator("#n-0-op").select_option(label="contains")
    await page.locator('#builder[data-shape^="0:email:contains"]').wait_for()
    await page.locator("#n-0-value").fill(f".{tag}@")
    await count_is(page, "3")

    # A second condition, chosen by names: Municipality is Tampere. The count follows.
    await page.get_by_role("button", name="Add condition", exact=True).click()
    await page.locator("#n-1-field").select_option(label="Municipality")
    await page.locator('#builder[data-shape*="1:municipality:is"]').wait_for()
    await page.locator("#n-1-value").select_option(label="Tampere")
    await count_is(page, "2")
    assert "Municipality is Tampere" in await page.inner_text("#preview-sentence")
    await shot(page, "segment-builder-live-count")

    # The rule the engine runs is there for experts, in codes.
    await page.locator("#rule-details summary").click()
    rule = await page.locator("#rule").input_value()
    assert '"value": "837"' in rule and f'"value": ".{tag}@"' in rule

    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url("**/staff/segments/*-*")
    assert (await page.inner_text("#segment-count")).strip() == "2"
    assert "Municipality is Tampere" in await page.inner_text("#segment-sentence")
