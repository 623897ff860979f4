"""axe-core finds no WCAG 2.1 A/AA violation on any public page, nor on the staff home page.

The public pages are found from the three apps' routes (every GET page without path
parameters), plus the pages behind signed links, so a page added later is checked too.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from functools import cache

import pytest
from contacts.app import create_app as create_contacts_app
from contacts.jobs.service import jobs
from contacts.settings import ContactsSettings
from contacts.staff.service import sign_in as staff_service
from events.app import create_app as create_events_app
from events.catalog import service as event_catalog
from events.catalog.domain import EventDetails, Series
from events.catalog.service import Actor as EventActor
from events.registration import service as event_registration
from events.settings import EventsSettings
from events.unit_of_work import unit_of_work as event_unit_of_work
from fastapi.routing import APIRoute, iter_route_contexts
from newsletter.app import create_app as create_newsletter_app
from newsletter.settings import NewsletterSettings
from playwright.async_api import BrowserContext, Page
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.app import create_app as create_surveys_app
from surveys.builder import service as builder
from surveys.builder.service import Actor
from surveys.campaigns import service as campaigns
from surveys.open_link import service as open_link
from surveys.settings import SurveysSettings
from surveys.unit_of_work import unit_of_work

from shared.tokens import sign
from tests.browser.axe import check
from tests.browser.conftest import screenshot_path
from tests.support.surveys import SURVEY

pytestmark = pytest.mark.browser

LANGUAGES = ("fi", "sv", "en")
NOT_PUBLIC = (
    "/api/",
    "/staff",
    "/newsletter/staff",
    "/surveys/staff",
    "/events/staff",
    "/auth/",
    "/_",
)
# The calendar feed is a download (text/calendar), not a page.
NOT_PAGES = {"/healthz", "/readyz", "/metrics", "/logout", "/events/feed.ics"}


@cache
def public_paths() -> list[str]:
    """Every public GET route without path parameters, in any of the three services."""
    apps = [
        create_contacts_app(ContactsSettings.model_construct()),
        create_newsletter_app(NewsletterSettings.model_construct()),
        create_surveys_app(SurveysSettings.model_construct()),
        create_events_app(EventsSettings.model_construct()),
    ]
    paths = set()
    for app in apps:
        for route in iter_route_contexts(app.routes):
            path = route.path or ""
            if (
                isinstance(route.original_route, APIRoute)
                and "GET" in (route.methods or set())
                and "{" not in path
                and not path.startswith(NOT_PUBLIC)
                and path not in NOT_PAGES
            ):
                paths.add(path)
    return sorted(paths)


def signed_link_pages() -> dict[str, str]:
    """Pages behind signed links whose GET checks only the signature, and bad-link pages."""
    keys = ContactsSettings().token_keys()
    someone = str(uuid.uuid4())
    return {
        "confirm": f"/join/confirm/{sign(keys, 'confirm', {'s': someone})}",
        "unsubscribe": f"/unsubscribe/{sign(keys, 'unsubscribe', {'c': someone})}",
        "preferences-bad-link": "/preferences/k1.damaged",
        "survey-bad-link": "/s/k1.damaged",
        "event-cancel-bad-link": "/events/cancel/k1.damaged",
    }


def test_the_public_pages_include_the_signup_sign_in_and_legal_pages() -> None:
    assert {"/join", "/login", "/accessibility", "/privacy", "/visit", "/events"} <= set(
        public_paths()
    )


async def assert_accessible(page: Page, axe_source: str, name: str) -> None:
    await page.screenshot(path=screenshot_path(name), full_page=True)
    violations, passes = await check(page, axe_source)
    assert passes > 10, f"axe ran too few rules on {name}: {passes}"
    assert violations == [], f"{name}:\n" + "\n".join(violations)


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_public_pages_have_no_wcag_21_aa_violations(
    page: Page, axe_source: str, lang: str
) -> None:
    checked = []
    failures = []
    pages = {path.strip("/"): path for path in public_paths()} | signed_link_pages()
    for name, path in pages.items():
        response = await page.goto(f"{path}?lang={lang}")
        assert response is not None
        if "text/html" not in response.headers.get("content-type", ""):
            continue  # feeds and the like: no page to check
        assert await page.get_attribute("html", "lang") in (lang, "fi", "en"), path
        try:
            await assert_accessible(page, axe_source, f"{name}-{lang}")
        except AssertionError as error:
            failures.append(str(error))
        checked.append(path)
    assert failures == [], "\n\n".join(failures)
    assert len(checked) >= 8, checked


async def test_signup_errors_page_has_no_wcag_21_aa_violations(page: Page, axe_source: str) -> None:
    await page.goto("/join?lang=sv")
    await page.get_by_role("button", name="Prenumerera").click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "join-errors-sv")


async def test_visit_request_errors_page_has_no_wcag_21_aa_violations(
    page: Page, axe_source: str
) -> None:
    await page.goto("/visit?lang=fi")
    await page.get_by_role("button", name="Lähetä kutsu").click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "visit-errors-fi")


STAFF_PASSWORD = "browser tests sign in " + uuid.uuid4().hex[:8]


async def test_staff_home_has_no_wcag_21_aa_violations(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    email = f"viewer-{uuid.uuid4().hex[:8]}@digituki.fi"
    await staff_service.create_staff(
        engines["contacts"], email=email, name="Ville", role="viewer", password=STAFF_PASSWORD
    )
    page = await context.new_page()
    await page.goto("/staff/?lang=en")
    assert page.url.split("?")[0].endswith("/login"), "an anonymous visitor must sign in first"
    await assert_accessible(page, axe_source, "login-redirected-en")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/staff/**")
    assert email in await page.inner_text("header")  # signed in as this staff member
    assert "Join funnel" in await page.inner_text("main")  # the dashboard with its charts
    await assert_accessible(page, axe_source, "staff-home-en")


async def test_the_axe_check_reports_a_known_violation(page: Page, axe_source: str) -> None:
    """The harness can fail: an image without alt text and an unlabeled field are caught."""
    await page.set_content(
        '<html lang="en"><title>t</title><main><img src="x.png"><input></main></html>'
    )
    violations, _ = await check(page, axe_source)
    found = {line.split(" ", 1)[0] for line in violations}
    assert {"image-alt", "label"} <= found, violations


async def test_survey_builder_pages_have_no_wcag_21_aa_violations(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    email = f"editor-{uuid.uuid4().hex[:8]}@digituki.fi"
    await staff_service.create_staff(
        engines["contacts"], email=email, name="Eeva", role="editor", password=STAFF_PASSWORD
    )
    page = await context.new_page()
    await page.goto("/login?lang=en")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/staff/**")
    await page.goto("/surveys/staff/surveys/new")
    await assert_accessible(page, axe_source, "survey-builder-new")
    await page.locator("#title_fi").fill("Saavutettavuuskysely")
    await page.locator("form[action$='/new'] button[type=submit]").click()
    await page.wait_for_url("**/edit")
    await assert_accessible(page, axe_source, "survey-builder-edit")
    await page.locator("li[id^=question-] a").first.click()
    await page.wait_for_url("**/questions/**")
    await assert_accessible(page, axe_source, "survey-builder-question")


async def test_survey_open_link_page_has_no_wcag_21_aa_violations(
    page: Page, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    """The public anonymous link (its first visit creates the browser's slot and cookie)."""
    uow, staff = unit_of_work(engines["surveys"]), Actor(id="browser-tests", role="editor")
    survey = await builder.create_survey(uow, definition=SURVEY, actor=staff)
    now = datetime.now(UTC)
    campaign = await campaigns.create_campaign(
        uow,
        survey_id=uuid.UUID(str(survey["id"])),
        name="Avoin linkki",
        mode="anonymous",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
        audience={"any": []},
        open_link=True,
        actor=staff,
    )
    keys = SurveysSettings().token_keys()
    await campaigns.launch_campaign(
        uow, campaign.id, links=campaigns.Links(keys, "http://x"), actor=staff
    )
    token = open_link.make_token(keys, campaign.id)
    for lang in LANGUAGES:
        response = await page.goto(f"/s/open/{token}?lang={lang}")
        assert response is not None and response.status == 200
        await assert_accessible(page, axe_source, f"survey-open-link-{lang}")
    await page.get_by_role("button").first.click()  # nothing chosen: the error summary
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "survey-open-link-errors")


async def test_staff_import_pages_have_no_wcag_21_aa_violations(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    email = f"importer-{uuid.uuid4().hex[:8]}@digituki.fi"
    await staff_service.create_staff(
        engines["contacts"], email=email, name="Iida", role="editor", password=STAFF_PASSWORD
    )
    page = await context.new_page()
    await page.goto("/login?lang=en")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/staff/**")
    await page.goto("/staff/imports?lang=en")
    await assert_accessible(page, axe_source, "staff-import-upload-en")
    await page.get_by_role("button", name="Upload and continue").click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "staff-import-upload-errors-en")
    csv = "Sähköposti;Etunimi;Kunta\nei-osoite;Bad;091\naxe@example.fi;Axe;091\n".encode()
    await page.set_input_files(
        "#file", {"name": "people.csv", "mimeType": "text/csv", "buffer": csv}
    )
    await page.get_by_role("button", name="Upload and continue").click()
    await page.wait_for_selector("#preview")
    await assert_accessible(page, axe_source, "staff-import-mapping-en")
    await page.get_by_role("button", name="Check (dry run)").click()
    await page.wait_for_selector("#report")
    await assert_accessible(page, axe_source, "staff-import-report-en")
    # The finished job's result: its rejected rows and their downloads (run here, unless a
    # worker took the job first).
    await page.get_by_role("button", name="Start the import").click()
    await page.wait_for_url("**/staff/jobs/**")
    await jobs.run_next(engines["contacts"], jobs.JobSettings())
    await page.goto(page.url.split("?")[0] + "?lang=en")
    await page.wait_for_selector("#rejected")
    await assert_accessible(page, axe_source, "staff-import-result-en")


async def test_staff_organisation_and_topic_editors_have_no_wcag_21_aa_violations(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    """The organisation and topic pages an editor uses: lists, forms, their errors, the
    confirmation before archiving."""
    email = f"organiser-{uuid.uuid4().hex[:8]}@digituki.fi"
    await staff_service.create_staff(
        engines["contacts"], email=email, name="Olli", role="editor", password=STAFF_PASSWORD
    )
    page = await context.new_page()
    await page.goto("/login?lang=en")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/staff/**")
    await page.goto("/staff/organisations/new?lang=fi")
    await assert_accessible(page, axe_source, "staff-organisation-new-fi")
    await page.locator("#business_id").fill("1234567-2")
    await page.locator("form[action$='/new'] button[type=submit]").click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "staff-organisation-new-errors")
    name = f"Saavutettava kirjasto {uuid.uuid4().hex[:6]}"
    await page.locator("#name").fill(name)
    await page.locator("#business_id").fill("")
    await page.locator("#municipality_code").select_option("091")
    await page.locator("#support_forms-general_support").check()
    await page.locator("#funding-okm").check()
    await page.locator("form[action$='/new'] button[type=submit]").click()
    await page.wait_for_selector("#saved")
    await assert_accessible(page, axe_source, "staff-organisation-page")
    organisation = page.url.split("?")[0]
    await page.goto(f"{organisation}/edit?lang=en")
    await assert_accessible(page, axe_source, "staff-organisation-edit-en")
    await page.goto(f"{organisation}/archive?lang=fi")
    await assert_accessible(page, axe_source, "staff-organisation-archive-fi")
    await page.locator("form[action$='/archive'] button[type=submit]").click()
    await page.wait_for_selector("#archived-note")
    await page.goto("/staff/organisations?archived=all&lang=fi")
    assert name in await page.inner_text("main")
    await assert_accessible(page, axe_source, "staff-organisations-fi")
    await page.goto("/staff/topics?lang=fi")
    await assert_accessible(page, axe_source, "staff-topics-fi")
    await page.goto("/staff/topics/new?lang=en")
    await assert_accessible(page, axe_source, "staff-topic-new-en")
    await page.locator("#position").fill("many")
    await page.locator("form[action$='/new'] button[type=submit]").click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "staff-topic-new-errors")
    await page.goto("/staff/topics/webinaarit/edit?lang=fi")
    await assert_accessible(page, axe_source, "staff-topic-edit-fi")
    await page.goto("/staff/topics/webinaarit/archive?lang=fi")
    await assert_accessible(page, axe_source, "staff-topic-archive-fi")


async def test_event_pages_have_no_wcag_21_aa_violations(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    """The public event page (with its registration form and errors), the message after
    registering, the cancel page, and the staff event pages."""
    start = datetime.now(UTC) + timedelta(days=5)
    settings = EventsSettings()
    links = event_registration.Links(keys=settings.token_keys(), base_url="http://x")
    staff = EventActor(id="browser-tests", role="editor")
    series = await event_catalog.create_series(
        event_unit_of_work(engines["events"]),
        series=Series(
            id=uuid.uuid4(),
            slug=f"digitaitoviikko-{uuid.uuid4().hex[:6]}",
            name={"fi": "Digitaitoviikko 2027", "sv": "Digitaitoviikko 2027"},
        ),
        actor=staff,
    )
    event = await event_catalog.create_event(
        event_unit_of_work(engines["events"]),
        details=EventDetails(
            kind="workshop",
            title={"fi": "Saavutettava työpaja", "sv": "Tillgänglig workshop"},
            description={"fi": "Kuvaus"},
            starts_at=start,
            ends_at=start + timedelta(hours=2),
            online=False,
            address="Kirjastokatu 1",
            municipality="091",
            capacity=1,
            languages=("fi", "sv"),
            topics=("Tietoturva",),
            organiser="Digituki",
            series_id=series.id,
        ),
        actor=staff,
        links=links,
        publish=True,
    )
    page = await context.new_page()
    for lang in LANGUAGES:
        response = await page.goto(f"/events/{event.id}?lang={lang}")
        assert response is not None and response.status == 200
        await assert_accessible(page, axe_source, f"event-{lang}")
    await page.goto(f"/events/series/{series.slug}?lang=sv")
    await assert_accessible(page, axe_source, "event-series-sv")
    for lang in LANGUAGES:
        await page.goto(f"/events/series/{series.slug}/submit?lang={lang}")
        await assert_accessible(page, axe_source, f"event-submit-{lang}")
    await page.evaluate("document.querySelector('main form').noValidate = true")
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "event-submit-errors-en")
    await page.goto("/events?lang=fi&kind=workshop&municipality=091")
    await assert_accessible(page, axe_source, "events-filtered-fi")
    await page.goto(f"/events/{event.id}?lang=fi")
    await page.locator("#name").fill("Aino")
    await page.locator("#email").fill(f"aino-{uuid.uuid4().hex[:6]}@example.fi")
    await page.evaluate("document.querySelector('form').noValidate = true")
    await page.locator("form button[type=submit]").click()
    await page.wait_for_selector("#error-summary")  # no consent
    await assert_accessible(page, axe_source, "event-register-errors-fi")
    await page.locator("#consent").check()
    await page.locator("form button[type=submit]").click()
    await page.wait_for_selector("h1")
    await assert_accessible(page, axe_source, "event-registered-fi")
    registrant = (
        await event_registration.registrations_of(event_unit_of_work(engines["events"]), event.id)
    )[0]
    cancel = links.cancel(registrant.id).removeprefix("http://x")
    await page.goto(f"{cancel}?lang=sv")
    await assert_accessible(page, axe_source, "event-cancel-sv")

    email = f"editor-{uuid.uuid4().hex[:8]}@digituki.fi"
    await staff_service.create_staff(
        engines["contacts"], email=email, name="Eeva", role="editor", password=STAFF_PASSWORD
    )
    await page.goto("/login?lang=en")
    await page.get_by_label("Email address").fill(email)
    await page.get_by_label("Password").fill(STAFF_PASSWORD)
    await page.get_by_role("button", name="Sign in").click()
    await page.wait_for_url("**/staff/**")
    for name, path in (
        ("staff-events", "/events/staff/events"),
        ("staff-event", f"/events/staff/events/{event.id}"),
        ("staff-event-edit", f"/events/staff/events/{event.id}/edit"),
        ("staff-event-new", "/events/staff/events/new"),
        ("staff-series", "/events/staff/series"),
        ("staff-attendance", f"/events/staff/events/{event.id}/attendance"),
        ("staff-series-overview", f"/events/staff/series/{series.slug}"),
    ):
        response = await page.goto(path)
        assert response is not None and response.status == 200, path
        await assert_accessible(page, axe_source, name)
    await page.goto(f"/events/staff/events/{event.id}/attendance")
    await page.locator("input[name=attended]").first.check()
    await page.get_by_role("button", name="Save attendance").click()
    await page.wait_for_selector("[role=status]")
    await assert_accessible(page, axe_source, "staff-attendance-saved")
    await page.get_by_role("button", name="Import", exact=True).click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "staff-attendance-errors")
    await page.goto("/events/staff/events/new")
    await page.locator("#title_fi").fill("")
    await page.locator("main form button[type=submit]").click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "staff-event-new-errors")
