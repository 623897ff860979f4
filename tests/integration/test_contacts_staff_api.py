"""Staff API of contacts: organisations, people search, memberships, topics, timeline, export."""

from __future__ import annotations

from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

# The signup tests' fixtures: a contacts database of their own, emptied and seeded per test.

EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor"}
VIEWER = {"X-Staff-Id": "staff-v", "X-Staff-Role": "viewer"}


async def person(api: httpx.AsyncClient, email: str, **patch: Any) -> dict[str, Any]:
    created = await api.post("/api/contacts/people", json={"email": email, "first_name": "T"})
    assert created.status_code == 201, created.text
    if patch:
        changed = await api.patch(f"/api/contacts/people/{created.json()['id']}", json=patch)
        assert changed.status_code == 200, changed.text
        return changed.json()  # type: ignore[no-any-return]
    return created.json()  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"name": "Kirjasto", "business_id": "1234567-8"}, "business_id"),
        ({"name": "Kirjasto", "municipality_code": "998"}, "municipality_code"),
        ({"name": "Kirjasto", "region_code": "03"}, "region_code"),
        ({"name": "Kirjasto", "type": "castle"}, "type"),
    ],
)
async def test_bad_organisation_gets_422_naming_the_field(
    api: httpx.AsyncClient, body: dict[str, str], field: str
) -> None:
    response = await api.post("/api/contacts/organisations", json=body)
    assert response.status_code == 422
    assert response.json()["field"] == field


async def test_organisations_are_created_searched_edited_and_protected(
    api: httpx.AsyncClient,
) -> None:
    parent = await api.post(
        "/api/contacts/organisations",
        json={
            "name": "Helsingin kaupunki",
            "type": "municipality",
            "business_id": "0201256-6",
            "municipality_code": "091",
        },
    )
    assert parent.status_code == 201, parent.text
    assert parent.json()["region"] == "01"
    child = await api.post(
        "/api/contacts/organisations",
        json={
            "name": "Oodi",
            "type": "library",
            "municipality_code": "091",
            "parent_id": parent.json()["id"],
            "website": "oodihelsinki.fi",
        },
    )
    assert child.status_code == 201
    dup = await api.post(
        "/api/contacts/organisations", json={"name": "Toinen", "business_id": "0201256-6"}
    )
    assert dup.status_code == 409
    found = await api.get(
        "/api/contacts/organisations", params={"q": "oOd", "region": "01"}, headers=VIEWER
    )
    assert [o["name"] for o in found.json()["items"]] == ["Oodi"]
    assert (await api.get("/api/contacts/organisations", params={"type": "library"})).json()[
        "total"
    ] == 1
    p = await person(api, "lib@example.fi", topics=["webinaarit"])
    link = await api.post(
        f"/api/contacts/people/{p['id']}/organisations",
        json={"organisation_id": child.json()["id"], "role": "kirjastonhoitaja"},
    )
    assert link.status_code == 201
    renamed = await api.patch(
        f"/api/contacts/organisations/{child.json()['id']}", json={"name": "Keskustakirjasto Oodi"}
    )
    assert renamed.status_code == 200
    hits = await api.get(
        "/api/contacts/people",
        params={
            "q": "keskustakirjasto",
            "organisation_type": "library",
            "region": "01",
            "topic": "webinaarit",
        },
    )
    assert hits.json()["total"] == 1
    assert hits.json()["items"][0]["organisation_name"] == "Keskustakirjasto Oodi"
    assert (
        await api.delete(f"/api/contacts/organisations/{child.json()['id']}")
    ).status_code == 409
    viewer_edit = await api.patch(
        f"/api/contacts/organisations/{child.json()['id']}", json={"name": "X"}, headers=VIEWER
    )
    assert viewer_edit.status_code == 403


async def test_people_search_filters_and_pages(api: httpx.AsyncClient) -> None:
    for i in range(5):
        await person(
            api,
            f"p{i}@example.fi",
            municipality="179" if i % 2 else "091",
            topics=["koulutukset"] if i < 2 else [],
        )
    page = await api.get("/api/contacts/people", params={"per_page": 2, "page": 3})
    assert (page.json()["total"], len(page.json()["items"])) == (5, 1)
    assert (await api.get("/api/contacts/people", params={"region": "13"})).json()["total"] == 2
    assert (await api.get("/api/contacts/people", params={"municipality": "091"})).json()[
        "total"
    ] == 3
    assert (await api.get("/api/contacts/people", params={"topic": "koulutukset"})).json()[
        "total"
    ] == 2
    assert (await api.get("/api/contacts/people", params={"q": "P3@"})).json()["total"] == 1
    assert (await api.get("/api/contacts/people", params={"q": "%"})).json()["total"] == 0


async def test_membership_is_approved_by_staff_and_shows_in_timeline_and_export(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    p = await person(api, "member@example.fi", phone="040 123 4567", title="Digituen asiantuntija")
    assert p["phone"] == "+358401234567"
    assert (
        await api.post(f"/api/contacts/people/{p['id']}/membership", json={"action": "approve"})
    ).status_code == 404
    applied = await api.post(
        f"/api/contacts/people/{p['id']}/membership",
        json={"action": "apply", "ecosystem_role": "provider_developer"},
    )
    assert applied.json()["state"] == "pending"
    pending = await api.get("/api/contacts/people", params={"membership": "pending"})
    assert pending.json()["total"] == 1
    approved = await api.post(
        f"/api/contacts/people/{p['id']}/membership", json={"action": "approve"}
    )
    assert approved.status_code == 200
    assert (approved.json()["state"], approved.json()["decided_by"]) == ("active", "staff-e")
    again = await api.post(f"/api/contacts/people/{p['id']}/membership", json={"action": "approve"})
    assert again.status_code == 409
    timeline = (await api.get(f"/api/contacts/people/{p['id']}/timeline")).json()
    assert [t["details"].get("state") for t in timeline if t["kind"] == "membership_changed"] == [
        "active",
        "pending",
    ]
    export = await api.get(f"/api/contacts/people/{p['id']}/export", headers=VIEWER)
    assert export.status_code == 200
    assert "attachment" in export.headers["content-disposition"]
    data = export.json()
    assert data["person"]["email"] == "member@example.fi"
    assert data["membership"]["state"] == "active"
    assert data["published_snapshot"]["membership_state"] == "active"
    assert data["published_snapshot"]["ecosystem_role"] == "provider_developer"
    async with engine.connect() as conn:
        actions = (
            (await conn.execute(text("SELECT action FROM audit_log ORDER BY id"))).scalars().all()
        )
        events = (
            await conn.execute(
                text("SELECT count(*) FROM outbox WHERE topic = 'contacts.events.v1'")
            )
        ).scalar_one()
    assert actions == [
        "person.created",
        "person.updated",
        "membership.apply",
        "membership.approve",
        "person.exported",
    ]
    # applied, approved, and the Facebook-group invitation an active membership brings
    assert events == 3


async def test_bad_phone_or_unknown_topic_is_422(api: httpx.AsyncClient) -> None:
    p = await person(api, "x@example.fi")
    phone = await api.patch(f"/api/contacts/people/{p['id']}", json={"phone": "12ab"})
    topic = await api.patch(f"/api/contacts/people/{p['id']}", json={"topics": ["nope"]})
    assert (phone.status_code, phone.json()["field"]) == (422, "phone")
    assert (topic.status_code, topic.json()["field"]) == (422, "topics")


async def test_topics_are_seeded_and_managed_by_staff(api: httpx.AsyncClient) -> None:
    seeded = (await api.get("/api/contacts/topics", headers=VIEWER)).json()
    assert len(seeded) == 10
    assert seeded[0]["name_fi"] == "Digitaitoviikko"
    created = await api.post(
        "/api/contacts/topics", json={"key": "tekoaly", "name_fi": "Tekoäly", "name_en": "AI"}
    )
    assert created.status_code == 201 and created.json()["name_sv"] == "Tekoäly"
    assert (
        await api.post("/api/contacts/topics", json={"key": "tekoaly", "name_fi": "X"})
    ).status_code == 409
    assert (
        await api.post("/api/contacts/topics", json={"key": "Bad Key!", "name_fi": "X"})
    ).status_code == 422
    archived = await api.patch("/api/contacts/topics/tekoaly", json={"archived": True})
    assert archived.json()["archived"] is True
    assert len((await api.get("/api/contacts/topics")).json()) == 10
    assert len((await api.get("/api/contacts/topics?include_archived=true")).json()) == 11
