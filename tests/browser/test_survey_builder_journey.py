"""Staff build a survey inline (options per language, a condition shown in words), launch it
past the warning that some recipients' language is missing, send a test in English, and a
Swedish-speaking person answers the scale question from the mail. Screenshots of the builder,
the campaign page and the invitation in sv and en go to test-artifacts/screenshots/."""

from __future__ import annotations

import re
import uuid

import pytest
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from playwright.async_api import BrowserContext, Page
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.tables import segments

from tests.browser.axe import check
from tests.browser.conftest import screenshot_path
from tests.browser.journeys import SURVEY_LINK, link_in, mail_to, sign_in
from tests.support.surveys import add_people, person
from tests.support.workers import Workers

pytestmark = pytest.mark.browser

PASSWORD = "builder journey password " + uuid.uuid4().hex[:8]
WAIT_MS = 60_000


async def accessible(page: Page, axe_source: str, name: str) -> None:
    violations, passes = await check(page, axe_source)
    assert passes > 10, f"axe ran too few rules on {name}: {passes}"
    assert violations == [], f"{name}:\n" + "\n".join(violations)


async def shot(page: Page, name: str) -> None:
    await page.screenshot(path=screenshot_path(name), full_page=True)


async def save(page: Page, form_action_end: str) -> None:
    await page.locator(f"form[action$='{form_action_end}'] button[value=save]").click()
    await page.wait_for_load_state()


async def test_staff_build_a_survey_inline_launch_it_and_a_person_answers_the_scale(
    workers: Workers, context: BrowserContext, engines: dict[str, AsyncEngine], axe_source: str
) -> None:
    run = uuid.uuid4().hex[:8]
    staff_email = f"rakentaja-{run}@digituki.fi"
    sv_email, en_email = f"stina-{run}@bibliotek.example", f"mary-{run}@library.example"
    await staff_service.create_staff(
        SqlContactsUnitOfWork(engines["contacts"]),
        email=staff_email,
        name="Rakentaja",
        role="editor",
        password=PASSWORD,
    )
    await add_people(
        engines["surveys"],
        [
            person(email=sv_email, language="sv", first_name="Stina"),
            person(email=en_email, language="en", first_name="Mary"),
        ],
    )
    segment_name = f"Selaintesti {run}"
    async with engines["surveys"].begin() as conn:
        await conn.execute(
            insert(segments).values(
                segment_id=uuid.uuid4(),
                version=1,
                name=segment_name,
                rule={
                    "any": [
                        {"field": "email", "op": "eq", "value": sv_email},
                        {"field": "email", "op": "eq", "value": en_email},
                    ]
                },
            )
        )
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await sign_in(page, staff_email, PASSWORD)

    # A new survey starts with one unwritten question; write it inline.
    await page.goto("/surveys/staff/surveys/new")
    await page.locator("#title_fi").fill(f"Palvelukysely {run}")
    await page.locator("#title_sv").fill(f"Tjänsteenkät {run}")
    await page.locator("form[action$='/new'] button[type=submit]").click()
    await page.wait_for_url("**/edit")
    survey_url = page.url.removesuffix("/edit")
    await page.locator("#question-q1 > details > summary").click()
    await page.locator("#q-q1-text_fi").fill("Mikä on roolisi?")
    await page.locator("#q-q1-text_sv").fill("Vilken är din roll?")
    await page.locator("#q-q1-required").check()
    await save(page, "/questions/q1")

    # A single choice with its options as rows per language; a third row added by the script.
    await page.locator("details.add-question > summary").click()
    assert await page.locator("#new-0-type").input_value() == "single"
    await page.locator("#new-0-text_fi").fill("Kuinka usein käytät palvelua?")
    await page.locator("#new-0-text_sv").fill("Hur ofta använder du tjänsten?")
    for row, (fi, sv) in enumerate((("Päivittäin", "Dagligen"), ("Viikoittain", "Varje vecka"))):
        await page.locator(f"#new-0-choices-{row}-fi").fill(fi)
        await page.locator(f"#new-0-choices-{row}-sv").fill(sv)
    await page.locator("form[action$='/pages/0/questions'] .add-row").first.click()
    await page.locator("#new-0-choices-2-fi").fill("Harvoin")
    await page.locator("#new-0-choices-2-sv").fill("Sällan")
    await save(page, "/pages/0/questions")
    await page.wait_for_url("**#question-q2")

    # A scale shown only to those who use the service daily or weekly.
    await page.locator("details.add-question > summary").click()
    form = page.locator("form[action$='/pages/0/questions']")
    await page.locator("#new-0-type").select_option("scale")
    assert await form.locator(".type-fields[data-types='single multiple dropdown']").is_hidden()
    assert await page.locator("#new-0-min_label_fi").is_visible()
    await page.locator("#new-0-text_fi").fill("Kuinka tyytyväinen olet?")
    await page.locator("#new-0-text_sv").fill("Hur nöjd är du?")
    await page.locator("#new-0-min_label_sv").fill("Inte alls")
    await page.locator("#new-0-max_label_sv").fill("Mycket")
    await page.locator("#new-0-show_if_question").select_option("q2")
    answers = form.locator("fieldset[data-for-question='q2']")
    await answers.get_by_text("Päivittäin").click()
    await answers.get_by_text("Viikoittain").click()
    await save(page, "/pages/0/questions")
    await page.wait_for_url("**#question-q3")
    condition = await page.locator("#question-q3 .condition").inner_text()
    assert re.search(r"[QK]2 ”?“?Kuinka usein käytät palvelua\?", condition), condition
    assert "“Päivittäin”" in condition and "“Viikoittain”" in condition
    await page.locator("#question-q2 > details > summary").click()
    await shot(page, "survey-builder-inline")
    await accessible(page, axe_source, "survey-builder-inline")

    # The campaign: the English speaker's language is missing from the survey.
    await page.goto(f"{survey_url}/campaigns/new")
    await page.locator("#name").fill(f"Selainkampanja {run}")
    await page.get_by_label(segment_name).check()
    await page.locator("form[action$='/campaigns/new'] button[type=submit]").click()
    await page.wait_for_url(re.compile(r".*/surveys/staff/campaigns/[0-9a-f-]+$"))
    await page.locator("#language-warning-en").wait_for()
    assert "Stina" not in await page.inner_text("main")  # previews use a sample name
    await shot(page, "survey-campaign-before-launch")
    await accessible(page, axe_source, "survey-campaign-before-launch")

    await page.locator("#test_email").fill(staff_email)
    await page.locator("#test_language").select_option("en")
    await page.locator("form[action$='/test-send'] button").click()
    await page.wait_for_load_state()
    assert staff_email in await page.locator(".notice").inner_text()
    await page.locator("form[action$='/launch'] button").click()
    await page.wait_for_load_state()
    await page.locator("form[action$='/remind']").wait_for()
    await shot(page, "survey-campaign-running")
    await accessible(page, axe_source, "survey-campaign-running")

    # The invitations as mailed: Swedish by name; the English test greets plainly.
    sv_mail = await mail_to(sv_email, containing="/s/")
    assert sv_mail["text"].startswith("Hej Stina,"), sv_mail["text"][:80]
    assert re.search(r"Enkäten stänger \d{1,2}\.\d{1,2}\.20\d\d\.", sv_mail["text"])
    en_mail = await mail_to(staff_email, containing="preview")
    assert re.search(r"It closes on \d{1,2} [A-Z][a-z]+ 20\d\d\.", en_mail["text"])
    mail_page = await context.new_page()
    for lang, mail in (("sv", sv_mail), ("en", en_mail)):
        await mail_page.set_content(mail["html"])
        await shot(mail_page, f"survey-invitation-{lang}")
    await mail_page.close()

    # Stina answers: an empty submit puts focus on the error summary; the scale is a row.
    answer = await context.new_page()
    answer.set_default_timeout(WAIT_MS)
    await answer.goto(link_in(sv_mail, SURVEY_LINK))
    await answer.locator("button[value=submit]").click()
    await answer.locator("#error-summary").wait_for()
    focused = await answer.evaluate("document.activeElement && document.activeElement.id")
    assert focused == "error-summary"
    await answer.locator("#q_q1").fill("Handledare")
    await answer.get_by_label("Dagligen").check()
    points = answer.locator(".scale-points")
    direction = await points.evaluate("e => getComputedStyle(e).flexDirection")
    assert direction == "row"
    await answer.locator("label[for=q_q3_3]").click()  # the large target of point 4
    assert await answer.locator("#q_q3_3").is_checked()
    await answer.locator("#q_q3_3").press("ArrowRight")  # native radios: arrows move the choice
    assert await answer.locator("#q_q3_4").is_checked()
    await shot(answer, "survey-respondent-scale-wide")
    await answer.set_viewport_size({"width": 380, "height": 800})
    assert await points.evaluate("e => getComputedStyle(e).flexDirection") == "column"
    await shot(answer, "survey-respondent-scale-narrow")
    await answer.locator("button[value=submit]").click()
    await answer.wait_for_url("**/thanks**")
