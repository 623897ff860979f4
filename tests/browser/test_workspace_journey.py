"""Issue 14's journey: an editor runs the network from the pages alone, by names.

Signed in as an editor, without the API: create an organisation, add two people to it by its
name, import a spreadsheet that names municipalities, organisations and membership states in
words, approve the membership an imported row applied for (with a reason that the timeline
shows), build a segment by choosing names and see its count, and find every one of them again
on the pages by name. Each page on the way is checked with axe.
"""

from __future__ import annotations

import uuid

import pytest
from contacts.jobs.service import jobs
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from playwright.async_api import BrowserContext, Page
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.axe import check
from tests.browser.journeys import shot, sign_in
from tests.support.units import units

pytestmark = pytest.mark.browser

PASSWORD = "the workspace journey " + uuid.uuid4().hex[:8]
WAIT_MS = 60_000


async def assert_accessible(page: Page, axe_source: str, name: str) -> None:
    await shot(page, name)
    violations, passes = await check(page, axe_source)
    assert passes > 10, f"axe ran too few rules on {name}: {passes}"
    assert violations == [], f"{name}:\n" + "\n".join(violations)


async def count_is(page: Page, expected: str) -> None:
    await page.wait_for_function(
        "expected => { const c = document.getElementById('preview-count');"
        " return c !== null && c.textContent.trim() === expected; }",
        arg=expected,
    )


async def add_person(page: Page, first: str, last: str, email: str, organisation: str) -> str:
    await page.goto("/staff/people/new?lang=en")
    await page.fill("#first_name", first)
    await page.fill("#last_name", last)
    await page.fill("#email", email)
    await page.fill("#organisation", organisation)
    await page.get_by_role("button", name="Add the person").click()
    await page.wait_for_url("**/staff/people/*?done=created*")
    return page.url.split("/staff/people/")[1].split("?")[0]


async def test_an_editor_runs_the_network_from_the_pages_by_names(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    tag = uuid.uuid4().hex[:6]
    editor = f"verkostotyo-{tag}@digituki.fi"
    await staff_service.create_staff(
        SqlContactsUnitOfWork(engines["contacts"]),
        email=editor,
        name="Emilia",
        role="editor",
        password=PASSWORD,
    )
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await sign_in(page, editor, PASSWORD)

    # An organisation, its place chosen by name; the region follows.
    organisation = f"Pispalan kirjasto {tag}"
    await page.goto("/staff/organisations/new?lang=en")
    await page.locator("#name").fill(organisation)
    await page.locator("#type").select_option(label="Library")
    await page.locator("#municipality_code").select_option(label="Tampere (Tammerfors)")
    await page.locator("form[action$='/new'] button[type=submit]").click()
    await page.wait_for_selector("#saved")
    main = await page.inner_text("main")
    assert organisation in main and "Tampere" in main and "Pirkanmaa" in main
    await assert_accessible(page, axe_source, "organisation")

    # Two people of it, the organisation typed by its name.
    await add_person(page, "Tuuli", f"Tuulos{tag}", f"tuuli.{tag}@pispala.example", organisation)
    await add_person(page, "Ville", f"Vainio{tag}", f"ville.{tag}@pispala.example", organisation)
    assert organisation in await page.inner_text("main")
    await assert_accessible(page, axe_source, "person")

    # A spreadsheet in words: a municipality, the organisation by name, an application.
    sheet = (
        "Sähköposti;Etunimi;Sukunimi;Kunta;Organisaatio;Jäsenyys\n"
        f"aada.{tag}@pispala.example;Aada;Aalto{tag};Tampere;{organisation};hakemus\n"
    ).encode()
    await page.goto("/staff/imports?lang=en")
    await page.set_input_files(
        "#file", {"name": "verkosto.csv", "mimeType": "text/csv", "buffer": sheet}
    )
    await page.get_by_role("button", name="Upload and continue").click()
    await page.wait_for_selector("#preview")
    await page.get_by_role("button", name="Check (dry run)").click()
    await page.wait_for_selector("#report")
    await page.get_by_role("button", name="Start the import").click()
    await page.wait_for_url("**/staff/jobs/**")
    job_page = page.url.split("?")[0]
    await jobs.run_next(units(engines["contacts"]), jobs.JobSettings())  # unless a worker took it
    await page.goto(f"{job_page}?lang=en")
    await assert_accessible(page, axe_source, "import-result")

    # The imported applicant, found by name; the membership approved with a reason.
    await page.goto(f"/staff/people?q=Aalto{tag}&lang=en")
    await page.get_by_role("link", name=f"Aalto{tag}").first.click()
    await page.wait_for_url("**/staff/people/*")
    assert organisation in await page.inner_text("main")
    await page.fill("#reason", "Kirjasto tarjoaa digitukea")
    await page.get_by_role("button", name="Approve").click()
    await page.wait_for_selector(".transition")
    step = page.locator("ol.timeline li", has=page.locator(".transition")).first
    timeline = await step.inner_text()  # newest first: the approval, by whom, why
    assert "Applied → Member, by Emilia." in timeline  # by name, one rule for pages and timelines
    assert "Kirjasto tarjoaa digitukea" in timeline
    await assert_accessible(page, axe_source, "approved")

    # A segment chosen by names: Municipality is Tampere, Email address contains the tag.
    await page.goto("/staff/segments/new?lang=en")
    await page.locator("#name").fill(f"Pispalan verkosto {tag}")
    await page.locator("#n-0-field").select_option(label="Email address")
    await page.locator("#n-0-op").select_option(label="contains")
    await page.locator('#builder[data-shape^="0:email:contains"]').wait_for()
    await page.locator("#n-0-value").fill(f".{tag}@pispala")
    await count_is(page, "3")
    await page.get_by_role("button", name="Add condition", exact=True).click()
    await page.locator("#n-1-field").select_option(label="Membership")
    await page.locator('#builder[data-shape*="1:membership_state:"]').wait_for()
    await page.locator("#n-1-value").select_option(label="Member")
    await count_is(page, "1")
    await shot(page, "segment")
    await assert_accessible(page, axe_source, "segment")
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url("**/staff/segments/*-*")
    assert (await page.inner_text("#segment-count")).strip() == "1"

    # Everyone is found again on the pages by name, with names, not codes, beside them.
    await page.goto(f"/staff/people?q={tag}&lang=en")
    listing = await page.inner_text("main")
    for surname in (f"Tuulos{tag}", f"Vainio{tag}", f"Aalto{tag}"):
        assert surname in listing
    await page.goto(f"/staff/organisations?q=Pispalan kirjasto {tag}&lang=en")
    await page.get_by_role("link", name=organisation).click()
    people_of_it = await page.inner_text("main")
    assert all(s in people_of_it for s in (f"Tuulos{tag}", f"Vainio{tag}", f"Aalto{tag}"))
    await shot(page, "organisation-people")
