"""The staff pages that create, edit and archive organisations and topics, driven as a
browser does (GET the form, POST it with the CSRF token), against a real PostgreSQL: the same
use cases as the API, audited, with the people's snapshots in the outbox.

These tests read the outbox, so they run on a database of their own (tests/support/clients.py).
"""

from __future__ import annotations

import re
from typing import Any

import httpx
from contacts.preferences.service import update_preferences
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.topics import CONTACT_SNAPSHOTS

FI = {"Accept-Language": "fi"}  # every request here asks for the Finnish pages
VIEWER = {"X-Staff-Id": "staff-v", "X-Staff-Role": "viewer", "X-Staff-Email": "v@d.fi"} | FI
EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor", "X-Staff-Csrf": "csrf-e"} | FI
API = EDITOR | {"X-CSRF-Token": "csrf-e"}
CSRF = {"csrf_token": "csrf-e"}


async def rows(engine: AsyncEngine, sql: str, **params: Any) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [dict(r._mapping) for r in await conn.execute(text(sql), params)]


async def audit(engine: AsyncEngine, target: str) -> list[str]:
    found = await rows(
        engine, "SELECT action FROM audit_log WHERE target_id = :t ORDER BY id", t=target
    )
    return [r["action"] for r in found]


def org_form(**overrides: Any) -> dict[str, Any]:
    return {
        "name": "Oulun kaupunginkirjasto",
        "business_id": "0245437-2",
        "type": "library",
        "municipality_code": "564",
        "website": "www.ouka.fi",
        "support_forms": ["general_support", "skills_courses"],
        "funding": ["okm", "municipalities"],
        **CSRF,
        **overrides,
    }


async def create_org(own_contacts_web: httpx.AsyncClient, **overrides: Any) -> str:
    made = await own_contacts_web.post(
        "/staff/organisations/new", data=org_form(**overrides), headers=EDITOR
    )
    assert made.status_code == 303, made.text
    found = re.fullmatch(
        r"/staff/organisations/([0-9a-f-]{36})\?saved=created", made.headers["location"]
    )
    assert found, made.headers["location"]
    return found.group(1)


async def test_an_editor_creates_an_organisation_from_the_form_and_sees_it_by_name(
    own_contacts_web: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    listed = await own_contacts_web.get("/staff/organisations", headers=EDITOR)
    assert 'href="/staff/organisations/new"' in listed.text
    assert (
        'href="/staff/organisations/new"'
        not in (await own_contacts_web.get("/staff/organisations", headers=VIEWER)).text
    )
    form = await own_contacts_web.get("/staff/organisations/new", headers=EDITOR)
    assert form.status_code == 200
    assert 'name="csrf_token" value="csrf-e"' in form.text
    assert '<option value="564">Oulu (Uleåborg)</option>' in form.text  # by name, fi and sv
    assert (
        'value="skills_guidance"' in form.text
        and "Digiosaamista kasvattava tuki ja ohjaus" in form.text
    )
    oid = await create_org(own_contacts_web)
    page = await own_contacts_web.get(f"/staff/organisations/{oid}?saved=created", headers=VIEWER)
    assert page.status_code == 200
    for shown in (
        "Organisaatio on tallennettu.",
        "Kirjasto",
        "Pohjois-Pohjanmaa",
        "Oulu",
        "Yleinen digituki; Digiosaamista kasvattava kurssi ja koulutus",
        "Opetus- ja kulttuuriministeriö (OKM); Kunnat",
        "0245437-2",
    ):
        assert shown in page.text, shown
    assert ">library<" not in page.text and ">17<" not in page.text  # names, not codes
    stored = (await rows(engine, "SELECT * FROM organisations WHERE id = :i", i=oid))[0]
    assert (
        stored["region"],
        stored["municipality"],
        stored["support_forms"],
        stored["funding"],
    ) == (
        "17",
        "564",
        ["general_support", "skills_courses"],
        ["okm", "municipalities"],
    )
    assert await audit(engine, oid) == ["organisation.created"]
    table = await own_contacts_web.get(
        "/staff/organisations", params={"region": "17"}, headers=VIEWER
    )
    assert "Oulun kaupunginkirjasto" in table.text and "Pohjois-Pohjanmaa" in table.text
    assert "Yleinen digituki" in table.text


async def test_a_refused_form_keeps_what_was_typed_and_marks_each_field(
    own_contacts_web: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    oid = await create_org(own_contacts_web)
    form = await own_contacts_web.get(f"/staff/organisations/{oid}/edit", headers=EDITOR)
    assert 'value="Oulun kaupunginkirjasto"' in form.text
    assert 'value="okm" checked' in form.text
    refused = await own_contacts_web.post(
        f"/staff/organisations/{oid}/edit",
        data=org_form(
            name="Uusi <nimi>",
            business_id="1234567-2",
            type="castle",
            municipality_code="999",
            funding=["vm", "bitcoin"],
        ),
        headers=EDITOR,
    )
    assert refused.status_code == 422
    html = refused.text
    assert "<title>Virhe:" in html
    assert 'href="#business_id">Y-tunnus ei kelpaa: tarkistusnumero ei täsmää.</a>' in html
    assert 'id="business_id-error"' in html
    assert re.search(
        r'id="business_id"[^>]*aria-describedby="business_id-hint business_id-error"', html, re.S
    )
    assert re.search(r'id="business_id"[^>]*aria-invalid="true"', html, re.S)
    assert 'href="#type">Valitse organisaation tyyppi listasta.</a>' in html
    assert 'href="#municipality_code">Valitse kunta listasta.</a>' in html
    assert 'href="#funding-vm">Valitse rahoituslähteet listasta.</a>' in html
    assert 'value="Uusi &lt;nimi&gt;"' in html and 'value="1234567-2"' in html  # kept, escaped
    assert 'value="vm" checked' in html and 'value="okm" checked' not in html
    stored = (await rows(engine, "SELECT name, funding FROM organisations WHERE id = :i", i=oid))[0]
    assert stored == {"name": "Oulun kaupunginkirjasto", "funding": ["okm", "municipalities"]}
    assert await audit(engine, oid) == ["organisation.created"]


async def test_a_business_id_taken_by_another_organisation_is_shown_next_to_the_field(
    own_contacts_web: httpx.AsyncClient,
) -> None:
    await create_org(own_contacts_web)
    again = await own_contacts_web.post(
        "/staff/organisations/new", data=org_form(name="Toinen"), headers=EDITOR
    )
    assert again.status_code == 422
    assert "Organisaatio, jolla on tämä Y-tunnus, on jo olemassa." in again.text
    assert 'value="Toinen"' in again.text


async def test_editing_republishes_the_people_linked_to_the_organisation(
    own_contacts_web: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    oid = await create_org(own_contacts_web)
    made = await own_contacts_web.post(
        "/api/contacts/people",
        json={"email": "lukija@d.fi", "first_name": "Lukija", "last_name": "Oulusta"},
        headers=API,
    )
    pid = made.json()["id"]
    linked = await own_contacts_web.post(
        f"/api/contacts/people/{pid}/organisations", json={"organisation_id": oid}, headers=API
    )
    assert linked.status_code == 201, linked.text
    count = "SELECT count(*) AS n FROM outbox WHERE topic = :t AND key = :k"
    before = (await rows(engine, count, t=CONTACT_SNAPSHOTS.name, k=pid))[0]["n"]
    edited = await own_contacts_web.post(
        f"/staff/organisations/{oid}/edit",
        data=org_form(name="Oulun pääkirjasto", municipality_code="", support_forms=[]),
        headers=EDITOR,
    )
    assert edited.status_code == 303 and edited.headers["location"].endswith("?saved=changed")
    after = (await rows(engine, count, t=CONTACT_SNAPSHOTS.name, k=pid))[0]["n"]
    assert after == before + 1
    stored = (await rows(engine, "SELECT * FROM organisations WHERE id = :i", i=oid))[0]
    assert (stored["name"], stored["region"], stored["municipality"], stored["support_forms"]) == (
        "Oulun pääkirjasto",
        None,
        None,
        [],
    )
    details = await rows(
        engine,
        "SELECT details FROM audit_log WHERE target_id = :t AND action = 'organisation.updated'",
        t=oid,
    )
    assert details == [
        {"details": {"fields": ["municipality_code", "name", "region_code", "support_forms"]}}
    ]


async def test_archiving_asks_first_then_hides_the_organisation_until_asked_for(
    own_contacts_web: httpx.AsyncClient, client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    oid = await create_org(own_contacts_web)
    page = await own_contacts_web.get(f"/staff/organisations/{oid}", headers=EDITOR)
    assert f'href="/staff/organisations/{oid}/archive"' in page.text
    assert "Oulun kaupunginkirjasto" in (await client.get("/join")).text  # offered on /join
    confirm = await own_contacts_web.get(f"/staff/organisations/{oid}/archive", headers=EDITOR)
    assert confirm.status_code == 200
    assert "Arkistoidaanko Oulun kaupunginkirjasto?" in confirm.text
    assert 'name="archived" value="yes"' in confirm.text
    assert (
        await own_contacts_web.get(f"/staff/organisations/{oid}/archive", headers=VIEWER)
    ).status_code == 403
    forged = await own_contacts_web.post(
        f"/staff/organisations/{oid}/archive",
        data={"archived": "yes", "csrf_token": "forged"},
        headers=EDITOR,
    )
    assert forged.status_code == 403
    done = await own_contacts_web.post(
        f"/staff/organisations/{oid}/archive", data={"archived": "yes", **CSRF}, headers=EDITOR
    )
    assert done.status_code == 303 and done.headers["location"].endswith("?saved=archived")
    assert (
        "Oulun kaupunginkirjasto"
        not in (await own_contacts_web.get("/staff/organisations", headers=VIEWER)).text
    )
    shown = await own_contacts_web.get(
        "/staff/organisations", params={"archived": "archived"}, headers=VIEWER
    )
    assert "Oulun kaupunginkirjasto" in shown.text and "arkistoitu" in shown.text
    assert "Oulun kaupunginkirjasto" not in (await client.get("/join")).text  # not offered
    api = await own_contacts_web.get("/api/contacts/organisations", headers=VIEWER)
    assert api.json()["total"] == 0
    archived = await own_contacts_web.get(
        "/api/contacts/organisations", params={"include_archived": "true"}, headers=VIEWER
    )
    assert [o["archived"] for o in archived.json()["items"]] == [True]
    back = await own_contacts_web.get(f"/staff/organisations/{oid}/archive", headers=EDITOR)
    assert 'name="archived" value="no"' in back.text
    restored = await own_contacts_web.post(
        f"/staff/organisations/{oid}/archive", data={"archived": "no", **CSRF}, headers=EDITOR
    )
    assert restored.status_code == 303
    assert (
        "Oulun kaupunginkirjasto"
        in (await own_contacts_web.get("/staff/organisations", headers=VIEWER)).text
    )
    assert await audit(engine, oid) == [
        "organisation.created",
        "organisation.archived",
        "organisation.unarchived",
    ]


async def test_viewers_cannot_open_the_forms(own_contacts_web: httpx.AsyncClient) -> None:
    oid = await create_org(own_contacts_web)
    for path in (
        "/staff/organisations/new",
        f"/staff/organisations/{oid}/edit",
        "/staff/topics/new",
    ):
        assert (await own_contacts_web.get(path, headers=VIEWER)).status_code == 403, path
    refused = await own_contacts_web.post(
        "/staff/organisations/new", data=org_form(), headers=VIEWER
    )
    assert refused.status_code == 403


async def test_the_api_takes_and_returns_the_profile_and_refuses_unknown_codes(
    own_contacts_web: httpx.AsyncClient,
) -> None:
    made = await own_contacts_web.post(
        "/api/contacts/organisations",
        json={
            "name": "Järjestö ry",
            "type": "ngo",
            "support_forms": ["informal_support"],
            "funding": ["stea", "foundations"],
        },
        headers=API,
    )
    assert made.status_code == 201, made.text
    body = made.json()
    assert (body["support_forms"], body["funding"], body["archived"]) == (
        ["informal_support"],
        ["stea", "foundations"],
        False,
    )
    bad = await own_contacts_web.post(
        "/api/contacts/organisations", json={"name": "X", "funding": ["EU"]}, headers=API
    )
    assert bad.status_code == 422 and "funding" in bad.text
    patched = await own_contacts_web.patch(
        f"/api/contacts/organisations/{body['id']}",
        json={"support_forms": [], "funding": ["vm"], "archived": True},
        headers=API,
    )
    assert patched.status_code == 200, patched.text
    assert (patched.json()["support_forms"], patched.json()["funding"]) == ([], ["vm"])
    assert patched.json()["archived"] is True


async def test_an_editor_manages_topics_from_the_topics_page(
    own_contacts_web: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    listed = await own_contacts_web.get("/staff/topics", headers=VIEWER)
    assert listed.status_code == 200
    assert (
        "Webinaarit" in listed.text and "Webbinarier" in listed.text and "Webinars" in listed.text
    )
    assert 'href="/staff/topics/new"' not in listed.text  # viewers only read
    assert 'href="/staff/topics"' in listed.text  # in the navigation
    form = await own_contacts_web.get("/staff/topics/new", headers=EDITOR)
    assert form.status_code == 200 and 'name="csrf_token" value="csrf-e"' in form.text
    made = await own_contacts_web.post(
        "/staff/topics/new",
        data={
            "name_fi": "Tekoäly arjessa",
            "name_sv": "AI i vardagen",
            "name_en": "",
            "position": "5",
            "key": "",
            **CSRF,
        },
        headers=EDITOR,
    )
    assert made.status_code == 303 and made.headers["location"] == "/staff/topics?saved=created"
    stored = (await rows(engine, "SELECT * FROM topics WHERE key = 'tekoaly-arjessa'"))[0]
    assert (stored["name_sv"], stored["name_en"], stored["position"]) == (
        "AI i vardagen",
        "Tekoäly arjessa",
        5,
    )
    page = await own_contacts_web.get("/staff/topics?saved=created", headers=EDITOR)
    assert "Aihe on tallennettu." in page.text
    assert 'href="/staff/topics/tekoaly-arjessa/edit"' in page.text
    edit = await own_contacts_web.get("/staff/topics/tekoaly-arjessa/edit", headers=EDITOR)
    assert 'value="AI i vardagen"' in edit.text
    refused = await own_contacts_web.post(
        "/staff/topics/tekoaly-arjessa/edit",
        data={"name_fi": " ", "name_sv": "AI", "name_en": "AI", "position": "viisi", **CSRF},
        headers=EDITOR,
    )
    assert refused.status_code == 422
    assert 'href="#name_fi">Kirjoita nimi suomeksi.</a>' in refused.text
    assert 'href="#position">Järjestys on kokonaisluku väliltä 0–10000.</a>' in refused.text
    assert re.search(r'id="position"[^>]*aria-invalid="true"', refused.text, re.S)
    assert 'value="viisi"' in refused.text  # kept as typed
    changed = await own_contacts_web.post(
        "/staff/topics/tekoaly-arjessa/edit",
        data={
            "name_fi": "Tekoäly arjessa",
            "name_sv": "AI i vardagen",
            "name_en": "AI in daily life",
            "position": "7",
            **CSRF,
        },
        headers=EDITOR,
    )
    assert changed.status_code == 303
    assert await audit(engine, "tekoaly-arjessa") == ["topic.created", "topic.updated"]
    details = await rows(engine, "SELECT details FROM audit_log WHERE action = 'topic.updated'")
    assert details == [{"details": {"fields": ["name_en", "position"]}}]


async def test_an_archived_topic_is_not_offered_but_stays_on_the_people_who_chose_it(
    own_contacts_web: httpx.AsyncClient, client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    made = await own_contacts_web.post(
        "/api/contacts/people",
        json={"email": "aiheet@d.fi", "first_name": "A", "last_name": "B"},
        headers=API,
    )
    assert made.status_code == 201, made.text
    pid = made.json()["id"]
    chosen = await own_contacts_web.patch(
        f"/api/contacts/people/{pid}", json={"topics": ["webinaarit", "teemavuosi"]}, headers=API
    )
    assert chosen.status_code == 200, chosen.text
    held = (await rows(engine, "SELECT topics FROM people WHERE id = :i", i=pid))[0]
    assert held["topics"] == ["teemavuosi", "webinaarit"]
    assert 'value="webinaarit"' in (await client.get("/join")).text
    confirm = await own_contacts_web.get("/staff/topics/webinaarit/archive", headers=EDITOR)
    assert "Arkistoidaanko Webinaarit?" in confirm.text
    done = await own_contacts_web.post(
        "/staff/topics/webinaarit/archive", data={"archived": "yes", **CSRF}, headers=EDITOR
    )
    assert done.status_code == 303 and done.headers["location"] == "/staff/topics?saved=archived"
    assert 'value="webinaarit"' not in (await client.get("/join")).text
    listed = await own_contacts_web.get("/staff/topics", headers=EDITOR)
    assert 'href="/staff/topics/webinaarit/archive"' in listed.text and "Arkistoitu" in listed.text
    # The preference centre offers only the other topics; saving them keeps the archived one.
    await update_preferences(
        SqlContactsUnitOfWork(engine),
        pid,
        topics=["teemavuosi"],
        language="fi",
        first_name="A",
        last_name="B",
    )
    person = (await rows(engine, "SELECT topics FROM people WHERE id = :i", i=pid))[0]
    assert person["topics"] == ["teemavuosi", "webinaarit"]
    await update_preferences(
        SqlContactsUnitOfWork(engine), pid, topics=[], language="fi", first_name="A", last_name="B"
    )
    person = (await rows(engine, "SELECT topics FROM people WHERE id = :i", i=pid))[0]
    assert person["topics"] == ["webinaarit"]
    back = await own_contacts_web.post(
        "/staff/topics/webinaarit/archive", data={"archived": "no", **CSRF}, headers=EDITOR
    )
    assert back.status_code == 303
    assert await audit(engine, "webinaarit") == ["topic.archived", "topic.unarchived"]
