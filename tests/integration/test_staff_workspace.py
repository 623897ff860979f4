"""Staff pages of contacts: people and organisation tables, a person's page, the dashboard."""

from __future__ import annotations

import re
from typing import Any

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

VIEWER = {"X-Staff-Id": "staff-v", "X-Staff-Role": "viewer", "X-Staff-Email": "v@d.fi"}
EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor", "X-Staff-Csrf": "csrf-e"}


async def person(own_contacts_web: httpx.AsyncClient, email: str, last: str, **patch: Any) -> str:
    made = await own_contacts_web.post(
        "/api/contacts/people",
        json={"email": email, "first_name": "T", "last_name": last},
        headers=EDITOR | {"X-Staff-Csrf": ""},
    )
    assert made.status_code == 201, made.text
    pid: str = made.json()["id"]
    if patch:
        changed = await own_contacts_web.patch(
            f"/api/contacts/people/{pid}", json=patch, headers=EDITOR | {"X-Staff-Csrf": ""}
        )
        assert changed.status_code == 200, changed.text
    return pid


async def membership(own_contacts_web: httpx.AsyncClient, pid: str, action: str) -> None:
    done = await own_contacts_web.post(
        f"/api/contacts/people/{pid}/membership",
        json={"action": action},
        headers=EDITOR | {"X-Staff-Csrf": ""},
    )
    assert done.status_code == 200, done.text


async def test_people_table_filters_and_pages(own_contacts_web: httpx.AsyncClient) -> None:
    for i in range(30):
        await person(
            own_contacts_web,
            f"p{i:02}@d.fi",
            f"Aalto{i:02}",
            municipality="091" if i < 3 else "837",
        )
    first = await own_contacts_web.get("/staff/people", headers=VIEWER)
    assert first.status_code == 200
    assert first.text.count('href="/staff/people/') == 25
    assert 'href="?page=2"' in first.text and "Aalto00" in first.text
    second = await own_contacts_web.get("/staff/people", params={"page": 2}, headers=VIEWER)
    assert second.text.count('href="/staff/people/') == 5 and "Aalto29" in second.text
    helsinki = await own_contacts_web.get(
        "/staff/people", params={"municipality": "091"}, headers=VIEWER
    )
    assert helsinki.text.count('href="/staff/people/') == 3
    found = await own_contacts_web.get("/staff/people", params={"q": "p07@"}, headers=VIEWER)
    assert found.text.count('href="/staff/people/') == 1 and "Aalto07" in found.text
    assert (await own_contacts_web.get("/staff/people")).status_code == 401


async def test_person_page_approves_a_pending_membership_for_editors_with_csrf(
    own_contacts_web: httpx.AsyncClient,
) -> None:
    pid = await person(own_contacts_web, "hakija@d.fi", "Hakija")
    await membership(own_contacts_web, pid, "apply")
    page = await own_contacts_web.get(f"/staff/people/{pid}", headers=VIEWER)
    assert page.status_code == 200 and "Hakija" in page.text
    assert 'value="approve"' not in page.text  # viewers see no buttons
    assert (
        'value="approve"'
        in (await own_contacts_web.get(f"/staff/people/{pid}", headers=EDITOR)).text
    )
    url = f"/staff/people/{pid}/membership"
    form = {"action": "approve", "reason": "Täyttää ehdot", "csrf_token": "csrf-e"}
    assert (await own_contacts_web.post(url, data=form, headers=VIEWER)).status_code == 403
    forged = await own_contacts_web.post(url, data=form | {"csrf_token": "forged"}, headers=EDITOR)
    assert forged.status_code == 403
    approved = await own_contacts_web.post(url, data=form, headers=EDITOR)
    assert approved.status_code == 303
    after = await own_contacts_web.get(f"/staff/people/{pid}", headers=VIEWER)
    assert "<strong>Jäsenyys muuttui</strong>" in after.text  # the timeline, in Finnish
    listed = await own_contacts_web.get(
        "/staff/people", params={"membership": "active"}, headers=VIEWER
    )
    assert listed.text.count('href="/staff/people/') == 1


async def test_organisation_pages_list_and_show_linked_people(
    own_contacts_web: httpx.AsyncClient,
) -> None:
    made = await own_contacts_web.post(
        "/api/contacts/organisations",
        json={"name": "Oulun kirjasto", "type": "library", "municipality_code": "564"},
        headers=EDITOR | {"X-Staff-Csrf": ""},
    )
    assert made.status_code == 201, made.text
    oid = made.json()["id"]
    pid = await person(own_contacts_web, "kirjasto@d.fi", "Lukija")
    linked = await own_contacts_web.post(
        f"/api/contacts/people/{pid}/organisations",
        json={"organisation_id": oid, "role": "staff"},
        headers=EDITOR | {"X-Staff-Csrf": ""},
    )
    assert linked.status_code in (200, 201), linked.text
    table = await own_contacts_web.get(
        "/staff/organisations", params={"type": "library"}, headers=VIEWER
    )
    assert table.status_code == 200 and "Oulun kirjasto" in table.text
    none = await own_contacts_web.get(
        "/staff/organisations", params={"type": "company"}, headers=VIEWER
    )
    assert "Oulun kirjasto" not in none.text
    page = await own_contacts_web.get(f"/staff/organisations/{oid}", headers=VIEWER)
    assert page.status_code == 200 and "Lukija" in page.text


async def test_dashboard_counts_the_funnel_and_draws_accessible_charts(
    own_contacts_web: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    members = [await person(own_contacts_web, f"m{i}@d.fi", f"Jasen{i}") for i in range(3)]
    await person(own_contacts_web, "only@d.fi", "Vain")
    for pid in members:
        await membership(own_contacts_web, pid, "apply")
    for pid in members[:2]:
        await membership(own_contacts_web, pid, "approve")
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE contact_snapshot SET onboarding_state = 'approved' WHERE contact_id = :i"),
            {"i": members[0]},
        )
    page = await own_contacts_web.get("/staff/", params={"lang": "en"}, headers=VIEWER)
    assert page.status_code == 200
    assert page.text.count('role="img"') == 4
    assert "<title id=" in page.text
    desc = re.search(
        r"<desc[^>]*>Signed up: 4; Confirmed: 0; Member: 2; In the Facebook group: 1<", page.text
    )
    assert desc is not None, page.text
    assert '<th scope="row">Member</th><td>2</td>' in page.text
    finnish = await own_contacts_web.get("/staff/", params={"lang": "fi"}, headers=VIEWER)
    assert finnish.status_code == 200


async def test_people_and_organisation_tables_sort_by_a_chosen_column(
    own_contacts_web: httpx.AsyncClient,
) -> None:
    for email, last in (("c@sort.fi", "Aalto"), ("a@sort.fi", "Virta"), ("b@sort.fi", "Mäki")):
        await person(own_contacts_web, email, last)
    page = await own_contacts_web.get(
        "/staff/people", params={"q": "sort.fi", "sort": "-email"}, headers=VIEWER
    )
    assert page.status_code == 200
    shown = re.findall(r"<td>([abc]@sort\.fi)</td>", page.text)
    assert shown == ["c@sort.fi", "b@sort.fi", "a@sort.fi"]
    assert 'aria-sort="descending"><a href="?q=sort.fi&amp;sort=email"' in page.text
    assert 'aria-sort="none"><a href="?q=sort.fi&amp;sort=name"' in page.text
    # An unknown key falls back to the default order (by name), never an error.
    fallback = await own_contacts_web.get(
        "/staff/people", params={"sort": "password"}, headers=VIEWER
    )
    names = re.findall(r">([A-ZÄÖ][a-zäö]+), T</a>", fallback.text)
    assert names == sorted(names)
    listed = await own_contacts_web.get(
        "/api/contacts/people", params={"sort": "email"}, headers=VIEWER
    )
    assert [p["email"] for p in listed.json()["items"]] == ["a@sort.fi", "b@sort.fi", "c@sort.fi"]

    for name, kind in (
        ("Bee ry", "ngo"),
        ("Aa kirjasto", "library"),
        ("Cee kunta", "municipality"),
    ):
        made = await own_contacts_web.post(
            "/api/contacts/organisations",
            json={"name": name, "type": kind},
            headers=EDITOR | {"X-Staff-Csrf": ""},
        )
        assert made.status_code == 201, made.text
    by_type = await own_contacts_web.get(
        "/staff/organisations", params={"sort": "-type"}, headers=VIEWER
    )
    assert re.findall(r'">(\w+ \w+)</a></td>', by_type.text) == [
        "Bee ry",
        "Cee kunta",
        "Aa kirjasto",
    ]


async def test_a_note_added_on_the_person_page_shows_in_their_timeline(
    own_contacts_web: httpx.AsyncClient,
) -> None:
    pid = await person(own_contacts_web, "noted@x.fi", "Noted")
    form = {"text": "Tavattu <Digitaitoviikolla>", "csrf_token": "csrf-e"}
    assert (
        await own_contacts_web.post(f"/staff/people/{pid}/notes", data=form, headers=VIEWER)
    ).status_code == 403
    added = await own_contacts_web.post(f"/staff/people/{pid}/notes", data=form, headers=EDITOR)
    assert added.status_code == 303
    page = await own_contacts_web.get(f"/staff/people/{pid}", headers=VIEWER)
    assert "<strong>Muistiinpano</strong>: Tavattu &lt;Digitaitoviikolla&gt;" in page.text
    assert "(staff-e)" in page.text  # who wrote it (an unknown id is shown as it is)
