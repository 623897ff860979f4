"""Who is in the Facebook group, on a real PostgreSQL: the funnel page over a known data set,
the member-list import, and the `left` state via the API and the moderation page."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from contacts.onboarding.service import onboarding as service
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration import test_onboarding_moderation as moderation
from tests.integration.test_contacts_staff_api import VIEWER, person

GROUP = moderation.GROUP
projection = moderation.projection
ADMIN = {"X-Staff-Id": "staff-a", "X-Staff-Role": "admin"}


async def outbox(engine: AsyncEngine, topic: str) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT payload FROM outbox WHERE topic = :t ORDER BY id"), {"t": topic}
        )
        return [json.loads(r.payload) for r in rows]


def cells(html: str, row_header: str) -> list[str]:
    """The data cells of the table row headed `row_header`."""
    found = re.search(rf'<th scope="row">{re.escape(row_header)}</th>(.*?)</tr>', html, re.S)
    assert found, f"no row {row_header!r}"
    return re.findall(r"<td>(.*?)</td>", found.group(1))


async def test_funnel_page_shows_counts_and_median_hours_by_region_and_type_for_the_period(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    org = await api.post(
        "/api/contacts/organisations", json={"name": "Kirjasto", "type": "library"}
    )
    t0 = datetime(2026, 3, 1, 9, tzinfo=UTC)
    # (municipality, with organisation, hours to request, hours to approval)
    known = [
        ("091", True, 2, 10),
        ("091", False, 4, 30),
        ("837", True, 6, None),
        ("837", False, None, None),
    ]
    for i, (municipality, linked, to_request, to_approval) in enumerate(known):
        p = await person(api, f"f{i}@kirjasto.example", municipality=municipality)
        if linked:
            await api.post(
                f"/api/contacts/people/{p['id']}/organisations",
                json={"organisation_id": org.json()["id"]},
            )
        pid = uuid.UUID(p["id"])
        await service.invite(SqlContactsUnitOfWork(engine), pid, settings=GROUP, actor=None, at=t0)
        if to_request is not None:
            await service.mark_requested(
                SqlContactsUnitOfWork(engine),
                [pid],
                actor=None,
                at=t0 + timedelta(hours=to_request),
            )
        if to_approval is not None:
            at = t0 + timedelta(hours=to_request + to_approval)  # type: ignore[operator]
            await service.decide(SqlContactsUnitOfWork(engine), [pid], "approve", actor=None, at=at)
    outside = await person(api, "outside@kirjasto.example")
    await service.invite(
        SqlContactsUnitOfWork(engine),
        uuid.UUID(outside["id"]),
        settings=GROUP,
        actor=None,
        at=t0 - timedelta(days=40),
    )

    page = await api.get(
        "/staff/onboarding/funnel?start=2026-02-15&end=2026-03-14&lang=en", headers=VIEWER
    )
    assert page.status_code == 200, page.text
    html = page.text
    assert html.count('role="img"') == 3 and 'type="date"' in html
    assert cells(html, "All") == ["4", "3", "2", "0", "4 h", "20 h"]
    assert cells(html, "Uusimaa") == ["2", "2", "2", "0", "3 h", "20 h"]
    assert cells(html, "Pirkanmaa") == ["2", "1", "0", "0", "6 h", "–"]
    assert cells(html, "Library") == ["2", "2", "1", "0", "4 h", "10 h"]
    assert cells(html, "Unknown") == ["2", "1", "1", "0", "4 h", "30 h"]
    # The charts' <desc> say the same as the tables, every stage on one scale with a legend.
    assert "Uusimaa: Invited 2, Requested 2, Approved 2, Left the group 0" in html
    assert html.count('class="bar s3"') == 1 + 2 + 2 + 3  # three legends and every group

    later = await api.get(
        "/staff/onboarding/funnel?start=2026-03-02&end=2026-03-31", headers=VIEWER
    )
    assert cells(later.text, "Kaikki") == ["0", "0", "0", "0", "–", "–"]  # fi is the staff default
    bad = await api.get("/staff/onboarding/funnel?start=2026-04-01&end=2026-03-01", headers=VIEWER)
    assert bad.status_code == 422 and 'href="#start"' in bad.text


async def test_member_list_import_marks_known_people_in_the_group_and_lists_the_unknown(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    aino = await person(api, "aino@kirjasto.example", first_name="Aino", last_name="Virtanen")
    bertil = await person(api, "bertil@kirjasto.example", first_name="Bertil", last_name="Berg")
    for p in (aino, bertil):
        await service.invite(
            SqlContactsUnitOfWork(engine), uuid.UUID(p["id"]), settings=GROUP, actor=None
        )
    csv_text = (
        "name,email,profile,joined\n"
        "A. Virtanen,AINO@kirjasto.example,https://facebook.com/aino.v,2026-01-02\n"
        "Bertil Berg,,,\n"
        "Cecilia Tuntematon,cecilia@elsewhere.example,https://facebook.com/c.t,2026-02-03\n"
        '=HYPERLINK("x"),,,\n'
    )
    files = {"file": ("members.csv", csv_text.encode(), "text/csv")}
    editor = await api.post("/staff/onboarding/members", files=files)
    assert editor.status_code == 403  # admins only
    page = await api.post("/staff/onboarding/members?lang=en", files=files, headers=ADMIN)
    assert page.status_code == 200, page.text
    assert "Group members unknown to the registry (2)" in page.text
    assert "Cecilia Tuntematon" in page.text and "Matched (2)" in page.text
    for p in (aino, bertil):
        assert await projection(engine, p["id"]) == "approved"
    async with engine.connect() as conn:
        by = (await conn.execute(text("SELECT DISTINCT decided_by FROM onboarding"))).scalars()
        assert list(by) == ["staff-a"]
    events = await outbox(engine, "contacts.events.v1")
    marked = [e for e in events if e["kind"] == "onboarding_approved"]
    assert {e["contact_id"] for e in marked} == {aino["id"], bertil["id"]}
    assert all(e["details"]["via"] == "member_list" for e in marked)

    link = re.search(r'href="(/staff/onboarding/members/[^"]+/unknown\.csv)"', page.text)
    assert link
    download = await api.get(link.group(1), headers=ADMIN)
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    lines = download.content.decode("utf-8-sig").splitlines()
    assert lines[0] == "row,name,email,profile_url,joined,reason"
    assert lines[1].startswith("3,Cecilia Tuntematon,cecilia@elsewhere.example")
    assert lines[2].startswith('4,"\'=HYPERLINK(""x"")"')  # no formula in a spreadsheet

    again = await api.post("/staff/onboarding/members", files=files, headers=ADMIN)
    assert again.status_code == 200
    assert (
        len(
            [
                e
                for e in await outbox(engine, "contacts.events.v1")
                if e["kind"] == "onboarding_approved"
            ]
        )
        == 2
    )
    empty = await api.post(
        "/staff/onboarding/members",
        files={"file": ("x.csv", b"foo\n1\n", "text/csv")},
        headers=ADMIN,
    )
    assert empty.status_code == 422 and 'href="#file"' in empty.text


async def test_a_member_who_left_the_group_is_left_in_the_event_and_snapshot(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    aino, _ = await moderation.invited(api, "aino@kirjasto.example")
    bertil, _ = await moderation.invited(api, "bertil@kirjasto.example")
    await service.decide(
        SqlContactsUnitOfWork(engine), [uuid.UUID(aino), uuid.UUID(bertil)], "approve", actor=None
    )
    invited_only, _ = await moderation.invited(api, "cecilia@kirjasto.example")

    refused = await api.post(f"/api/contacts/onboarding/people/{invited_only}/left")
    assert refused.status_code == 409
    left = await api.post(f"/api/contacts/onboarding/people/{aino}/left")
    assert left.status_code == 200, left.text
    assert await projection(engine, aino) == "left"
    snapshots = [s for s in await outbox(engine, "contacts.contact.v1") if s["contact_id"] == aino]
    assert snapshots[-1]["onboarding_state"] == "left"
    events = await outbox(engine, "contacts.events.v1")
    assert [e["details"]["by"] for e in events if e["kind"] == "onboarding_left"] == ["staff-e"]

    # The page: paste the member's address, tick, "left the group".
    matched = await api.post("/staff/onboarding/match", data={"text": "bertil@kirjasto.example"})
    assert f'value="{bertil}"' in matched.text and 'value="left"' in matched.text
    done = await api.post(
        "/staff/onboarding/decide?lang=en",
        data={"person_id": bertil, "decision": "left", "csrf_token": "right"},
        headers={"X-Staff-Csrf": "right"},
    )
    assert done.status_code == 200 and 'id="report"' in done.text
    assert f'href="/staff/people/{bertil}"' in done.text and "Done" in done.text
    assert await projection(engine, bertil) == "left"
    # Again: nothing changes, and the page says why per person.
    again_left = await api.post(
        "/staff/onboarding/decide?lang=en",
        data={"person_id": bertil, "decision": "left", "csrf_token": "right"},
        headers={"X-Staff-Csrf": "right"},
    )
    assert "Skipped: Already marked as left the group" in again_left.text
    # Invited again later: the cycle starts over.
    again = await api.post(f"/api/contacts/onboarding/people/{bertil}/invite")
    assert again.status_code == 201 and await projection(engine, bertil) == "invited"
