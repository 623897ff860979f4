"""Segments in contacts: preview counts on the projection, bad rules, the outbox, staff pages,
and the audit log page."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.segments import count_in
from tests.integration.test_contacts_staff_api import VIEWER, person

ADMIN = {"X-Staff-Id": "staff-a", "X-Staff-Role": "admin"}
RULE = {
    "all": [
        {"field": "language", "op": "in", "value": ["fi", "sv"]},
        {"field": "topics", "op": "contains", "value": "webinaarit"},
        {"not": {"field": "region", "op": "eq", "value": "01"}},
    ]
}


async def known_people(api: httpx.AsyncClient) -> None:
    """Six people whose languages, topics and municipalities cross the rule's conditions."""
    for i, (language, topics, municipality) in enumerate(
        [
            ("fi", ["webinaarit"], "091"),  # Helsinki, region 01: excluded by the not
            ("fi", ["webinaarit", "koulutukset"], "837"),  # Tampere
            ("sv", ["webinaarit"], None),  # no region: `not eq` includes it
            ("en", ["webinaarit"], "837"),
            ("sv", ["koulutukset"], "853"),
            ("fi", ["webinaarit"], "853"),  # Turku
        ]
    ):
        patch: dict[str, Any] = {"language": language, "topics": topics}
        if municipality:
            patch["municipality"] = municipality
        await person(api, f"p{i}@segments.example", **patch)


async def snapshot_rows(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [
            dict(r) for r in (await conn.execute(text("SELECT * FROM contact_snapshot"))).mappings()
        ]


async def test_preview_count_equals_the_compilers_count_on_known_people(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    await known_people(api)
    response = await api.post("/api/contacts/segments/preview", json={"rule": RULE}, headers=VIEWER)
    assert response.status_code == 200, response.text
    body = response.json()
    expected = count_in(RULE, await snapshot_rows(engine), datetime.now(UTC))
    assert expected == 3
    assert body["count"] == expected
    assert sorted(p["email"] for p in body["sample"]) == [
        "p1@segments.example",
        "p2@segments.example",
        "p5@segments.example",
    ]


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ({"all": [{"field": "shoe_size", "op": "eq", "value": "42"}]}, "/all/0/field"),
        ({"any": [{"field": "language", "op": "eq", "value": 7}]}, "/any/0/value"),
    ],
)
async def test_bad_rule_gets_422_with_its_path(
    api: httpx.AsyncClient, rule: dict[str, Any], path: str
) -> None:
    for call in (
        api.post("/api/contacts/segments/preview", json={"rule": rule}),
        api.post("/api/contacts/segments", json={"name": "Bad", "rule": rule}),
    ):
        response = await call
        assert response.status_code == 422, response.text
        assert response.json()["path"] == path


async def test_segment_changes_go_to_the_outbox_with_increasing_versions(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    created = await api.post(
        "/api/contacts/segments", json={"name": "Webinaarit", "description": "", "rule": RULE}
    )
    assert created.status_code == 201, created.text
    segment_id = created.json()["id"]
    viewer_change = await api.patch(
        f"/api/contacts/segments/{segment_id}", json={"name": "X"}, headers=VIEWER
    )
    assert viewer_change.status_code == 403
    renamed = await api.patch(f"/api/contacts/segments/{segment_id}", json={"name": "Webinars"})
    assert renamed.json()["version"] == 2
    archived = await api.delete(f"/api/contacts/segments/{segment_id}")
    assert archived.json()["archived"] is True
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                text("SELECT key, payload FROM outbox WHERE topic = 'contacts.segment.v1'")
            )
        ).all()
    assert [r.key for r in rows] == [segment_id] * 3
    listed = await api.get("/api/contacts/segments")
    assert segment_id not in [s["id"] for s in listed.json()]


async def test_staff_page_previews_a_rule_without_javascript(
    api: httpx.AsyncClient,
) -> None:
    await known_people(api)
    form = {"name": "Webinaarit", "description": "", "rule": json.dumps(RULE), "action": "preview"}
    page = await api.post("/staff/segments/new", data=form, headers=VIEWER)
    assert page.status_code == 200, page.text
    assert 'id="preview-count">3<' in page.text
    assert "p1@segments.example" in page.text
    assert 'name="csrf_token"' in page.text

    bad = await api.post(
        "/staff/segments/new", data={**form, "rule": '{"all": [{"field": "x<script>"}]}'}
    )
    assert bad.status_code == 422
    assert "<script>" not in bad.text
    assert 'href="#rule"' in bad.text

    saved = await api.post("/staff/segments/new", data={**form, "action": "save"})
    assert saved.status_code == 303
    listing = await api.get("/staff/segments", headers=VIEWER)
    assert "Webinaarit" in listing.text
    refused = await api.post("/staff/segments/new", data={**form, "action": "save"}, headers=VIEWER)
    assert refused.status_code == 403


async def test_audit_log_page_filters_and_is_for_admins_only(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    async with engine.begin() as conn:
        for i in range(60):
            await conn.execute(
                text(
                    "INSERT INTO audit_log (service, actor_id, action, occurred_at) "
                    "VALUES (:s, :a, :act, :at)"
                ),
                {
                    "s": "newsletter" if i % 2 else "surveys",
                    "a": f"staff-{i % 3}",
                    "act": "campaign.sent" if i % 2 else "survey.<b>launched</b>",
                    "at": datetime(2026, 11, 1 + i % 20, 12, tzinfo=UTC),
                },
            )
    assert (await api.get("/staff/audit")).status_code == 403
    assert (await api.get("/api/contacts/audit")).status_code == 403
    everything = await api.get("/api/contacts/audit", headers=ADMIN)
    assert everything.json()["total"] == 60
    page = await api.get(
        "/staff/audit",
        params={"service": "newsletter", "date_from": "2026-11-02", "date_to": "2026-11-03"},
        headers=ADMIN,
    )
    assert page.status_code == 200
    # Days 2 and 3 hold i = 1, 21, 41 (newsletter) and 2, 22, 42 (surveys).
    # Each entry as a sentence in the staff language, linked to what it concerns.
    assert page.text.count("lähetti uutiskirjeen") == 3
    first = await api.get("/staff/audit", headers=ADMIN)
    assert 'rel="next"' in first.text
    assert "&lt;b&gt;launched" in first.text
    second = await api.get("/staff/audit", params={"page": 2}, headers=ADMIN)
    assert second.text.count("<tr>") == 1 + 10
