"""Accessibility of what events-mail changed (issue 16): the registration form with the
"also subscribe to the newsletter" box (fi/sv/en, ticked and with errors) and the staff page
of a confirmed partner submission with the decline reason field."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from events.catalog import service as event_catalog
from events.catalog.domain import EventDetails, Series
from events.catalog.service import Actor as EventActor
from events.registration.domain import Registrant
from events.registration.service import Links
from events.settings import EventsSettings
from events.submissions import service as submissions
from events.unit_of_work import unit_of_work as event_unit_of_work
from playwright.async_api import BrowserContext
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.journeys import sign_in
from tests.browser.test_accessibility import LANGUAGES, assert_accessible

PASSWORD = "events mail browser " + uuid.uuid4().hex[:8]


async def test_newsletter_box_and_decline_reason_have_no_wcag_21_aa_violations(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    start = datetime.now(UTC) + timedelta(days=6)
    settings = EventsSettings()
    staff = EventActor(id="browser-tests", role="editor")
    series = await event_catalog.create_series(
        event_unit_of_work(engines["events"]),
        series=Series(
            id=uuid.uuid4(),
            slug=f"dtv-{uuid.uuid4().hex[:6]}",
            name={"fi": "Digitaitoviikko 2027", "sv": "Digitaitoviikko 2027"},
        ),
        actor=staff,
    )
    links = submissions.SubmissionLinks(keys=settings.token_keys(), base_url="http://x")
    submitted = await submissions.submit_event(
        event_unit_of_work(engines["events"]),
        series_slug=series.slug,
        details=EventDetails(
            kind="digitaitoviikko",
            title={"fi": "Kumppanin työpaja"},
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            online=False,
            address="Kirjastokatu 1",
            municipality="091",
            languages=("fi",),
            organiser="Kirjasto",
        ),
        submitter=Registrant(name="Aino", email="aino@library.example", language="fi"),
        links=links,
    )
    token = links.verify_url(submitted.id).rsplit("/", 1)[1]
    await submissions.verify_submission(
        event_unit_of_work(engines["events"]), token=token, links=links
    )
    published = await event_catalog.create_event(
        event_unit_of_work(engines["events"]),
        details=EventDetails(
            kind="webinar",
            title={"fi": "Uutiskirjetyöpaja", "sv": "Workshop", "en": "Workshop"},
            starts_at=start,
            ends_at=start + timedelta(hours=1),
            online=True,
            join_url="https://meet.example.fi/a11y",
            languages=("fi", "sv", "en"),
            organiser="Digituki",
        ),
        actor=staff,
        links=Links(keys=settings.token_keys(), base_url="http://x"),
        publish=True,
    )
    page = await context.new_page()
    for lang in LANGUAGES:
        response = await page.goto(f"/events/{published.id}?lang={lang}")
        assert response is not None and response.status == 200
        assert not await page.locator("#newsletter").is_checked()  # never ticked for them
        await assert_accessible(page, axe_source, f"event-newsletter-box-{lang}")
    await page.locator("#newsletter").check()
    await page.locator("#name").fill("Aino")
    await page.evaluate("document.querySelector('main form').noValidate = true")
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_selector("#error-summary")
    assert await page.locator("#newsletter").is_checked()  # kept when the form comes back
    await assert_accessible(page, axe_source, "event-newsletter-box-errors")

    email = f"editor-{uuid.uuid4().hex[:8]}@digituki.fi"
    await staff_service.create_staff(
        SqlContactsUnitOfWork(engines["contacts"]),
        email=email,
        name="Eeva",
        role="editor",
        password=PASSWORD,
    )
    await sign_in(page, email, PASSWORD)
    response = await page.goto(f"/events/staff/events/{submitted.id}")
    assert response is not None and response.status == 200
    assert await page.locator("#decline-reason").count() == 1
    await assert_accessible(page, axe_source, "staff-event-pending-decline-reason")
