"""Tags, merging duplicates and engagement in contacts (real PostgreSQL, API in process)."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import httpx
from contacts.activity.service import apply_mail_event, apply_survey_response
from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.tables import contact_snapshot
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.mail import MailEventV1
from shared.events.surveys import ResponseSubmittedV1
from shared.segments.compiler import count_matching

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


async def scalar(engine: AsyncEngine, sql: str, **params: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(text(sql), params)).scalar()


async def test_tags_are_shared_case_insensitively_filter_people_and_reach_segments(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    a = await person(api, "a@example.fi")
    b = await person(api, "b@example.fi")
    first = await api.post(f"/api/contacts/people/{a['id']}/tags", json={"name": " Puhuja  2025 "})
    assert first.status_code == 200, first.text
    assert first.json()["tags"] == ["Puhuja 2025"]
    second = await api.post(f"/api/contacts/people/{b['id']}/tags", json={"name": "PUHUJA 2025"})
    assert second.json()["tags"] == ["Puhuja 2025"]  # the existing spelling is reused
    assert (
        await api.post(f"/api/contacts/people/{b['id']}/tags", json={"name": ""})
    ).status_code == 422
    listed = (await api.get("/api/contacts/tags", headers=VIEWER)).json()
    assert listed == [{"name": "Puhuja 2025", "people": 2}]

    removed = await api.delete(f"/api/contacts/people/{b['id']}/tags/puhuja 2025")
    assert removed.json()["tags"] == []
    found = (await api.get("/api/contacts/people", params={"tag": "Puhuja 2025"})).json()
    assert [p["contact_id"] for p in found["items"]] == [a["id"]]
    page = await api.get("/staff/people", params={"tag": "Puhuja 2025"})
    assert (
        page.status_code == 200 and "a@example.fi" in page.text and "b@example.fi" not in page.text
    )

    rule = {"field": "tags", "op": "contains", "value": "Puhuja 2025"}
    async with engine.connect() as conn:
        assert await count_matching(conn, contact_snapshot, rule, datetime.now(UTC)) == 1
    published = await scalar(
        engine,
        "SELECT convert_from(payload, 'UTF8') FROM outbox WHERE topic = 'contacts.contact.v1' "
        "AND key = :k ORDER BY id DESC LIMIT 1",
        k=a["id"],
    )
    assert "Puhuja 2025" in published
    actions = await scalar(engine, "SELECT string_agg(action, ',' ORDER BY id) FROM audit_log")
    assert actions == "person.created,person.created,person.tagged,person.tagged,person.untagged"


async def test_opens_and_survey_answers_move_last_engaged_on_once_a_day(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    p = await person(api, "engaged@example.fi")
    pid = uuid.UUID(p["id"])

    def opened(at: datetime) -> MailEventV1:
        return MailEventV1(
            delivery_id=uuid.uuid4(),
            outcome="opened",
            occurred_at=at,
            origin="campaign",
            contact_id=pid,
        )

    for at in (datetime(2026, 3, 2, 8, tzinfo=UTC), datetime(2026, 3, 2, 9, tzinfo=UTC)):
        async with engine.begin() as conn:
            await apply_mail_event(JoinedContactsUnitOfWork(conn), opened(at))
    got = (await api.get(f"/api/contacts/people/{pid}")).json()
    assert got["last_engaged_on"] == "2026-03-02"
    assert got["version"] == p["version"] + 1  # two opens on one day: one snapshot
    async with engine.begin() as conn:
        await apply_mail_event(
            JoinedContactsUnitOfWork(conn), opened(datetime(2026, 1, 1, tzinfo=UTC))
        )
        await apply_survey_response(
            JoinedContactsUnitOfWork(conn),
            ResponseSubmittedV1(
                response_id=uuid.uuid4(),
                survey_id=uuid.uuid4(),
                submitted_on=date(2026, 3, 5),
                contact_id=pid,
            ),
        )
    got = (await api.get(f"/api/contacts/people/{pid}")).json()
    assert got["last_engaged_on"] == "2026-03-05"  # an older open never moves it back
    rule = {"field": "last_engaged_on", "op": "after", "value": "2026-03-04"}
    async with engine.connect() as conn:
        assert await count_matching(conn, contact_snapshot, rule, datetime.now(UTC)) == 1
    page = await api.get(f"/staff/people/{pid}")
    assert "5.3.2026" in page.text or "2026-03-05" in page.text


async def org(api: httpx.AsyncClient, name: str) -> str:
    created = await api.post("/api/contacts/organisations", json={"name": name})
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


async def test_merge_moves_history_keeps_chosen_values_and_removes_the_other(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    library = await org(api, "Kirjasto")
    keep = await person(
        api, "aino.virtanen@example.fi", last_name="Virtanen", topics=["webinaarit"]
    )
    other = await person(
        api,
        "ainovirtanen+news@example.fi",
        last_name="Virtanen",
        phone="040 123 4567",
        topics=["koulutukset"],
    )
    kid, oid = keep["id"], other["id"]
    await api.post(f"/api/contacts/people/{oid}/organisations", json={"organisation_id": library})
    await api.post(f"/api/contacts/people/{oid}/tags", json={"name": "puhuja"})
    await api.post(f"/api/contacts/people/{oid}/notes", json={"text": "Soitettu"})
    await api.post(f"/api/contacts/people/{oid}/membership", json={"action": "apply"})
    await api.post(f"/api/contacts/people/{oid}/membership", json={"action": "approve"})
    await api.post(f"/api/contacts/people/{kid}/membership", json={"action": "apply"})

    dupes = (await api.get("/api/contacts/duplicates", headers=VIEWER)).json()
    assert {(d["reason"], frozenset((d["a"]["id"], d["b"]["id"]))) for d in dupes} == {
        ("email", frozenset((kid, oid)))
    }
    assert (
        await api.post(
            "/api/contacts/merges", json={"keep_id": kid, "merge_id": oid}, headers=VIEWER
        )
    ).status_code == 403
    merged = await api.post(
        "/api/contacts/merges",
        json={"keep_id": kid, "merge_id": oid, "from_other": ["phone"]},
    )
    assert merged.status_code == 200, merged.text
    body = merged.json()
    assert (body["email"], body["phone"]) == ("aino.virtanen@example.fi", "+358401234567")
    assert (body["topics"], body["tags"]) == (["koulutukset", "webinaarit"], ["puhuja"])
    assert (await api.get(f"/api/contacts/people/{oid}")).status_code == 404

    export = (await api.get(f"/api/contacts/people/{kid}/export")).json()
    assert [o["organisation_id"] for o in export["organisations"]] == [library]
    assert export["membership"]["state"] == "active"  # the more advanced of the two
    assert export["published_snapshot"]["organisation_name"] == "Kirjasto"
    timeline = (await api.get(f"/api/contacts/people/{kid}/timeline")).json()
    kinds = [t["kind"] for t in timeline]
    assert "note" in kinds and "merged" in kinds
    merged_entry = next(t for t in timeline if t["kind"] == "merged")
    assert merged_entry["details"] == {"merged_from": oid, "merged_into": kid}
    assert "ainovirtanen" not in str(timeline)  # the removed address: audit log only

    snapshot_erased = await scalar(
        engine, "SELECT erased FROM contact_snapshot WHERE contact_id = :i", i=oid
    )
    assert snapshot_erased is True
    tombstones = await scalar(
        engine,
        "SELECT count(*) FROM outbox WHERE topic = 'contacts.contact.v1' AND key = :k "
        "AND payload IS NULL",
        k=oid,
    )
    assert tombstones == 1
    audit = await scalar(
        engine, "SELECT details::text FROM audit_log WHERE action = 'person.merged'"
    )
    # The entry names the removed record by id: its address would outlive an erasure.
    assert oid in audit and "ainovirtanen+news@example.fi" not in audit
    assert await scalar(engine, "SELECT count(*) FROM people") == 1


async def test_merge_can_take_the_other_address_and_refuses_itself(
    api: httpx.AsyncClient,
) -> None:
    keep = await person(api, "old@example.fi")
    other = await person(api, "new@example.fi")
    same = await api.post(
        "/api/contacts/merges", json={"keep_id": keep["id"], "merge_id": keep["id"]}
    )
    assert same.status_code == 422
    merged = await api.post(
        "/api/contacts/merges",
        json={"keep_id": keep["id"], "merge_id": other["id"], "from_other": ["email"]},
    )
    assert merged.status_code == 200, merged.text
    assert merged.json()["email"] == "new@example.fi"
    page = await api.get("/staff/duplicates")
    assert page.status_code == 200
