"""A respondent takes the self-assessment in headless Chromium through nginx, with the workers
running: identified (result page, result mail at the catcher, its link, a retake showing the
change) and anonymous (result page from a random link, retake). Screenshots of each page go to
test-artifacts/screenshots/assessment-*.png.
"""

from __future__ import annotations

import re
import uuid

import pytest
from contacts.people.service.people import register_person
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from playwright.async_api import BrowserContext, Page
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.assessment import service
from surveys.assessment.defaults import default_definition
from surveys.settings import SurveysSettings
from surveys.unit_of_work import unit_of_work

from tests.browser.axe import check
from tests.browser.journeys import SLOW, link_in, mail_to, shot, sign_in
from tests.support.polling import eventually
from tests.support.workers import Workers

pytestmark = pytest.mark.browser

WAIT_MS = 60_000
RESULT_LINK = re.compile(r"https?://[^\s\"<>]+/s/assessment/r/[\w-]+")
STAFF = service.Actor(id="browser-tests", role="editor")
PASSWORD = "weak areas in the browser " + uuid.uuid4().hex[:8]


async def published(engine: AsyncEngine, mode: str) -> str:
    """A published test with the default areas: the path of its public link."""
    assessment_id = await service.create_assessment(unit_of_work(engine), actor=STAFF, mode=mode)
    await service.save_assessment(
        unit_of_work(engine),
        assessment_id,
        definition=default_definition(),
        mode=mode,
        published=True,
        actor=STAFF,
    )
    return f"/s/assessment/{service.public_token(SurveysSettings().token_keys(), assessment_id)}"


async def answer_all(page: Page, levels: dict[str, int]) -> None:
    """Choose, in every area's statements, the answer `levels[area name]` (0-3) by its label."""
    labels = ["En osaa vielä", "Osaan osittain", "Osaan hyvin", "Osaan opastaa muitakin"]
    for area in await page.locator("section.assessment-area").all():
        heading = (await area.locator("h2").inner_text()).strip()
        if heading not in levels:
            continue
        for statement in await area.locator("fieldset").all():
            await statement.get_by_label(labels[levels[heading]], exact=True).check()


async def profile(page: Page) -> dict[str, list[str]]:
    """The result table: area name -> [score, level, (change)]."""
    rows = await page.locator(".chart-pair table tbody tr").all()
    out = {}
    for row in rows:
        name = (await row.locator("th").inner_text()).strip()
        out[name] = [c.strip() for c in await row.locator("td").all_inner_texts()]
    return out


async def no_violations(page: Page, axe_source: str, name: str) -> None:
    violations, passes = await check(page, axe_source)
    assert passes > 10, f"axe ran too few rules on {name}: {passes}"
    assert violations == [], f"{name}:\n" + "\n".join(violations)


async def test_identified_respondent_gets_the_result_page_and_mail_and_retakes_to_see_change(
    workers: Workers, context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    path = await published(engines["surveys"], "identified")
    email = f"testaaja.{uuid.uuid4().hex[:8]}@kirjasto.example"
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto(f"{path}?lang=fi")
    await shot(page, "assessment-1-take")
    await answer_all(
        page,
        {"Digitaalinen turvallisuus": 1, "Asiointipalvelut": 3, "Laitteet ja yhteydet": 2,
         "Ohjaus ja opastus": 0, "Tietosuoja": 2},
    )  # fmt: skip
    await page.get_by_label("Sähköpostiosoitteesi").fill(email)
    await page.get_by_label("Maakunta").select_option(label="Pirkanmaa")
    await page.get_by_role("button", name="Näytä tulokseni").click()
    await page.get_by_role("heading", name="Tuloksesi", exact=True).wait_for()
    shown = await profile(page)
    assert shown["Digitaalinen turvallisuus"][:2] == ["33", "Alkuvaiheessa"]
    assert shown["Asiointipalvelut"][:2] == ["100", "Vahva"]
    assert "Lähetimme tuloksesi" in await page.inner_text("main")
    await shot(page, "assessment-2-result-once")
    await no_violations(page, axe_source, "assessment result (identified, once)")

    mail = await mail_to(email, containing="Tuloksesi")
    assert "Digitaalinen turvallisuus: 33 %" in mail["text"]
    result_path = link_in(mail, RESULT_LINK)
    await page.goto(result_path)
    assert (await profile(page))["Ohjaus ja opastus"][:2] == ["0", "Alkuvaiheessa"]
    await shot(page, "assessment-3-result-from-mail")

    await page.get_by_role("link", name="Tee testi uudelleen").click()
    await page.wait_for_url("**/retake**")
    await answer_all(
        page,
        {"Digitaalinen turvallisuus": 3, "Asiointipalvelut": 3, "Laitteet ja yhteydet": 2,
         "Ohjaus ja opastus": 2, "Tietosuoja": 1},
    )  # fmt: skip
    await page.get_by_role("button", name="Näytä tulokseni").click()
    await page.wait_for_url("**/s/assessment/r/**")
    after = await profile(page)
    assert after["Digitaalinen turvallisuus"] == ["100", "Vahva", "+67"]
    assert after["Ohjaus ja opastus"] == ["67", "Kehittymässä", "+67"]
    assert after["Tietosuoja"] == ["33", "Alkuvaiheessa", "-34"]
    assert after["Asiointipalvelut"][2] == "0"
    assert "Aiemmat tuloksesi" in await page.inner_text("main")
    await shot(page, "assessment-4-retaken")
    await no_violations(page, axe_source, "assessment result after a retake")
    await mail_to(
        email, containing="Digitaalinen turvallisuus: 100 %"
    )  # the retake's result is mailed too


async def test_anonymous_respondent_sees_the_result_from_a_random_link_and_retakes_it(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    path = await published(engines["surveys"], "anonymous")
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto(f"{path}?lang=sv")
    assert await page.get_by_label("Din e-postadress").count() == 0
    await page.get_by_role("button", name="Visa mitt resultat").click()
    await page.locator("#error-summary").wait_for()
    await shot(page, "assessment-5-errors-sv")
    levels = {"Digital säkerhet": 0, "E-tjänster": 1, "Enheter och uppkopplingar": 2,
              "Handledning och vägledning": 3, "Dataskydd": 1}  # fmt: skip
    labels = ["Jag kan inte ännu", "Jag kan delvis", "Jag kan bra", "Jag kan handleda andra också"]
    for area in await page.locator("section.assessment-area").all():
        heading = (await area.locator("h2").inner_text()).strip()
        for statement in await area.locator("fieldset").all() if heading in levels else []:
            await statement.get_by_label(labels[levels[heading]], exact=True).check()
    await page.get_by_role("button", name="Visa mitt resultat").click()
    await page.wait_for_url("**/s/assessment/r/**")
    link = page.url.split("?")[0]
    assert link.split("/s/assessment/r/")[1] in await page.inner_text(".notice")
    assert (await profile(page))["Handledning och vägledning"][:2] == ["100", "Stark"]
    await shot(page, "assessment-6-anonymous-result-sv")
    await no_violations(page, axe_source, "anonymous result")

    await page.get_by_role("link", name="Gör testet igen").click()
    await page.wait_for_url("**/retake**")
    for area in await page.locator("section.assessment-area").all():
        for statement in await area.locator("fieldset").all():
            await statement.get_by_label(labels[2], exact=True).check()
    await page.get_by_role("button", name="Visa mitt resultat").click()
    await page.wait_for_url("**/s/assessment/r/**")
    after = await profile(page)
    assert after["Digital säkerhet"] == ["67", "Under utveckling", "+67"]
    assert after["Handledning och vägledning"] == ["67", "Under utveckling", "-33"]


async def test_an_identified_result_puts_its_person_in_the_weak_in_segment_count(
    workers: Workers, context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    """A known person takes the test (weak in digital security), opens the mailed link; staff
    then build "Self-assessed weak in Digital security" and see the person in its count."""
    tag = uuid.uuid4().hex[:8]
    email = f"heikko.{tag}@kirjasto.example"
    await register_person(SqlContactsUnitOfWork(engines["contacts"]), email=email)

    async def in_surveys() -> int:
        async with engines["surveys"].connect() as conn:
            found = await conn.execute(
                text("SELECT count(*) FROM contact_snapshot WHERE email = :e"), {"e": email}
            )
            return int(found.scalar_one())

    await eventually(in_surveys, lambda n: n == 1, timeout=SLOW, what="the person in surveys")
    path = await published(engines["surveys"], "identified")
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto(f"{path}?lang=fi")
    await answer_all(
        page,
        {"Digitaalinen turvallisuus": 0, "Asiointipalvelut": 3, "Laitteet ja yhteydet": 2,
         "Ohjaus ja opastus": 2, "Tietosuoja": 3},
    )  # fmt: skip
    await page.get_by_label("Sähköpostiosoitteesi").fill(email)
    await page.get_by_role("button", name="Näytä tulokseni").click()
    await page.get_by_role("heading", name="Tuloksesi", exact=True).wait_for()
    await page.goto(link_in(await mail_to(email, containing="Tuloksesi"), RESULT_LINK))

    async def weak_in_contacts() -> list[str] | None:
        async with engines["contacts"].connect() as conn:
            found = await conn.execute(
                text("SELECT weak_areas FROM contact_snapshot WHERE email = :e"), {"e": email}
            )
            return found.scalar_one_or_none()

    # The opened link publishes the result; the contacts worker puts the weak area on the
    # person's snapshot (and names the areas for the builder).
    await eventually(
        weak_in_contacts,
        lambda w: w == ["digital_security"],
        timeout=SLOW,
        what="the weak area on the snapshot",
    )

    staff_email = f"segmentoija.{tag}@digituki.fi"
    await staff_service.create_staff(
        SqlContactsUnitOfWork(engines["contacts"]),
        email=staff_email,
        name="Sanna",
        role="editor",
        password=PASSWORD,
    )
    await sign_in(page, staff_email, PASSWORD)
    await page.goto("/staff/segments/new?lang=en")
    await page.locator("#name").fill(f"Heikot digiturvassa {tag}")
    await page.locator("#n-0-field").select_option(label="Email address")
    await page.locator("#n-0-op").select_option(label="contains")
    await page.locator('#builder[data-shape^="0:email:contains"]').wait_for()
    await page.locator("#n-0-value").fill(f".{tag}@")
    await page.get_by_role("button", name="Add condition", exact=True).click()
    await page.locator("#n-1-field").select_option(label="Self-assessed weak")
    await page.locator('#builder[data-shape*="1:weak_areas:includes"]').wait_for()
    await page.locator("#n-1-value").select_option(label="Digital security")
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url("**/staff/segments/*-*")
    assert "Self-assessed weak in Digital security" in await page.inner_text("#segment-sentence")
    assert (await page.inner_text("#segment-count")).strip() == "1"
    await shot(page, "assessment-7-weak-in-segment")
    await no_violations(page, axe_source, "segment: self-assessed weak in")
