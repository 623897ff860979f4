"""The first real flow: a person created in contacts reaches both replicas; erasure too."""

from __future__ import annotations

import uuid

import httpx
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.snapshot import PERSONAL_COLUMNS
from tests.e2e.conftest import Workers
from tests.support.polling import eventually

REPLICAS = ("newsletter", "surveys", "events")


async def replica_row(engine: AsyncEngine, contact_id: str) -> dict[str, object] | None:
    async with engine.connect() as conn:
        row = (
            (
                await conn.execute(
                    text("SELECT * FROM contact_snapshot WHERE contact_id = :id"),
                    {"id": contact_id},
                )
            )
            .mappings()
            .first()
        )
    return dict(row) if row else None


async def test_created_person_reaches_both_replicas_and_erasure_clears_them(
    workers: Workers, contacts_api: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    created = await contacts_api.post(
        "/api/contacts/people",
        json={
            "email": "Aino.Virtanen@Kirjasto.example",
            "first_name": "Aino",
            "last_name": "Virtanen",
            "language": "sv",
        },
    )
    assert created.status_code == 201, created.text
    person = created.json()
    assert person["email"] == "aino.virtanen@kirjasto.example"

    for service in REPLICAS:
        row = await eventually(
            lambda s=service: replica_row(clean_db[s], person["id"]),
            lambda r: r is not None and r["version"] == person["version"],
            what=f"{service} replica has the new person",
        )
        assert row is not None
        assert (row["email"], row["first_name"], row["language"]) == (
            "aino.virtanen@kirjasto.example",
            "Aino",
            "sv",
        )

    changed = await contacts_api.patch(
        f"/api/contacts/people/{person['id']}", json={"first_name": "Aina"}
    )
    assert changed.status_code == 200
    for service in REPLICAS:
        await eventually(
            lambda s=service: replica_row(clean_db[s], person["id"]),
            lambda r: r is not None and r["first_name"] == "Aina" and r["version"] == 2,
            what=f"{service} replica has the change",
        )

    erased = await contacts_api.delete(f"/api/contacts/people/{person['id']}")
    assert erased.status_code == 204
    for service in REPLICAS:
        row = await eventually(
            lambda s=service: replica_row(clean_db[s], person["id"]),
            lambda r: r is not None and r["erased"] is True,
            what=f"{service} replica erased the person",
        )
        assert row is not None
        assert all(row[c] in (None, []) for c in PERSONAL_COLUMNS), row
    assert (await contacts_api.get(f"/api/contacts/people/{person['id']}")).status_code == 404


async def test_unknown_person_and_bad_email_give_clear_4xx(
    contacts_api: httpx.AsyncClient,
) -> None:
    missing = await contacts_api.get(f"/api/contacts/people/{uuid.uuid4()}")
    assert missing.status_code == 404
    bad = await contacts_api.post("/api/contacts/people", json={"email": "not-an-address"})
    assert bad.status_code == 422
    assert bad.json()["field"] == "email"
    first = await contacts_api.post("/api/contacts/people", json={"email": "a@example.fi"})
    again = await contacts_api.post("/api/contacts/people", json={"email": "A@example.fi"})
    assert (first.status_code, again.status_code) == (201, 409)


async def test_staff_headers_are_required(clean_db: object) -> None:
    from contacts.app import create_app

    app = create_app()
    async with httpx.AsyncClient(
        transport=httpx.ASGITransport(app=app), base_url="http://contacts"
    ) as client:
        anonymous = await client.post("/api/contacts/people", json={"email": "b@example.fi"})
        viewer = await client.post(
            "/api/contacts/people",
            json={"email": "b@example.fi"},
            headers={"X-Staff-Id": "v", "X-Staff-Role": "viewer"},
        )
    assert (anonymous.status_code, viewer.status_code) == (401, 403)
