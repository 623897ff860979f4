"""The people pages driven as staff use them (GET the form, POST it with the CSRF token):
a new person, editing with errors, each membership step with its reason on the timeline
as from → to, by whom, why, and the GDPR export and erasure from the person's page."""

from __future__ import annotations

import html
import re

import httpx
import pytest
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

VIEWER = {"X-Staff-Id": "staff-v", "X-Staff-Role": "viewer", "X-Staff-Email": "v@d.fi"}
CSRF = "csrf-people"
API = {"X-Staff-Id": "staff-api", "X-Staff-Role": "editor", "X-Staff-Csrf": ""}


@pytest.fixture
async def editor(engine: AsyncEngine) -> dict[str, str]:
    """A real staff member, so the timeline can name them."""
    member = await staff_service.create_staff(
        SqlContactsUnitOfWork(engine),
        email="eeva.editori@digituki.fi",
        name="Eeva",
        role="editor",
        password="a long enough password 1",
    )
    return {
        "X-Staff-Id": str(member.id),
        "X-Staff-Role": "editor",
        "X-Staff-Email": member.email,
        "X-Staff-Csrf": CSRF,
    }


async def organisation(own_contacts_web: httpx.AsyncClient, name: str) -> str:
    made = await own_contacts_web.post(
        "/api/contacts/organisations",
        json={"name": name, "type": "library", "municipality_code": "564"},
        headers=API,
    )
    assert made.status_code == 201, made.text
    return str(made.json()["id"])


def field_values(page: str) -> dict[str, str]:
    return {
        m.group(1): html.unescape(m.group(2))
        for m in re.finditer(r'<input type="\w+" id="(\w+)" name="\w+" value="([^"]*)"', page)
    }


FORM = {
    "first_name": "Aino",
    "last_name": "Virtanen",
    "email": "aino.virtanen@kirjasto.fi",
    "phone": "040 123 4567",
    "title": "Kouluttaja",
    "language": "sv",
    "organisation": "Oulun kirjasto",
    "tags": "puhuja, kevät 2026",
}


async def test_a_new_person_from_the_form_with_organisation_by_name_topics_and_tags(
    own_contacts_web: httpx.AsyncClient, editor: dict[str, str], engine: AsyncEngine
) -> None:
    org_id = await organisation(own_contacts_web, "Oulun kirjasto")
    listing = await own_contacts_web.get("/staff/people", headers=editor)
    assert 'href="/staff/people/new"' in listing.text
    assert (
        'href="/staff/people/new"'
        not in (await own_contacts_web.get("/staff/people", headers=VIEWER)).text
    )
    form = await own_contacts_web.get("/staff/people/new", params={"lang": "en"}, headers=editor)
    assert form.status_code == 200
    assert '<option value="Oulun kirjasto">' in form.text  # chosen by name, never an id
    assert 'name="csrf_token" value="csrf-people"' in form.text
    topic = re.search(r'name="topics" value="([\w-]+)"', form.text)
    assert topic is not None, "the form offers the topics as boxes"
    data = {**FORM, "topics": topic.group(1), "csrf_token": CSRF}
    assert (
        await own_contacts_web.post("/staff/people/new", data=data, headers=VIEWER)
    ).status_code == 403
    made = await own_contacts_web.post("/staff/people/new", data=data, headers=editor)
    assert made.status_code == 303, made.text
    pid = made.headers["location"].split("/")[3].split("?")[0]
    page = await own_contacts_web.get(f"/staff/people/{pid}", params={"lang": "en"}, headers=VIEWER)
    assert "The person was added." not in page.text  # only after the redirect's notice
    shown = await own_contacts_web.get(made.headers["location"] + "&lang=en", headers=VIEWER)
    assert "The person was added." in shown.text
    for words in ("Aino Virtanen", "+358401234567", "Kouluttaja", "Swedish", "puhuja"):
        assert words in page.text, words
    assert f'href="/staff/organisations/{org_id}">Oulun kirjasto</a>' in page.text
    assert "<td>Library</td>" in page.text and "Oulu" in page.text  # type and place by name
    async with engine.connect() as conn:
        actions = (
            await conn.execute(
                text("SELECT action, actor_id FROM audit_log WHERE target_id = :p ORDER BY id"),
                {"p": pid},
            )
        ).all()
        events = (
            await conn.execute(text("SELECT topic FROM outbox WHERE key = :p"), {"p": pid})
        ).scalars()
        snapshot = (
            await conn.execute(
                text("SELECT organisation_name, tags FROM contact_snapshot WHERE contact_id = :p"),
                {"p": pid},
            )
        ).one()
    assert [a for a, _ in actions] == ["person.created", "person.organisation_linked"]
    assert {who for _, who in actions} == {editor["X-Staff-Id"]}
    assert any(t.endswith("contacts.contact.v1") for t in events)
    assert snapshot.organisation_name == "Oulun kirjasto"
    assert sorted(snapshot.tags) == ["kevät 2026", "puhuja"]


async def test_the_form_shows_every_error_by_its_field_and_keeps_what_was_typed(
    own_contacts_web: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    bad = {
        **FORM,
        "first_name": "",
        "email": "not-an-address",
        "phone": "040 12ab",
        "organisation": "No such place",
        "csrf_token": CSRF,
    }
    refused = await own_contacts_web.post(
        "/staff/people/new", data=bad | {"organisation": ""}, headers=editor
    )
    assert refused.status_code == 422
    page = refused.text
    assert "<title>Virhe:" in page  # the UI language (Finnish by default)
    assert 'class="error-summary"' in page
    for field in ("first_name", "email", "phone"):
        assert f'<a href="#{field}">' in page, field
        assert re.search(
            rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error"[^>]*aria-invalid="true"',
            page,
            re.S,
        ), field
    assert "Kirjoita sähköpostiosoite" in page or "Anna sähköpostiosoite" in page
    assert "Kirjoita puhelinnumero muodossa" in page
    kept = field_values(page)
    assert (kept["email"], kept["phone"], kept["last_name"]) == (
        "not-an-address",
        "040 12ab",
        "Virtanen",
    )
    # An organisation is chosen from the list: an unknown name is refused by its field.
    unknown = await own_contacts_web.post(
        "/staff/people/new",
        data={**FORM, "csrf_token": CSRF, "organisation": "Ei ole"},
        headers=editor,
    )
    assert unknown.status_code == 422 and '<a href="#organisation">' in unknown.text


async def test_editing_with_errors_then_with_a_taken_address_then_for_real(
    own_contacts_web: httpx.AsyncClient, editor: dict[str, str], engine: AsyncEngine
) -> None:
    await organisation(own_contacts_web, "Oulun kirjasto")
    await organisation(own_contacts_web, "Kajaanin kirjasto")
    made = await own_contacts_web.post(
        "/staff/people/new", data={**FORM, "csrf_token": CSRF}, headers=editor
    )
    pid = made.headers["location"].split("/")[3].split("?")[0]
    other = await own_contacts_web.post(
        "/staff/people/new",
        data={**FORM, "email": "toinen@kirjasto.fi", "organisation": "", "csrf_token": CSRF},
        headers=editor,
    )
    other_id = other.headers["location"].split("/")[3].split("?")[0]
    form = await own_contacts_web.get(
        f"/staff/people/{pid}/edit", params={"lang": "en"}, headers=editor
    )
    assert form.status_code == 200
    values = field_values(form.text)
    assert (values["email"], values["phone"], values["organisation"]) == (
        "aino.virtanen@kirjasto.fi",
        "+358401234567",
        "Oulun kirjasto",
    )
    assert (
        await own_contacts_web.get(f"/staff/people/{pid}/edit", headers=VIEWER)
    ).status_code == 403
    url = f"/staff/people/{pid}/edit?lang=en"
    wrong = await own_contacts_web.post(
        url, data={**FORM, "title": "t" * 151, "phone": "12", "csrf_token": CSRF}, headers=editor
    )
    assert wrong.status_code == 422
    assert "Use at most 150 characters for the title." in wrong.text
    assert 'aria-describedby="phone-hint phone-error" aria-invalid="true"' in wrong.text
    assert field_values(wrong.text)["phone"] == "12"
    taken = await own_contacts_web.post(
        url, data={**FORM, "email": "TOINEN@kirjasto.fi", "csrf_token": CSRF}, headers=editor
    )
    assert taken.status_code == 409 or taken.status_code == 422
    assert "A person with this email address already exists." in taken.text
    assert f'href="/staff/people/{other_id}"' in taken.text
    saved = await own_contacts_web.post(
        url,
        data={
            **FORM,
            "title": "Kirjastonhoitaja",
            "organisation": "Kajaanin kirjasto",
            "csrf_token": CSRF,
        },
        headers=editor,
    )
    assert saved.status_code == 303
    page = await own_contacts_web.get(f"/staff/people/{pid}", params={"lang": "en"}, headers=VIEWER)
    assert "Kirjastonhoitaja" in page.text
    assert page.text.index("Kajaanin kirjasto") < page.text.index("Oulun kirjasto")  # current first
    async with engine.connect() as conn:
        updated = (
            await conn.execute(
                text(
                    "SELECT details FROM audit_log "
                    "WHERE target_id = :p AND action = 'person.updated'"
                ),
                {"p": pid},
            )
        ).scalar_one()
    assert updated == {"fields": ["title"]}


async def test_each_membership_step_needs_a_reason_and_shows_on_the_timeline(
    own_contacts_web: httpx.AsyncClient, editor: dict[str, str]
) -> None:
    made = await own_contacts_web.post(
        "/staff/people/new", data={**FORM, "organisation": "", "csrf_token": CSRF}, headers=editor
    )
    pid = made.headers["location"].split("/")[3].split("?")[0]
    applied = await own_contacts_web.post(
        f"/api/contacts/people/{pid}/membership", json={"action": "apply"}, headers=API
    )
    assert applied.status_code == 200, applied.text
    url = f"/staff/people/{pid}/membership?lang=en"
    no_reason = await own_contacts_web.post(
        url, data={"action": "approve", "reason": "  ", "csrf_token": CSRF}, headers=editor
    )
    assert no_reason.status_code == 422
    assert 'aria-describedby="reason-hint reason-error" aria-invalid="true"' in no_reason.text
    assert '<a href="#reason">' in no_reason.text
    steps = [
        ("approve", "Applied", "Member", "Meets the criteria"),
        ("pause", "Member", "Paused", "Parental leave"),
        ("resume", "Paused", "Member", "Back at work"),
        ("leave", "Member", "Left", "Moved abroad"),
    ]
    for action, _before, _after, reason in steps:
        page = await own_contacts_web.get(
            f"/staff/people/{pid}", params={"lang": "en"}, headers=editor
        )
        assert f'name="action" value="{action}"' in page.text, action
        done = await own_contacts_web.post(
            url, data={"action": action, "reason": reason, "csrf_token": CSRF}, headers=editor
        )
        assert done.status_code == 303, done.text
    # A step the state does not allow is refused by the domain, shown by the reason field.
    again = await own_contacts_web.post(
        url, data={"action": "resume", "reason": "x", "csrf_token": CSRF}, headers=editor
    )
    assert again.status_code == 422
    page = await own_contacts_web.get(f"/staff/people/{pid}", params={"lang": "en"}, headers=VIEWER)
    timeline = page.text[page.text.index('<ol class="timeline">') :]
    for _action, before, after, reason in steps:
        line = f'<span class="transition">{before} → {after}</span>, by Eeva. Reason: {reason}'
        assert line in timeline, line
    assert '<span class="transition">Not a member → Applied</span>, by staff-api' in timeline
    assert editor["X-Staff-Id"] not in timeline  # the staff member by address, never an id
    finnish = await own_contacts_web.get(
        f"/staff/people/{pid}", params={"lang": "fi"}, headers=VIEWER
    )
    assert "Tauolla → Jäsen</span>, tekijä: Eeva. Syy: Back at work" in (finnish.text)


async def test_export_and_erase_from_the_person_page(
    own_contacts_web: httpx.AsyncClient, editor: dict[str, str], engine: AsyncEngine
) -> None:
    made = await own_contacts_web.post(
        "/staff/people/new", data={**FORM, "organisation": "", "csrf_token": CSRF}, headers=editor
    )
    pid = made.headers["location"].split("/")[3].split("?")[0]
    page = await own_contacts_web.get(f"/staff/people/{pid}", params={"lang": "en"}, headers=editor)
    assert f'<a class="button secondary" href="/staff/people/{pid}/export" download>' in page.text
    assert f'<a class="button danger" href="/staff/people/{pid}/erase">' in page.text
    viewer_page = await own_contacts_web.get(f"/staff/people/{pid}", headers=VIEWER)
    assert f'href="/staff/people/{pid}/erase"' not in viewer_page.text
    exported = await own_contacts_web.get(f"/staff/people/{pid}/export", headers=VIEWER)
    assert exported.status_code == 200
    assert "attachment" in exported.headers["content-disposition"]
    data = exported.json()
    assert data["person"]["email"] == FORM["email"] and data["membership_history"] == []
    confirm = await own_contacts_web.get(
        f"/staff/people/{pid}/erase", params={"lang": "en"}, headers=editor
    )
    assert confirm.status_code == 200
    assert "It cannot be undone." in confirm.text and "Export files" in confirm.text
    assert (
        await own_contacts_web.get(f"/staff/people/{pid}/erase", headers=VIEWER)
    ).status_code == 403
    slip = await own_contacts_web.post(
        f"/staff/people/{pid}/erase?lang=en",
        data={"confirmation": "someone@else.fi", "csrf_token": CSRF},
        headers=editor,
    )
    assert slip.status_code == 422
    assert 'aria-describedby="confirmation-hint confirmation-error"' in slip.text
    erased = await own_contacts_web.post(
        f"/staff/people/{pid}/erase",
        data={"confirmation": FORM["email"].upper(), "csrf_token": CSRF},
        headers=editor,
    )
    assert erased.status_code == 303 and erased.headers["location"] == "/staff/people?erased=1"
    assert (await own_contacts_web.get(f"/staff/people/{pid}", headers=VIEWER)).status_code == 404
    async with engine.connect() as conn:
        actions = (
            (
                await conn.execute(
                    text("SELECT action FROM audit_log WHERE target_id = :p ORDER BY id"),
                    {"p": pid},
                )
            )
            .scalars()
            .all()
        )
    assert actions[-2:] == ["person.exported", "person.erased"]
