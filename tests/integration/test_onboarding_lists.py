"""The onboarding lists on a real PostgreSQL: people in each state with capped counts, the
filters (region, organisation type, organisation name), names not codes on the page, and the
bulk actions' per-person report (done, skipped or refused, and why)."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from contacts.onboarding.repository import onboarding as store
from contacts.onboarding.service import onboarding as service
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration import test_onboarding_moderation as moderation
from tests.integration.test_contacts_staff_api import VIEWER, person

GROUP = moderation.GROUP
CSRF = {"X-Staff-Csrf": "right"}
T0 = datetime(2026, 3, 1, 9, tzinfo=UTC)


async def member(api: httpx.AsyncClient, email: str, **patch: Any) -> str:
    """An active member never invited (as members from before the group's onboarding are)."""
    p = await person(api, email, **patch)
    path = f"/api/contacts/people/{p['id']}/membership"
    assert (await api.post(path, json={"action": "apply"})).status_code == 200
    assert (await api.post(path, json={"action": "approve"})).status_code == 200
    return str(p["id"])


async def sql(engine: AsyncEngine, statement: str, **values: Any) -> None:
    async with engine.begin() as conn:
        await conn.execute(text(statement), values)


async def uninvited(engine: AsyncEngine, person_id: str) -> None:
    await sql(engine, "DELETE FROM join_codes WHERE person_id = :p", p=person_id)
    await sql(engine, "DELETE FROM onboarding WHERE person_id = :p", p=person_id)


async def listed(api: httpx.AsyncClient, **query: str) -> dict[str, Any]:
    answer = await api.get("/api/contacts/onboarding/people", params=query, headers=VIEWER)
    assert answer.status_code == 200, answer.text
    return answer.json()  # type: ignore[no-any-return]


def ids(found: dict[str, Any]) -> set[str]:
    return {p["contact_id"] for p in found["people"]}


def counts(found: dict[str, Any]) -> dict[str, int]:
    return {k: v["value"] for k, v in found["counts"].items()}


async def a_cast(api: httpx.AsyncClient, engine: AsyncEngine) -> dict[str, str]:
    """One person in each state; the library people in Uusimaa, the school's in Pirkanmaa."""
    library = (
        await api.post("/api/contacts/organisations", json={"name": "Kirjasto", "type": "library"})
    ).json()["id"]
    school = (
        await api.post("/api/contacts/organisations", json={"name": "Opisto", "type": "education"})
    ).json()["id"]
    cast: dict[str, str] = {}
    for i, name in enumerate(
        ("waiting", "invited", "reminded", "requested", "approved", "left", "declined")
    ):
        pid = await member(
            api,
            f"{name}@kirjasto.example",
            first_name=name.title(),
            last_name="Virtanen",
            municipality="091" if i % 2 == 0 else "837",
        )
        org = library if i % 2 == 0 else school
        linked = await api.post(
            f"/api/contacts/people/{pid}/organisations", json={"organisation_id": org}
        )
        assert linked.status_code in (200, 201), linked.text
        cast[name] = pid
    await uninvited(engine, cast["waiting"])
    for name in ("invited", "reminded", "requested", "approved", "left", "declined"):
        await uninvited(engine, cast[name])
        await service.invite(
            SqlContactsUnitOfWork(engine), uuid.UUID(cast[name]), settings=GROUP, actor=None, at=T0
        )
    async with engine.begin() as conn:
        record = await store.get(conn, uuid.UUID(cast["requested"]))
        assert record is not None
        await store.put(conn, record.requested(at=T0 + timedelta(hours=3)))
    await sql(
        engine,
        "UPDATE onboarding SET invited_at = :at, last_reminded_at = NULL WHERE person_id = :p",
        at=T0 - timedelta(days=30),
        p=cast["reminded"],
    )
    sent = await service.send_reminders(
        SqlContactsUnitOfWork(engine), settings=GROUP, now=T0 + timedelta(days=1)
    )
    assert sent == 1
    at = T0 + timedelta(days=2)
    for name, decision in (("approved", "approve"), ("left", "approve"), ("declined", "decline")):
        await service.decide(
            SqlContactsUnitOfWork(engine), [uuid.UUID(cast[name])], decision, actor=None, at=at
        )  # type: ignore[arg-type]
    left = await api.post(f"/api/contacts/onboarding/people/{cast['left']}/left")
    assert left.status_code == 200, left.text
    return cast


async def test_each_state_lists_its_people_with_counts_filters_and_names(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    cast = await a_cast(api, engine)
    outsider = await person(api, "outsider@kirjasto.example")  # not a member: in no list

    everyone = await listed(api)
    assert counts(everyone) == {
        "not_invited": 1,
        "invited": 2,  # the reminded are invited people too
        "reminded": 1,
        "requested": 1,
        "approved": 1,
        "left": 1,
        "declined": 1,
    }
    assert everyone["counts"]["invited"]["more"] is False
    for state in ("invited", "reminded", "requested", "approved", "left", "declined"):
        found = await listed(api, state=state)
        expected = {cast[state]} | ({cast["reminded"]} if state == "invited" else set())
        assert ids(found) == expected, state
    assert ids(await listed(api, state="not_invited")) == {cast["waiting"]}
    assert outsider["id"] not in {i for s in cast.values() for i in [s]}
    reminded = (await listed(api, state="reminded"))["people"][0]
    assert reminded["reminders_sent"] == 1 and reminded["organisation_name"] == "Kirjasto"

    # Filters: a region, an organisation type, a part of the organisation's name.
    uusimaa = await listed(api, state="invited", region="01")
    assert ids(uusimaa) == {cast["reminded"]}
    assert counts(uusimaa)["approved"] == 1 and counts(uusimaa)["left"] == 0
    schools = await listed(api, type="education")
    assert counts(schools) == {
        "not_invited": 0,
        "invited": 1,
        "reminded": 0,
        "requested": 1,
        "approved": 0,
        "left": 1,
        "declined": 0,
    }
    assert counts(await listed(api, organisation="KIRJ%")) == dict.fromkeys(counts(schools), 0)
    assert counts(await listed(api, organisation="irjas"))["not_invited"] == 1
    assert (await listed(api, state="nonsense"))["state"] == "invited"

    # The page: tabs with counts, names not codes, a link to each person.
    page = await api.get("/staff/onboarding/people?state=invited&region=01&lang=en", headers=VIEWER)
    assert page.status_code == 200, page.text
    html = page.text
    assert 'aria-current="page">Invited <span class="count">(1)</span>' in html
    assert "Asked to join" in html and "Reminded" in html and "Not invited" in html
    assert f'href="/staff/people/{cast["reminded"]}">Virtanen, Reminded</a>' in html
    assert "<td>Uusimaa</td>" in html and "Library" in html
    assert 'name="action"' not in html  # a viewer sees the list, not the actions
    finnish = await api.get("/staff/onboarding/people?state=approved&lang=fi", headers=VIEWER)
    assert "Ryhmässä" in finnish.text and "Virtanen, Approved" in finnish.text


async def test_a_count_past_the_cap_says_more_and_pages_walk_the_list(
    api: httpx.AsyncClient, engine: AsyncEngine, monkeypatch: Any
) -> None:
    from contacts.onboarding.repository import lists as repository

    monkeypatch.setattr(repository, "COUNT_CAP", 2)  # those not invited may be very many
    for i in range(4):
        pid = await member(api, f"m{i}@kirjasto.example", first_name=f"M{i}", last_name="Aalto")
        await uninvited(engine, pid)
    for i in range(3):
        p = await person(api, f"p{i}@kirjasto.example", first_name=f"P{i}", last_name="Aalto")
        await service.invite(
            SqlContactsUnitOfWork(engine),
            uuid.UUID(p["id"]),
            settings=GROUP,
            actor=None,
            at=T0 + timedelta(hours=i),
        )
    found = await listed(api, state="not_invited", per_page="1")
    assert found["counts"]["not_invited"] == {"value": 2, "more": True}
    assert found["counts"]["invited"] == {"value": 3, "more": False}  # counted exactly
    page = await api.get("/staff/onboarding/people?state=not_invited&lang=en", headers=VIEWER)
    assert "(2+)" in page.text
    firsts = [(await listed(api, per_page="1", page=str(n)))["people"][0] for n in (1, 2, 3)]
    assert [p["first_name"] for p in firsts] == ["P2", "P1", "P0"]  # newest invitation first
    names = [
        (await listed(api, state="not_invited", per_page="1", page=str(n)))["people"][0]
        for n in (1, 2)
    ]
    assert [p["first_name"] for p in names] == ["M0", "M1"]  # by name


def report_of(html: str) -> list[tuple[str, str]]:
    section = html.split('id="report"', 1)[1].split("</section>", 1)[0]
    rows = re.findall(r'<a href="/staff/people/[^"]+">([^<]*)</a></td>\s*<td>(.*?)</td>', section)
    return [(name, result) for name, result in rows]


async def test_bulk_actions_report_per_person_what_was_done_or_skipped_and_why(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    cast = await a_cast(api, engine)
    stranger = (await person(api, "stranger@kirjasto.example", first_name="Stranger"))["id"]
    gone_quiet = await member(api, "quiet@kirjasto.example", first_name="Quiet")
    await uninvited(engine, gone_quiet)
    await sql(
        engine, "UPDATE people SET subscription_state = 'unsubscribed' WHERE id = :p", p=gone_quiet
    )
    before = len(await moderation.mails(engine))

    invite = await api.post(
        "/staff/onboarding/people?lang=en",
        data={
            "action": "invite",
            "state": "not_invited",
            "person_id": [cast["waiting"], cast["invited"], stranger, gone_quiet],
            "csrf_token": "right",
        },
        headers=CSRF,
    )
    assert invite.status_code == 200, invite.text
    assert report_of(invite.text) == [
        ("Waiting Virtanen", "Done"),
        ("Invited Virtanen", "Skipped: Already invited"),
        ("Stranger", "Refused: Not a member"),
        ("Quiet", "Refused: Unsubscribed"),
    ]
    assert "Changed: 1; already so: 1; refused: 2" in invite.text
    sent = await moderation.mails(engine)
    assert [m["to_email"] for m in sent[before:]] == ["waiting@kirjasto.example"]
    assert await moderation.projection(engine, cast["waiting"]) == "invited"

    remind = await api.post(
        "/api/contacts/onboarding/bulk",
        json={
            "action": "remind",
            "person_ids": [cast["invited"], cast["approved"], stranger, cast["left"]],
        },
    )
    assert [(r["outcome"], r["reason"]) for r in remind.json()["report"]] == [
        ("refused", "The join code has expired: invite them again"),  # invited in March
        ("unchanged", "Already in the group"),
        ("refused", "Not invited yet"),
        ("refused", "Left the group: invite them again first"),
    ]
    assert (await api.post(f"/api/contacts/onboarding/people/{cast['invited']}/invite")).is_success
    remind = await api.post(
        "/api/contacts/onboarding/bulk", json={"action": "remind", "person_ids": [cast["invited"]]}
    )
    assert remind.json()["report"][0]["outcome"] == "changed"
    again = await api.post(
        "/api/contacts/onboarding/bulk", json={"action": "remind", "person_ids": [cast["invited"]]}
    )
    assert again.json()["report"][0]["reason"] == "Reminded less than a day ago"
    reminders = await moderation.mails(engine)
    assert [m["to_email"] for m in reminders[len(sent) :]] == ["invited@kirjasto.example"] * 2
    assert reminders[-1]["idempotency_key"].startswith("onboarding-reminder:")
    async with engine.connect() as conn:
        audited = (
            await conn.execute(
                text("SELECT count(*) FROM audit_log WHERE action = 'onboarding.reminded'")
            )
        ).scalar_one()
    assert audited == 1

    left = await api.post(
        "/staff/onboarding/people?lang=fi",
        data={
            "action": "left",
            "person_id": [cast["approved"], cast["invited"]],
            "csrf_token": "right",
        },
        headers=CSRF,
    )
    assert left.status_code == 200
    assert await moderation.projection(engine, cast["approved"]) == "left"
    assert len(report_of(left.text)) == 2
    bad = await api.post(
        "/staff/onboarding/people",
        data={"action": "delete", "csrf_token": "right"},
        headers=CSRF,
    )
    assert bad.status_code == 400
