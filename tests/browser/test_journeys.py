"""Whole journeys in headless Chromium through nginx, with the workers running: staff build a
segment and send a campaign to it, a visitor signs up and confirms, a person answers a survey.

Each journey checks the mail at the catcher (sent by the newsletter worker over SMTP) and saves
screenshots of its main steps to test-artifacts/screenshots/journey-*.png.
"""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime, timedelta

import pytest
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from playwright.async_api import BrowserContext, Page
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.axe import check
from tests.browser.journeys import (
    CONFIRM_LINK,
    SLOW,
    SURVEY_LINK,
    confirmed_subscribers,
    in_replica,
    link_in,
    mail_to,
    mails_to,
    shot,
    sign_in,
)
from tests.support.polling import eventually
from tests.support.surveys import SURVEY, surveys_client
from tests.support.workers import Workers

pytestmark = pytest.mark.browser

PASSWORD = "journey through the pages " + uuid.uuid4().hex[:8]
WAIT_MS = 60_000  # Playwright's waits for a page or selector on a loaded machine


async def assert_no_violations(page: Page, axe_source: str, name: str) -> None:
    violations, passes = await check(page, axe_source)
    assert passes > 10, f"axe ran too few rules on {name}: {passes}"
    assert violations == [], f"{name}:\n" + "\n".join(violations)


async def test_staff_build_a_segment_and_send_it_a_campaign_that_reaches_the_catcher(
    workers: Workers, context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    tag = uuid.uuid4().hex[:8]
    members = [f"jasen{n}.{tag}@kirjasto.example" for n in range(3)]
    outsider = f"ulkona.{uuid.uuid4().hex[:8]}@kirjasto.example"
    await confirmed_subscribers(engines["contacts"], [*members, outsider])
    staff_email = f"editor-{tag}@digituki.fi"
    await staff_service.create_staff(
        SqlContactsUnitOfWork(engines["contacts"]),
        email=staff_email,
        name="Elina",
        role="editor",
        password=PASSWORD,
    )
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await sign_in(page, staff_email, PASSWORD)

    # The segment editor: a rule, its live count, then saved.
    await page.goto("/staff/segments/new?lang=en")
    await page.locator("#name").fill(f"Kirjastot {tag}")
    rule = {
        "all": [
            {"field": "email", "op": "contains", "value": f".{tag}@"},
            {"field": "subscription_state", "op": "eq", "value": "subscribed"},
        ]
    }
    await page.locator("#rule-details summary").click()  # the JSON editor, for experts
    await page.locator("#rule").fill(json.dumps(rule, indent=2))
    await page.locator("#count-button").click()
    await page.locator("#preview-count").wait_for()
    assert (await page.inner_text("#preview-count")).strip() == "3"
    assert all([await page.locator("main").get_by_text(m).count() == 1 for m in members])
    await shot(page, "staff-2-segment-count")
    await assert_no_violations(page, axe_source, "segment editor")
    await page.locator("button[value=save]").click()
    await page.wait_for_url("**/staff/segments/*-*")
    segment_id = page.url.split("?")[0].rsplit("/", 1)[1]

    # The composer offers the segment once it reached newsletter's replica over Kafka.
    async def composer_offers_segment() -> int:
        await page.goto("/newsletter/staff/campaigns/new?lang=en")
        return await page.locator(f"#included-{segment_id}").count()

    await eventually(
        composer_offers_segment, lambda n: n == 1, timeout=SLOW, interval=1.0,
        what="the segment in the composer",
    )  # fmt: skip
    subject = f"Uutiskirje {tag}"
    await page.locator("#name").fill(f"Kevään kirje {tag}")
    await page.locator("#fallback-fi").check()
    await page.locator("#subject-fi").fill(subject)
    await page.locator("#included-" + segment_id).check()
    await page.locator("button[value='add:text']").click()
    text_block = page.locator("#block-0-text-fi")
    await text_block.wait_for()
    await text_block.fill("Hei! Tässä kevään uutiset kirjastoille.")
    # The form keeps what was typed across the structural button.
    assert await page.locator("#subject-fi").input_value() == subject
    assert await page.locator("#included-" + segment_id).is_checked()
    await shot(page, "staff-3-composer")
    await assert_no_violations(page, axe_source, "composer")
    await page.locator("button[value=save]").click()
    await page.wait_for_url("**/newsletter/staff/campaigns/*-*")
    campaign_page = page.url.split("?")[0]

    # Everyone in the segment is in newsletter's replica before the send fixes the audience.
    await in_replica(engines["newsletter"], members, "newsletter_consent")
    await page.locator("#confirm").check()
    await shot(page, "staff-4-campaign-ready")
    async with page.expect_navigation():
        await page.locator("form[action$='/send'] button[type=submit]").click()
    assert page.url.split("?")[0] == campaign_page
    assert await page.locator(".error-summary").count() == 0, await page.inner_text("main")

    mails = [await mail_to(m, containing=subject) for m in members]
    assert all(m["subject"] == subject for m in mails)
    assert "kevään uutiset kirjastoille" in (mails[0]["text"] or "")

    async def status() -> str:
        await page.goto(campaign_page + "?lang=en")
        return (await page.inner_text("#status")).strip()

    await eventually(status, lambda s: s == "sent", timeout=SLOW, interval=1.0, what="sent")
    await shot(page, "staff-5-campaign-sent")
    # The outsider got only the confirmation request, never the segment's campaign.
    assert not [m for m in await mails_to(outsider) if m["subject"] == subject]


async def test_visitor_signs_up_in_finnish_and_confirms_from_the_mail(
    workers: Workers, context: BrowserContext
) -> None:
    email = f"aino.{uuid.uuid4().hex[:8]}@kirjasto.example"
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto("/join?lang=fi")
    assert await page.get_attribute("html", "lang") == "fi"
    # Mouse into the first field, then the keyboard from field to field.
    await page.get_by_label("Sähköpostiosoite").click()
    await page.keyboard.type(email)
    await page.keyboard.press("Tab")
    await page.keyboard.type("Aino")
    await page.keyboard.press("Tab")
    await page.keyboard.type("Virtanen")
    await page.keyboard.press("Tab")
    await page.keyboard.type("Kirjasto Testilä")
    await page.get_by_label("Organisaation tyyppi").select_option("library")
    await page.get_by_label("Kunta", exact=True).select_option("179")
    await page.locator("#consent").focus()
    await page.keyboard.press("Space")
    await page.locator("#surveys").click()
    assert await page.locator("#consent").is_checked()
    await shot(page, "public-1-join-filled-fi")
    await page.get_by_role("button", name="Tilaa").focus()
    async with page.expect_navigation():
        await page.keyboard.press("Enter")
    assert await page.locator("#error-summary").count() == 0, await page.inner_text("main")
    await page.locator("main [role=status]").wait_for()  # "check your inbox"
    await shot(page, "public-2-join-sent-fi")

    mail = await mail_to(email, containing="/join/confirm/")
    await page.goto(link_in(mail, CONFIRM_LINK))
    await shot(page, "public-3-confirm-fi")
    await page.get_by_role("button", name="Vahvista tilaus").click()
    await page.get_by_role("heading", name="Tilaus vahvistettu").wait_for()
    assert "Kiitos" in await page.inner_text("main")
    await shot(page, "public-4-confirmed-fi")


async def test_invited_person_answers_the_survey_from_the_mail_and_sees_the_thanks(
    workers: Workers, context: BrowserContext, engines: dict[str, AsyncEngine]
) -> None:
    email = f"vastaaja.{uuid.uuid4().hex[:8]}@kirjasto.example"
    await confirmed_subscribers(engines["contacts"], [email])
    await in_replica(engines["surveys"], [email], "survey_consent")
    title = f"Tukitarpeet {uuid.uuid4().hex[:6]}"
    survey = SURVEY | {"title": {"fi": title, "sv": title, "en": title}}
    now = datetime.now(UTC)
    async with surveys_client() as api:
        created = await api.post("/api/surveys/surveys", json={"definition": survey})
        assert created.status_code == 201, created.text
        made = await api.post(
            "/api/surveys/campaigns",
            json={
                "survey_id": created.json()["id"],
                "name": "Selaintesti",
                "mode": "identified",
                "opens_at": (now - timedelta(hours=1)).isoformat(),
                "closes_at": (now + timedelta(days=7)).isoformat(),
                "audience": {"field": "email", "op": "eq", "value": email},
                "max_reminders": 0,
                "reminder_interval_days": 1,
            },
        )
        assert made.status_code == 201, made.text
        launched = await api.post(f"/api/surveys/campaigns/{made.json()['id']}/launch")
        assert launched.status_code == 200, launched.text
        assert launched.json()["invited"] == 1

    mail = await mail_to(email, containing="/s/")
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto(link_in(mail, SURVEY_LINK) + "?lang=fi")
    await page.get_by_role("heading", name=title).wait_for()
    await page.get_by_label("Kyllä").check()
    await shot(page, "respondent-1-first-page")
    await page.locator("button[value=next]").click()
    await page.locator("#q_recommend_9").wait_for()
    # "Why not?" is only for those who answered no.
    assert await page.locator("#q_why_not").count() == 0
    await page.locator("#q_recommend_9").check()
    await shot(page, "respondent-2-second-page")
    await page.locator("button[value=submit]").click()
    await page.wait_for_url("**/thanks**")
    assert "Kiitos!" in await page.inner_text("main")
    assert title in await page.inner_text("main")
    await shot(page, "respondent-3-thanks")
