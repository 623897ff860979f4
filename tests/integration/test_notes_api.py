"""Staff notes over the API: Editor adds, Viewer reads, notes join the person's timeline."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_contacts_staff_api import VIEWER, person


async def test_editor_note_on_a_person_is_listed_and_shown_newest_in_the_timeline(
    api: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    someone = await person(api, f"muistio-{uuid.uuid4().hex[:6]}@kirjasto.example")
    # Text PostgreSQL cannot store is refused by name before any route runs (the input guard).
    nul = {"text": "Soitti\x00 tiistaina"}
    refused = await api.post(f"/api/contacts/people/{someone['id']}/notes", json=nul)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "text"]
    body = {"text": "<script>alert(1)</script>\r\nSoitti tiistaina"}
    added = await api.post(f"/api/contacts/people/{someone['id']}/notes", json=body)
    assert added.status_code == 201, added.text
    note = added.json()
    assert (note["text"], note["author"]) == (
        "<script>alert(1)</script>\nSoitti tiistaina",
        "staff-e",
    )

    listed = await api.get(f"/api/contacts/people/{someone['id']}/notes", headers=VIEWER)
    assert [n["id"] for n in listed.json()] == [note["id"]]
    timeline = (await api.get(f"/api/contacts/people/{someone['id']}/timeline")).json()
    assert timeline[0]["kind"] == "note"
    assert timeline[0]["details"] == {"id": note["id"], "author": "staff-e", "text": note["text"]}
    async with engine.connect() as conn:
        audited = (
            await conn.execute(
                text(
                    "SELECT details FROM audit_log WHERE action = 'note.added' AND target_id = :t"
                ),
                {"t": someone["id"]},
            )
        ).scalar_one()
    assert audited == {"note_id": note["id"]}  # the audit log does not copy the text


async def test_viewer_cannot_add_a_note_and_bad_notes_get_clear_answers(
    api: httpx.AsyncClient,
) -> None:
    someone = await person(api, f"muistio-{uuid.uuid4().hex[:6]}@kirjasto.example")
    url = f"/api/contacts/people/{someone['id']}/notes"
    assert (await api.post(url, json={"text": "x"}, headers=VIEWER)).status_code == 403
    blank = await api.post(url, json={"text": " \n "})
    assert (blank.status_code, blank.json()["field"]) == (422, "text")
    missing = await api.post(f"/api/contacts/people/{uuid.uuid4()}/notes", json={"text": "x"})
    assert missing.status_code == 404
    assert (await api.get(url, headers=VIEWER)).json() == []


async def test_organisation_notes_are_kept_per_organisation(api: httpx.AsyncClient) -> None:
    org = await api.post("/api/contacts/organisations", json={"name": "Muistion kirjasto"})
    assert org.status_code == 201, org.text
    url = f"/api/contacts/organisations/{org.json()['id']}/notes"
    for words in ("Ensimmäinen", "Toinen"):
        assert (await api.post(url, json={"text": words})).status_code == 201
    listed = (await api.get(url, headers=VIEWER)).json()
    assert sorted(n["text"] for n in listed) == ["Ensimmäinen", "Toinen"]
    assert all(n["organisation_id"] == org.json()["id"] for n in listed)
    missing = await api.get(f"/api/contacts/organisations/{uuid.uuid4()}/notes", headers=VIEWER)
    assert missing.status_code == 404
