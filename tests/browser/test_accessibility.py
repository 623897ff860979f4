"""axe-core finds no WCAG 2.1 A/AA violation on any public page, nor on the staff home page,
the survey builder or the segment pages.

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
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.participation import service as participation
from contacts.settings import ContactsSettings
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from events.app import create_app as create_events_app
from events.catalog import service as event_catalog
from events.catalog.domain import EventDetails, Series
from events.catalog.service import Actor as EventActor
from events.feedback import repository as feedback_replica
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

from shared.events.events import EventPublishedV1, RegistrationChangedV1
from shared.tokens import sign
from tests.browser.axe import check
from tests.browser.conftest import (
    EVERY_SCREENSHOT,
    STAFF_PASSWORD,
    StaffSignIn,
    screenshot_path,
)
from tests.support.surveys import SURVEY
from tests.support.units import units

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
    violations, passes = await check(page, axe_source)
    # A full-page screenshot costs Chromium four times what axe does: the failing pages get
    # one (what a reader of the failure needs), every page only with TEST_SCREENSHOTS=all.
    if violations or passes <= 10 or EVERY_SCREENSHOT:
        await page.screenshot(path=screenshot_path(name), full_page=True)
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


async def test_staff_home_has_no_wcag_21_aa_violations(
    context: BrowserContext, axe_source: str, engines: dict[str, AsyncEngine]
) -> None:
    email = f"viewer-{uuid.uuid4().hex[:8]}@digituki.fi"
    await staff_service.create_staff(
        SqlContactsUnitOfWork(engines["contacts"]),
        email=email,
        name="Ville",
        role="viewer",
        password=STAFF_PASSWORD,
    )
    async with engines["contacts"].begin() as conn:  # the dashboard's event tables have rows
        event_id, start = uuid.uuid4(), datetime.now(UTC) - timedelta(days=2)
        await participation.apply_event(
            JoinedContactsUnitOfWork(conn),
            EventPublishedV1(
                event_id=event_id,
                version=1,
                state="published",
                kind="webinar",
                title={"fi": "Saavutettava webinaari"},
                starts_at=start,
                ends_at=start + timedelta(hours=1),
                online=False,
                region="01",
            ),
        )
        await participation.apply_registration(
            JoinedContactsUnitOfWork(conn),
            RegistrationChangedV1(
                registration_id=uuid.uuid4(),
                event_id=event_id,
                change="registered",
                occurred_at=start - timedelta(days=1),
            ),
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
    assert "Events and registrations by the event's region" in await page.inner_text("main")
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
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    page = await context.new_page()
    await staff_sign_in(page, who="editor", name="Eeva")
    await page.goto("/surveys/staff/surveys/new")
    await assert_accessible(page, axe_source, "survey-builder-new")
    await page.locator("#title_fi").fill("Saavutettavuuskysely")
    await page.locator("form[action$='/new'] button[type=submit]").click()
    await page.wait_for_url("**/edit")
    await assert_accessible(page, axe_source, "survey-builder-edit")
    await page.locator("li[id^=question-] > details > summary").first.click()  # the inline form
    await page.locator("details.add-question > summary").first.click()
    await page.locator("#new-0-type").select_option("matrix")  # rows and labels show
    await assert_accessible(page, axe_source, "survey-builder-question")
    await page.goto(page.url.removesuffix("/edit") + "/questions/q1")  # the no-JS link
    await assert_accessible(page, axe_source, "survey-builder-question-link")
    # A question sent back with an error: the summary first, the form open.
    for lang in LANGUAGES:
        await page.locator(f"#q-q1-text_{lang}").fill("")
    await page.locator("form[action$='/questions/q1'] button[value=save]").click()
    await page.locator("#error-summary").wait_for()
    await assert_accessible(page, axe_source, "survey-builder-question-error")


async def test_survey_campaign_pages_before_and_after_launch_have_no_wcag_21_aa_violations(
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    """Launch checks, invitation previews and texts, test send; then the running campaign's
    reminder, close, closing time and schedule forms."""
    uow, staff = unit_of_work(engines["surveys"]), Actor(id="browser-tests", role="editor")
    survey = await builder.create_survey(uow, definition=SURVEY, actor=staff)
    now = datetime.now(UTC)
    campaign = await campaigns.create_campaign(
        uow,
        survey_id=uuid.UUID(str(survey["id"])),
        name="Saavutettava kampanja",
        mode="identified",
        opens_at=now - timedelta(hours=1),
        closes_at=now + timedelta(days=7),
        audience={"any": []},
        actor=staff,
    )
    page = await context.new_page()
    await staff_sign_in(page, who="editor", name="Eeva")
    await page.goto(f"/surveys/staff/campaigns/{campaign.id}")
    await page.locator("#invitation-texts summary").click()
    await assert_accessible(page, axe_source, "survey-campaign-before-launch")
    await page.locator("#test_email").fill("not an address")
    # The server's check, not the browser's: the form is sent as it is.
    await page.locator("form[action$='/test-send']").evaluate("f => { f.noValidate = true; }")
    await page.locator("form[action$='/test-send'] button").click()
    await page.locator("#error-summary").wait_for()
    await assert_accessible(page, axe_source, "survey-campaign-test-send-error")
    await page.locator("form[action$='/launch'] button").click()
    await page.locator("form[action$='/remind']").wait_for()
    await assert_accessible(page, axe_source, "survey-campaign-running")


async def test_segment_pages_have_no_wcag_21_aa_violations(
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    """The segment builder (blank, with a group and a problem, counted), a saved segment and
    the list."""
    page = await context.new_page()
    await staff_sign_in(page, who="editor", name="Saara")
    await page.goto("/staff/segments/new?lang=en")
    await assert_accessible(page, axe_source, "segment-builder-new")
    await page.get_by_role("button", name="Add group").click()
    await page.locator("#n-1-0-field").wait_for()
    await page.locator("#count-button").click()  # unfinished conditions: the problems shown
    await page.locator("#error-summary").wait_for()
    await assert_accessible(page, axe_source, "segment-builder-problems")
    await page.get_by_role("button", name="Remove group 2").click()
    await page.locator("#n-0-field").select_option(label="Topics")
    await page.locator("#n-0-op").select_option(label="includes any of")
    await page.locator('#builder[data-shape^="0:topics:includes_any"]').wait_for()
    await page.locator("#n-0-value").select_option(index=0)
    await page.locator("#name").fill(f"Saavutettavuus {uuid.uuid4().hex[:8]}")
    await page.locator("#count-button").click()
    await page.locator("#preview-count").wait_for()
    await assert_accessible(page, axe_source, "segment-builder-counted")
    await page.get_by_role("button", name="Save").click()
    await page.wait_for_url("**/staff/segments/*-*")
    await page.locator("#segment-count").wait_for()
    await assert_accessible(page, axe_source, "segment-page")
    await page.goto("/staff/segments?lang=en")
    await assert_accessible(page, axe_source, "segment-list")


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
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    page = await context.new_page()
    await staff_sign_in(page, who="importer", name="Iida")
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
    await jobs.run_next(units(engines["contacts"]), jobs.JobSettings())
    await page.goto(page.url.split("?")[0] + "?lang=en")
    await page.wait_for_selector("#rejected")
    await assert_accessible(page, axe_source, "staff-import-result-en")


async def test_staff_organisation_and_topic_editors_have_no_wcag_21_aa_violations(
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    """The organisation and topic pages an editor uses: lists, forms, their errors, the
    confirmation before archiving."""
    page = await context.new_page()
    await staff_sign_in(page, who="organiser", name="Olli")
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
    await page.goto(f"/staff/organisations?archived=all&q={name}&lang=fi")
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


async def test_staff_people_pages_have_no_wcag_21_aa_violations(
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    """The new-person form (empty, with errors), a person's page with membership steps on
    its timeline and a refused step, the edit form and the erase confirmation."""
    from contacts.memberships.service import change_membership
    from contacts.unit_of_work import SqlContactsUnitOfWork

    page = await context.new_page()
    await staff_sign_in(page, who="people", name="Pekka")
    await page.goto("/staff/people?lang=en")
    await assert_accessible(page, axe_source, "staff-people-en")
    await page.goto("/staff/people/new?lang=en")
    await assert_accessible(page, axe_source, "staff-person-new-en")
    await page.fill("#phone", "040 12ab")
    await page.get_by_role("button", name="Add the person").click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "staff-person-new-errors-en")
    await page.fill("#first_name", "Axe")
    await page.fill("#last_name", "Tarkastaja")
    await page.fill("#email", f"axe-{uuid.uuid4().hex[:8]}@example.fi")
    await page.fill("#phone", "040 123 4567")
    await page.fill("#tags", "puhuja")
    await page.get_by_role("button", name="Add the person").click()
    await page.wait_for_url("**/staff/people/*?done=created*")
    person_id = uuid.UUID(page.url.split("/staff/people/")[1].split("?")[0])
    await change_membership(
        SqlContactsUnitOfWork(engines["contacts"]), person_id, action="apply", actor=None
    )
    await page.goto(f"/staff/people/{person_id}?lang=en")
    await page.get_by_role("button", name="Approve").click()  # no reason: refused, shown
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "staff-person-reason-error-en")
    await page.fill("#reason", "Meets the criteria")
    await page.get_by_role("button", name="Approve").click()
    await page.wait_for_selector(".transition")
    await assert_accessible(page, axe_source, "staff-person-timeline-en")
    await page.goto(f"/staff/people/{person_id}?lang=fi")
    await assert_accessible(page, axe_source, "staff-person-fi")
    await page.goto(f"/staff/people/{person_id}/edit?lang=en")
    await assert_accessible(page, axe_source, "staff-person-edit-en")
    await page.goto(f"/staff/people/{person_id}/erase?lang=en")
    await assert_accessible(page, axe_source, "staff-person-erase-en")


def test_the_public_pages_include_the_front_page_and_the_contact_form() -> None:
    assert {"/", "/contact"} <= set(public_paths())


async def test_contact_form_errors_and_the_404_page_have_no_wcag_21_aa_violations(
    page: Page, axe_source: str
) -> None:
    await page.goto("/contact?lang=sv")
    await page.get_by_role("button", name="Skicka meddelandet").click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "contact-errors-sv")
    missing = await page.goto("/nothing-here?lang=fi")
    assert missing is not None and missing.status == 404
    await assert_accessible(page, axe_source, "not-found-fi")


async def test_staff_enquiry_pages_have_no_wcag_21_aa_violations(
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    page = await context.new_page()
    await page.goto("/?lang=fi")
    await page.get_by_label("Nimesi").fill("Axe Kysyjä")
    await page.get_by_label("Sähköpostiosoite").fill(f"kysyja-{uuid.uuid4().hex[:6]}@example.fi")
    await page.get_by_label("Kysymys").check()
    await page.locator("#message").fill("Miten liityn verkostoon?")
    await page.locator("#consent").check()
    await page.get_by_role("button", name="Lähetä viesti").click()
    await page.wait_for_selector("text=Kiitos viestistäsi")
    await staff_sign_in(page, who="answerer", name="Vilja")
    await page.goto("/staff/enquiries?lang=en")
    await assert_accessible(page, axe_source, "staff-enquiries-en")
    await page.locator("table a").first.click()  # the newest enquiry
    await page.wait_for_selector("#reply")
    await assert_accessible(page, axe_source, "staff-enquiry-en")
    await page.locator("form[action$='/reply'] button").click()  # empty: the error
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "staff-enquiry-errors-en")


async def test_composer_tools_have_no_wcag_21_aa_violations(
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    """The composer with an event card (date and time in Helsinki) and the topic list, a
    block moved by its script, and a test mail's preference link in every language."""
    page = await context.new_page()
    await staff_sign_in(page, who="composer", name="Kaisa")
    await page.goto("/newsletter/staff/campaigns/new?lang=fi")
    await page.locator("button[value='add:text']").click()
    await page.locator("#block-0-text-fi").wait_for()
    await page.locator("button[value='add:event']").click()
    await page.locator("#block-1-date").wait_for()
    assert await page.get_attribute("#block-1-date", "type") == "datetime-local"
    # The block type's name in the page's language (composer/form.py BLOCK_NAMES), not its key.
    assert await page.inner_text("#block-1 legend") == "2. Tapahtumakortti"
    await page.locator("#block-1 button[data-verb='up']").click()
    await page.wait_for_function(
        "() => document.getElementById('blocks-status').textContent !== ''"
    )
    await assert_accessible(page, axe_source, "staff-composer-event-fi")
    for lang in LANGUAGES:
        await page.goto(f"/newsletter/test-link?kind=preferences&lang={lang}")
        await assert_accessible(page, axe_source, f"newsletter-test-link-preferences-{lang}")


async def test_impact_pages_have_no_wcag_21_aa_violations(
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    """The impact chain (four stages, charts and their tables, lagging regions), its targets
    form and errors, and the printable report; a year of figures is stored first."""
    from contacts.impact.domain import Figure
    from contacts.impact.repository import store_month

    year = datetime.now(UTC).year - 1
    async with engines["contacts"].begin() as conn:
        for month in range(1, 13):
            figures = {
                ("campaigns_sent", ""): Figure.count(month % 4 + 1),
                ("newsletter_reach", ""): Figure.count(100 + 10 * month),
                ("newsletter_reach", "year_to_date"): Figure.count(150 + 20 * month),
                ("open_rate", ""): Figure.share(40 + month, 100),
                ("coverage", ""): Figure.share(20 + month, 308),
                ("coverage", "region:19"): Figure.share(1, 21),
                ("coverage", "type:ngo"): Figure.share(2, 308),
                ("self_assessment_score", ""): Figure.share(300 + month, 600),
                ("self_assessment_score", "area:digital_security"): Figure.share(35, 100),
                ("self_assessment_change", ""): Figure(0.05, None, 6),
            }
            await store_month(
                conn,
                datetime(year, month, 1).date(),
                figures,
                indicators=[k for k, _ in figures],
                at=datetime.now(UTC),
            )
    page = await context.new_page()
    await staff_sign_in(page, who="impact", name="Veera")
    await page.goto(f"/staff/impact/targets?year={year}&lang=fi")
    await assert_accessible(page, axe_source, "staff-impact-targets-fi")
    await page.locator("#target_open_rate").fill("120")
    await page.locator("#target_campaigns_sent").fill("30")
    await page.locator("form[action^='/staff/impact/targets'] button[type=submit]").click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "staff-impact-targets-errors-fi")
    await page.locator("#target_open_rate").fill("55")
    await page.locator("form[action^='/staff/impact/targets'] button[type=submit]").click()
    await page.wait_for_url("**/staff/impact?year=*")
    assert "Lapland" in await page.inner_text("main")  # a lagging region, by its name (en)
    await page.set_viewport_size({"width": 1920, "height": 1080})
    await assert_accessible(page, axe_source, "staff-impact-fi")
    await page.set_viewport_size({"width": 390, "height": 844})
    await page.goto(f"/staff/impact?year={year}&lang=en")
    await assert_accessible(page, axe_source, "staff-impact-en-narrow")
    await page.set_viewport_size({"width": 1280, "height": 900})
    await page.goto(f"/staff/impact/report?year={year}&lang=fi")
    await assert_accessible(page, axe_source, "staff-impact-report-fi")
    await page.emulate_media(media="print")
    await page.screenshot(path=screenshot_path("staff-impact-report-print"), full_page=True)


async def test_self_assessment_pages_have_no_wcag_21_aa_violations(
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    """The respondent's pages (test, errors, result, retake) in every language, and the staff's
    list, editor and figures."""
    from surveys.assessment import service as assessment
    from surveys.assessment.defaults import default_definition

    staff = assessment.Actor(id="browser-tests", role="editor")
    assessment_id = await assessment.create_assessment(
        unit_of_work(engines["surveys"]), actor=staff, mode="anonymous"
    )
    await assessment.save_assessment(
        unit_of_work(engines["surveys"]),
        assessment_id,
        definition=default_definition() | {"events_url": "https://dvv.fi/digituki"},
        mode="anonymous",
        published=True,
        actor=staff,
    )
    path = f"/s/assessment/{assessment.public_token(SurveysSettings().token_keys(), assessment_id)}"
    page = await context.new_page()
    failures = []
    for lang in LANGUAGES:
        await page.goto(f"{path}?lang={lang}")
        await assert_accessible(page, axe_source, f"assessment-take-{lang}")
        await page.locator("form.assessment button[type=submit]").click()
        await page.wait_for_selector("#error-summary")
        await assert_accessible(page, axe_source, f"assessment-errors-{lang}")
        for fieldset in await page.locator("section.assessment-area fieldset").all():
            choice = LANGUAGES.index(lang)  # a different profile per language
            await fieldset.locator("input[type=radio]").nth(choice).check()
        await page.locator("form.assessment button[type=submit]").click()
        await page.wait_for_url("**/s/assessment/r/**")
        try:
            await assert_accessible(page, axe_source, f"assessment-result-{lang}")
            await page.goto(page.url.split("?")[0] + f"/retake?lang={lang}")
            await assert_accessible(page, axe_source, f"assessment-retake-{lang}")
        except AssertionError as error:
            failures.append(str(error))
    await page.goto("/s/assessment/r/not-a-result?lang=fi")
    await assert_accessible(page, axe_source, "assessment-bad-link")

    await staff_sign_in(page, who="editor", name="Eeva")
    for name, staff_path in (
        ("list", "/surveys/staff/assessments"),
        ("edit", f"/surveys/staff/assessments/{assessment_id}"),
        ("figures", f"/surveys/staff/assessments/{assessment_id}/figures"),
    ):
        await page.goto(staff_path)
        try:
            await assert_accessible(page, axe_source, f"assessment-staff-{name}")
        except AssertionError as error:
            failures.append(str(error))
    assert failures == [], "\n\n".join(failures)


async def test_staff_onboarding_lists_and_funnel_have_no_wcag_21_aa_violations(
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    """The people in each onboarding state, a bulk reminder's per-person report, the funnel
    with every stage, and the moderation page's links to the states."""
    from contacts.onboarding.service import onboarding as onboarding_service
    from contacts.unit_of_work import SqlContactsUnitOfWork

    from tests.browser.conftest import screenshot_path
    from tests.browser.test_workspace_journey import add_person

    tag = uuid.uuid4().hex[:6]
    page = await context.new_page()
    await staff_sign_in(page, who="onboarding", name="Olli", email=f"onboarding-{tag}@digituki.fi")
    surname = f"Lista{tag}"
    ids = [
        uuid.UUID(await add_person(page, first, surname, f"{first}.{tag}@example.fi", ""))
        for first in ("Aino", "Bertil", "Cecilia")
    ]
    group = onboarding_service.OnboardingSettings()
    for pid in ids:
        await onboarding_service.invite(
            SqlContactsUnitOfWork(engines["contacts"]), pid, settings=group, actor=None
        )
    await onboarding_service.decide(
        SqlContactsUnitOfWork(engines["contacts"]), ids[2:], "approve", actor=None
    )

    await page.goto("/staff/onboarding/people?state=invited&lang=en")
    await page.screenshot(path=screenshot_path("onboarding-people-invited-en"), full_page=True)
    await assert_accessible(page, axe_source, "staff-onboarding-people-en")
    await page.get_by_label(f"{surname}, Aino").check()
    await page.get_by_label(f"{surname}, Bertil").check()
    await page.get_by_role("button", name="Remind selected").click()
    await page.wait_for_selector("#report")
    assert (await page.inner_text("#report")).count("Done") == 2
    await page.screenshot(path=screenshot_path("onboarding-people-report-en"), full_page=True)
    await assert_accessible(page, axe_source, "staff-onboarding-people-report-en")
    await page.goto("/staff/onboarding/people?state=approved&lang=fi")
    assert f"{surname}, Cecilia" in await page.inner_text("main")
    await assert_accessible(page, axe_source, "staff-onboarding-people-fi")
    await page.goto("/staff/onboarding/funnel?lang=en")
    await page.screenshot(path=screenshot_path("onboarding-funnel-en"), full_page=True)
    await assert_accessible(page, axe_source, "staff-onboarding-funnel-en")
    await page.goto("/staff/onboarding?lang=en")
    await assert_accessible(page, axe_source, "staff-onboarding-en")


async def test_event_pages_have_no_wcag_21_aa_violations(
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
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
    # A feedback survey offered by surveys and its counts, so the event's staff page shows
    # the feedback section with its results link.
    feedback_survey = uuid.uuid4()
    async with engines["events"].begin() as conn:
        await feedback_replica.upsert_surveys(
            conn,
            [
                {
                    "survey_id": feedback_survey,
                    "version": 1,
                    "title": {"fi": "Tapahtumapalaute"},
                    "state": "active",
                    "languages": ["fi"],
                }
            ],
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
            feedback_survey_id=feedback_survey,
        ),
        actor=staff,
        links=links,
        publish=True,
    )
    async with engines["events"].begin() as conn:
        await feedback_replica.upsert_status(
            conn,
            [
                {
                    "event_id": event.id,
                    "survey_id": feedback_survey,
                    "campaign_id": feedback_survey,
                    "version": 1,
                    "invited": 3,
                    "answered": 1,
                    "anonymous": True,
                    "results_path": f"/surveys/staff/campaigns/{feedback_survey}/results",
                }
            ],
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

    await staff_sign_in(page, who="editor", name="Eeva")
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


async def test_materials_pages_have_no_wcag_21_aa_violations(
    staff_sign_in: StaffSignIn,
    context: BrowserContext,
    axe_source: str,
    engines: dict[str, AsyncEngine],
) -> None:
    """The materials library: the staff list, form (with its errors) and material page, the
    composer's material picker, and the public listing, search and material page."""
    page = await context.new_page()
    await staff_sign_in(page, who="librarian", name="Liisa")
    await page.goto("/newsletter/staff/materials/new?lang=en")
    await assert_accessible(page, axe_source, "staff-material-new-en")
    await page.locator("#url").fill("javascript:alert(1)")
    await page.locator("main form[enctype] button[type=submit]").click()
    await page.wait_for_selector("#error-summary")
    await assert_accessible(page, axe_source, "staff-material-new-errors")
    title = f"Saavutettava opas {uuid.uuid4().hex[:6]}"
    await page.locator("#title-fi").fill(title)
    await page.locator("#description-fi").fill("Tietoturvan perusteet digitukijalle.")
    await page.locator("#url").fill("https://dvv.fi/digituki")
    await page.locator("#area-digital_security").check()
    await page.locator("#audience-providers").check()
    await page.locator("#published").check()
    await page.locator("main form[enctype] button[type=submit]").click()
    await page.wait_for_selector("[role=status]")
    await assert_accessible(page, axe_source, "staff-material-fi")
    material = page.url.split("?")[0].rsplit("/", 1)[-1]
    for name, path in (
        ("staff-materials-en", "/newsletter/staff/materials?lang=en"),
        ("staff-campaign-new-material-picker", "/newsletter/staff/campaigns/new?lang=fi"),
        ("materials-search-fi", "/materials?lang=fi&q=tietoturva&area=digital_security"),
        ("materials-none-sv", "/materials?lang=sv&q=zzzz"),
        ("material-sv", f"/materials/{material}?lang=sv"),
        ("material-missing-en", f"/materials/{uuid.uuid4()}?lang=en"),
    ):
        await page.goto(path)
        await assert_accessible(page, axe_source, name)
    await page.goto("/materials?lang=fi")
    assert title in await page.inner_text("main")
