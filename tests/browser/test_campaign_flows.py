"""Issue 15 through the pages: the composer's preview as a real person from the audience, the
public archive by the editor's choice (a greeting without the name reads "Hei!"), the
Facebook-group matcher that never guesses between two people with the same name, and
unsubscribing from one purpose with the timeline saying which consent went."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contacts.onboarding.service import onboarding
from contacts.onboarding.service.onboarding import OnboardingSettings
from contacts.people.service.people import register_person, update_person
from contacts.settings import ContactsSettings
from contacts.signup.service.signup import confirm_signup
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from newsletter.campaigns.service import create_campaign
from newsletter.tables import contact_snapshot
from newsletter.unit_of_work import SqlUnitOfWork
from playwright.async_api import BrowserContext, Page
from sqlalchemy import insert, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.tokens import sign
from shared.web.staff import Staff
from tests.browser.axe import check
from tests.browser.journeys import mail_to, shot, sign_in
from tests.integration.test_contacts_signup_pages import answers, make_client
from tests.support.seeds import reseed
from tests.support.workers import Workers

pytestmark = pytest.mark.browser

PASSWORD = "campaign flows in the browser " + uuid.uuid4().hex[:8]
WAIT_MS = 60_000


def letters() -> str:
    """A tag of letters only: the matcher reads tokens with digits as join codes."""
    return "".join(chr(97 + int(c, 16)) for c in uuid.uuid4().hex[:8])


async def accessible(page: Page, axe_source: str, name: str) -> None:
    await shot(page, name)
    violations, passes = await check(page, axe_source)
    assert passes > 10 and violations == [], f"{name}:\n" + "\n".join(violations)


async def editor(context: BrowserContext, engines: dict[str, AsyncEngine], tag: str) -> Page:
    email = f"toimittaja-{tag}@digituki.fi"
    await staff_service.create_staff(
        SqlContactsUnitOfWork(engines["contacts"]),
        email=email,
        name="Tiina",
        role="editor",
        password=PASSWORD,
    )
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await sign_in(page, email, PASSWORD)
    return page


async def test_preview_as_a_person_from_the_audience_and_the_archive_by_choice(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    tag = letters()
    async with engines["newsletter"].begin() as conn:
        await conn.execute(
            insert(contact_snapshot).values(
                contact_id=uuid.uuid4(),
                version=1,
                email=f"aino.{tag}@kirjava.example",
                first_name="Aino",
                last_name="Virtanen",
                organisation_name="Kirjasto Kirjava",
                language="fi",
                subscription_state="subscribed",
                confirmed_at=datetime.now(UTC),
                newsletter_consent=True,
                email_status="ok",
            )
        )
    content = {
        "fi": {
            "subject": f"Joulukirje {tag}",
            "blocks": [
                {
                    "type": "text",
                    "text": "Hei {{ first_name }}! Tervetuloa, {{ organisation_name }}.",
                }
            ],
        }
    }
    async with SqlUnitOfWork(engines["newsletter"], b"") as uow:
        campaign_id = await create_campaign(
            uow,
            staff=Staff(id="editor-x", role="editor"),
            name=f"Joulukirje {tag}",
            content=content,
            default_language="fi",
            topics=[],
            topical=False,
            tracking=False,
            audience={"all": [{"field": "email", "op": "contains", "value": f".{tag}@"}]},
        )
    page = await editor(context, engines, tag)
    campaign_page = f"/newsletter/staff/campaigns/{campaign_id}"

    # The preview as the one person of the audience: their name and organisation filled in.
    await page.goto(f"{campaign_page}?lang=en")
    await page.get_by_role("link", name="Preview as this person").first.click()
    await page.wait_for_selector("#preview-person")
    assert "Aino Virtanen" in await page.inner_text("#preview-person")
    body = page.frame_locator("#preview iframe").first.locator("body")
    assert "Hei Aino! Tervetuloa, Kirjasto Kirjava." in await body.inner_text()
    await accessible(page, axe_source, "composer-preview-as-person")

    # Not in the archive, by the editor's choice; then shown, after it was sent.
    if "Withdraw from the archive" in await page.inner_text("#in-archive"):
        await page.get_by_role("button", name="Withdraw from the archive").click()
    await page.wait_for_selector("#in-archive:has-text('Not in the public archive')")
    await page.locator("#confirm").check()
    async with page.expect_navigation():
        await page.locator("form[action$='/send'] button[type=submit]").click()
    assert await page.locator(".error-summary").count() == 0, await page.inner_text("main")
    gone = await page.goto(f"/archive/{campaign_id}?lang=fi")
    assert gone is not None and gone.status == 404
    await page.goto(f"{campaign_page}?lang=en")
    await page.get_by_role("button", name="Show in the archive").click()
    await page.wait_for_selector("#in-archive:has-text('Shown in the public archive')")

    # The public copy has no personal field, and no space left where one was.
    await page.goto(f"/archive/{campaign_id}?lang=fi")
    copy = await page.inner_text("body")
    assert "Hei! Tervetuloa." in copy and "Aino" not in copy and "Hei !" not in copy
    await accessible(page, axe_source, "archive-copy-fi")


async def test_the_matcher_shows_two_people_with_the_same_name_and_ticks_neither(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    tag = letters()
    surname = f"Virta{tag}"
    ids = []
    for n in range(2):
        person = await register_person(
            SqlContactsUnitOfWork(engines["contacts"]), email=f"aino{n}.{tag}@kirjava.example"
        )
        await update_person(
            SqlContactsUnitOfWork(engines["contacts"]),
            person.id,
            first_name="Aino",
            last_name=surname,
        )
        await onboarding.invite(
            SqlContactsUnitOfWork(engines["contacts"]),
            person.id,
            settings=OnboardingSettings(),
            actor=None,
        )
        ids.append(str(person.id))
    page = await editor(context, engines, tag)
    await page.goto("/staff/onboarding?lang=en")
    await page.locator("#text").fill(f"Aino {surname}")
    await page.get_by_role("button", name="Match", exact=True).click()
    await page.wait_for_selector("#ambiguous")
    boxes = page.locator("#ambiguous ~ fieldset input[type=checkbox]")
    assert await boxes.count() == 2
    assert [await boxes.nth(i).is_checked() for i in range(2)] == [False, False]
    assert {await boxes.nth(i).get_attribute("value") for i in range(2)} == set(ids)
    await accessible(page, axe_source, "matcher-ambiguous-name")

    # Staff choose one (they asked for the code); only that one is approved, said per person.
    await page.locator(f"#ambiguous ~ fieldset input[value='{ids[0]}']").check()
    await page.get_by_role("button", name="Approve selected").click()
    await page.wait_for_selector("#report")
    report = await page.inner_text("#report")
    assert "Done" in report and "Changed: 1" in report
    await accessible(page, axe_source, "matcher-report")


async def test_unsubscribing_from_the_newsletter_only_says_so_on_the_timeline(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    tag = letters()
    email = f"eero.{tag}@kirjava.example"
    await reseed(engines["contacts"])  # the signup form needs its topics
    async with make_client() as client:  # signed up on /join (newsletters and surveys) ...
        sent = await client.post("/join", data=answers(email, first_name="Eero"))
        assert sent.status_code == 200, sent.text
    async with engines["contacts"].connect() as conn:
        found = (
            await conn.execute(
                text(
                    "SELECT s.id, p.id AS person FROM signups s JOIN people p"
                    " ON p.id = s.person_id WHERE p.email = :e"
                ),
                {"e": email},
            )
        ).one()
    # ... and confirmed (the mail's link is walked in test_journeys; here its use case).
    await confirm_signup(SqlContactsUnitOfWork(engines["contacts"]), signup_id=found.id)
    person_id = found.person
    token = sign(ContactsSettings().token_keys(), "unsubscribe", {"c": str(person_id)})
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto(f"/unsubscribe/{token}?lang=fi")
    await page.get_by_role("button", name="Lopeta uutiskirjeet").click()
    await page.wait_for_selector("p.notice")
    assert "Kyselykutsut tulevat edelleen" in await page.inner_text("p.notice")
    await accessible(page, axe_source, "unsubscribed-newsletter-only-fi")

    staff_page = await editor(context, engines, tag)
    await staff_page.goto(f"/staff/people/{person_id}?lang=en")
    withdrawn = staff_page.locator("ol.timeline li", has_text="Consent withdrawn")
    assert await withdrawn.count() == 1
    assert "Newsletter" in await withdrawn.inner_text()
    assert "Unsubscribe link" in await withdrawn.inner_text()


async def test_a_visit_request_in_swedish_is_acknowledged_in_swedish(
    workers: Workers, context: BrowserContext, axe_source: str
) -> None:
    visitor = f"stina.{letters()}@bibliotek.example"
    page = await context.new_page()
    page.set_default_timeout(WAIT_MS)
    await page.goto("/visit?lang=sv")
    await page.locator("#organisation").fill("Biblioteket i Borgå")
    await page.locator("#contact_name").fill("Stina Lindqvist")
    await page.locator("#email").fill(visitor)
    await page.locator("#wished_dates").fill("vecka 12")
    await page.locator("#audience_size").fill("ungefär 30")  # an approximate number is fine
    await page.locator("#message").fill("Välkomna!")
    await page.locator("form button[type=submit]").click()
    await page.wait_for_selector("p.notice")
    await accessible(page, axe_source, "visit-sent-sv")
    # The acknowledgement, through Kafka and the newsletter's one mail pipeline, in Swedish.
    mail = await mail_to(visitor, containing="Tack för inbjudan")
    assert mail["subject"].startswith("Tack för inbjudan")
