"""Group onboarding on a real PostgreSQL: invitation mail in the outbox, pasted lines matched,
decisions in the projection, bad codes, a 200-line paste, reminders and the funnel."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from contacts.onboarding.service import onboarding as service
from contacts.onboarding.service.onboarding import OnboardingSettings
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_contacts_staff_api import EDITOR, VIEWER, person

GROUP = OnboardingSettings()


async def mails(engine: AsyncEngine, template_key: str = "onboarding_invitation") -> list[Any]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT payload FROM outbox WHERE topic = 'mail.requested.v1' ORDER BY id")
        )
        found = [json.loads(r.payload) for r in rows]
    return [m for m in found if m["template_key"] == template_key]


async def projection(engine: AsyncEngine, person_id: str) -> str:
    async with engine.connect() as conn:
        return str(
            (
                await conn.execute(
                    text("SELECT onboarding_state FROM contact_snapshot WHERE contact_id = :i"),
                    {"i": person_id},
                )
            ).scalar_one()
        )


async def invited(api: httpx.AsyncClient, email: str, **patch: Any) -> tuple[str, str]:
    p = await person(api, email, **patch)
    answer = await api.post(f"/api/contacts/onboarding/people/{p['id']}/invite")
    assert answer.status_code == 201, answer.text
    return p["id"], answer.json()["join_code"]


async def test_an_approved_membership_invites_once_with_a_code_mail_and_an_event(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    p = await person(api, "aino@kirjasto.example", language="sv")
    path = f"/api/contacts/people/{p['id']}/membership"
    assert (await api.post(path, json={"action": "apply"})).status_code == 200
    assert (await api.post(path, json={"action": "approve"})).status_code == 200
    assert (await api.post(path, json={"action": "pause"})).status_code == 200
    assert (await api.post(path, json={"action": "resume"})).status_code == 200

    sent = await mails(engine)
    assert len(sent) == 1
    mail = sent[0]
    async with engine.connect() as conn:
        code = (await conn.execute(text("SELECT code FROM join_codes"))).scalar_one()
        kinds = (await conn.execute(text("SELECT kind FROM activity"))).scalars().all()
    assert (mail["language"], mail["to_email"]) == ("sv", "aino@kirjasto.example")
    assert mail["variables"]["join_code"] == code
    assert mail["variables"]["group_name"] == "Digitukijat"
    assert set(mail["variables"]) >= {"group_name", "group_url", "join_code", "rules_url"}
    assert "onboarding_invited" in kinds
    assert await projection(engine, p["id"]) == "invited"


async def test_pasted_code_email_and_name_lines_are_matched_and_approved_into_the_snapshot(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    aino, code = await invited(api, "aino@kirjasto.example")
    bertil, _ = await invited(api, "bertil@kirjasto.example")
    cecilia, _ = await invited(api, "cecilia@kirjasto.example")
    await api.patch(f"/api/contacts/people/{cecilia}", json={"last_name": "Mäkinen"})
    await api.patch(f"/api/contacts/people/{cecilia}", json={"first_name": "Cecilia"})
    pasted = f"Aino V. – {code.lower()}\nBERTIL@kirjasto.example\nCecilia Makinen\nNobody Here\n"

    answer = await api.post("/api/contacts/onboarding/match", json={"text": pasted})
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert [(m["person_id"], m["method"]) for m in body["matched"]] == [
        (aino, "code"),
        (bertil, "email"),
        (cecilia, "name"),
    ]
    assert body["matched"][2]["confidence"] >= 0.8
    assert body["matched"][0]["person"]["membership_state"] == "none"
    assert [(u["line"], u["reason"]) for u in body["unmatched"]] == [("Nobody Here", "unknown")]
    # Pasting is a look-up: nobody moved, nothing on a timeline, until staff decide.
    assert await projection(engine, bertil) == "invited"
    async with engine.connect() as conn:
        requested = "SELECT count(*) FROM activity WHERE kind = 'onboarding_requested'"
        assert (await conn.execute(text(requested))).scalar_one() == 0

    decided = await api.post(
        "/api/contacts/onboarding/decide", json={"decision": "approve", "text": pasted}
    )
    result = decided.json()
    assert (result["decided"], result["refused"]) == ([aino, bertil, cecilia], [])
    assert [r["outcome"] for r in result["report"]] == ["changed"] * 3
    assert [await projection(engine, p) for p in (aino, bertil, cecilia)] == ["approved"] * 3
    async with engine.connect() as conn:
        row = (
            await conn.execute(
                text("SELECT decided_by, decided_at FROM onboarding WHERE person_id = :p"),
                {"p": aino},
            )
        ).one()
    assert row.decided_by == EDITOR["X-Staff-Id"] and row.decided_at is not None

    again = (await api.post("/api/contacts/onboarding/match", json={"text": code})).json()
    assert [u["reason"] for u in again["unmatched"]] == ["reused_code"]


async def test_two_people_with_the_same_name_are_ambiguous_and_neither_is_ticked(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    first, _ = await invited(api, "aino.v@kirjasto.example", last_name="Virtanen")
    second, _ = await invited(api, "aino.virtanen@kirjasto.example", last_name="Virtanen")
    for pid in (first, second):
        await api.patch(f"/api/contacts/people/{pid}", json={"first_name": "Aino"})

    body = (await api.post("/api/contacts/onboarding/match", json={"text": "Aino Virtanen"})).json()
    assert body["matched"] == [] and body["unmatched"] == []
    [line] = body["ambiguous"]
    assert line["person_id"] is None and {c["email"] for c in line["choices"]} == {
        "aino.v@kirjasto.example",
        "aino.virtanen@kirjasto.example",
    }

    page = await api.post("/staff/onboarding/match", data={"text": "Aino Virtanen"})
    assert page.status_code == 200 and 'id="ambiguous"' in page.text
    boxes = re.findall(r'<input type="checkbox" id="choice-[^>]*>', page.text)
    assert len(boxes) == 2 and not any("checked" in b for b in boxes)
    assert {first, second} == {re.search(r'value="([^"]+)"', b).group(1) for b in boxes}  # type: ignore[union-attr]
    assert [await projection(engine, p) for p in (first, second)] == ["invited", "invited"]


async def test_expired_and_mistyped_codes_are_listed_with_their_reason(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    p = await person(api, "old@kirjasto.example", first_name="Vanha", last_name="Kutsu")
    long_ago = datetime.now(UTC) - timedelta(days=GROUP.code_valid_days + 1)
    old = await service.invite(
        SqlContactsUnitOfWork(engine), uuid.UUID(p["id"]), settings=GROUP, actor=None, at=long_ago
    )
    mistyped = old[:-1] + ("2" if old[-1] != "2" else "3")
    body = (
        await api.post("/api/contacts/onboarding/match", json={"text": f"{old}\n{mistyped}"})
    ).json()
    assert body["matched"] == []
    assert [u["reason"] for u in body["unmatched"]] == ["expired_code", "unknown_code"]


async def test_a_pasted_block_of_200_mixed_lines_is_matched_in_one_call(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    lines: list[str] = []
    expected: list[str] = []
    for i in range(60):
        last = "Suku" + chr(97 + i // 26) + chr(97 + i % 26)
        p = await person(api, f"m{i}@verkosto.example", last_name=last)
        code = await service.invite(
            SqlContactsUnitOfWork(engine), uuid.UUID(p["id"]), settings=GROUP, actor=None
        )
        if i % 3 == 0:
            lines.append(f"T {last} answered: {code}")
        elif i % 3 == 1:
            lines.append(f"Request from M{i}@verkosto.example")
        else:
            lines.append(f"Someone Else {i}")
            continue
        expected.append(p["id"])
    lines += [f"Tuntematon Henkilö {i} ZZ2Z-9ZZZ" for i in range(200 - len(lines))]
    assert len(lines) == 200
    answer = await api.post("/api/contacts/onboarding/match", json={"text": "\n".join(lines)})
    assert answer.status_code == 200
    body = answer.json()
    assert [m["person_id"] for m in body["matched"]] == expected
    assert len(body["unmatched"]) == 200 - len(expected)


async def test_reminders_wait_n_days_stop_after_m_and_skip_decided_or_unsubscribed(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    group = OnboardingSettings(remind_after_days=7, max_reminders=2)
    t0 = datetime.now(UTC) - timedelta(days=1)
    ids = {}
    for name in ("silent", "approved", "declined", "unsubscribed"):
        p = await person(api, f"{name}@kirjasto.example")
        ids[name] = uuid.UUID(p["id"])
        await service.invite(
            SqlContactsUnitOfWork(engine), ids[name], settings=group, actor=None, at=t0
        )
    await service.decide(
        SqlContactsUnitOfWork(engine), [ids["approved"]], "approve", actor=None, at=t0
    )
    await service.decide(
        SqlContactsUnitOfWork(engine), [ids["declined"]], "decline", actor=None, at=t0
    )
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE people SET subscription_state = 'unsubscribed' WHERE id = :i"),
            {"i": ids["unsubscribed"]},
        )

    sent = [
        await service.send_reminders(
            SqlContactsUnitOfWork(engine), settings=group, now=t0 + timedelta(days=d)
        )
        for d in (6, 7, 8, 13, 14, 30, 60)
    ]
    assert sent == [0, 1, 0, 0, 1, 0, 0]
    reminders = await mails(engine)
    keys = [m["idempotency_key"] for m in reminders if "reminder" in m["idempotency_key"]]
    assert keys == [
        f"onboarding-reminder:{ids['silent']}:1",
        f"onboarding-reminder:{ids['silent']}:2",
    ]


async def test_funnel_counts_and_medians_by_region_and_organisation_type(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    org = await api.post(
        "/api/contacts/organisations", json={"name": "Kirjasto", "type": "library"}
    )
    assert org.status_code == 201, org.text
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
            link = await api.post(
                f"/api/contacts/people/{p['id']}/organisations",
                json={"organisation_id": org.json()["id"]},
            )
            assert link.status_code in (200, 201), link.text
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
            await service.decide(
                SqlContactsUnitOfWork(engine),
                [pid],
                "approve",
                actor=None,
                at=t0 + timedelta(hours=to_request + to_approval),
            )
    outside = await person(api, "outside@kirjasto.example")
    await service.invite(
        SqlContactsUnitOfWork(engine),
        uuid.UUID(outside["id"]),
        settings=GROUP,
        actor=None,
        at=t0 - timedelta(days=40),
    )

    answer = await api.get(
        "/api/contacts/onboarding/funnel",
        params={"start": "2026-02-15T00:00:00Z", "end": "2026-03-15T00:00:00Z"},
        headers=VIEWER,
    )
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["total"] == {
        "invited": 4,
        "requested": 3,
        "approved": 2,
        "median_hours_to_request": 4.0,
        "median_hours_to_approval": 20.0,
        "left": 0,
    }
    regions = {r["key"]: (r["invited"], r["requested"], r["approved"]) for r in body["by_region"]}
    assert regions == {"01": (2, 2, 2), "06": (2, 1, 0)}
    types = {r["key"]: r for r in body["by_organisation_type"]}
    assert (types["library"]["invited"], types["library"]["median_hours_to_request"]) == (2, 4.0)
    assert (types[None]["invited"], types[None]["approved"]) == (2, 1)


async def test_staff_page_matches_pasted_lines_and_approves_the_ticked_ones_without_js(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    aino, code = await invited(api, "aino@kirjasto.example")
    page = await api.get("/staff/onboarding")
    assert page.status_code == 200 and '<textarea id="text" name="text"' in page.text
    empty = await api.post("/staff/onboarding/match", data={"text": " "})
    assert empty.status_code == 422 and 'href="#text"' in empty.text

    matched = await api.post("/staff/onboarding/match", data={"text": f"{code}\n<b>Ei ketään</b>"})
    assert matched.status_code == 200
    assert f'name="person_id" value="{aino}"' in matched.text
    assert "&lt;b&gt;Ei ketään&lt;/b&gt;" in matched.text and "<b>Ei" not in matched.text

    forged = await api.post(
        "/staff/onboarding/decide",
        data={"person_id": aino, "decision": "approve", "csrf_token": "wrong"},
        headers={"X-Staff-Csrf": "right"},
    )
    assert forged.status_code == 403
    viewer = await api.post(
        "/staff/onboarding/decide", data={"person_id": aino, "decision": "approve"}, headers=VIEWER
    )
    assert viewer.status_code == 403
    done = await api.post(
        "/staff/onboarding/decide",
        data={"person_id": aino, "decision": "approve", "csrf_token": "right"},
        headers={"X-Staff-Csrf": "right"},
    )
    assert done.status_code == 200 and 'id="report"' in done.text
    assert await projection(engine, aino) == "approved"
