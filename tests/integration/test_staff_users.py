"""Admins manage staff users: invitation by mail, roles, deactivation, no lock-out."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from contacts.app import create_app
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

PASSWORD = "correct horse battery staple"


@pytest.fixture
async def app_and_admin(
    clean_db: dict[str, AsyncEngine],
) -> AsyncIterator[tuple[httpx.AsyncClient, dict[str, str], AsyncEngine]]:
    app = create_app()
    async with app.router.lifespan_context(app):
        admin = await staff_service.create_staff(
            SqlContactsUnitOfWork(app.state.engine),
            email="admin@digituki.fi",
            name="Aino",
            role="admin",
            password=PASSWORD,
        )
        headers = {"X-Staff-Id": str(admin.id), "X-Staff-Role": "admin", "Accept-Language": "en"}
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://crm.digituki.test"
        ) as client:
            yield client, headers, app.state.engine


async def _members(
    client: httpx.AsyncClient, headers: dict[str, str]
) -> dict[str, dict[str, object]]:
    listed = await client.get("/api/contacts/staff-users", headers=headers)
    assert listed.status_code == 200
    return {m["email"]: m for m in listed.json()}


async def test_an_invited_colleague_gets_a_password_link_and_no_password(
    app_and_admin: tuple[httpx.AsyncClient, dict[str, str], AsyncEngine],
) -> None:
    client, headers, engine = app_and_admin
    page = await client.post(
        "/staff/users",
        headers=headers,
        data={"email": "Uusi.Kollega@Digituki.fi", "name": "Uusi", "role": "viewer"},
    )
    assert page.status_code == 303
    members = await _members(client, headers)
    assert members["uusi.kollega@digituki.fi"]["role"] == "viewer"
    query = text("SELECT payload FROM outbox WHERE topic LIKE '%mail.requested.v1'")
    async with engine.connect() as conn:
        mails = [bytes(p).decode() for p in (await conn.execute(query)).scalars()]
    assert len(mails) == 1
    assert "/login/reset/" in mails[0] and "uusi.kollega@digituki.fi" in mails[0]
    # No password anyone knows: signing in with a guess fails.
    with pytest.raises(staff_service.SignInRefused):
        await staff_service.sign_in(
            SqlContactsUnitOfWork(engine), email="uusi.kollega@digituki.fi", password=PASSWORD
        )
    listed = await client.get("/staff/users?invited=uusi.kollega@digituki.fi", headers=headers)
    assert "Invitation sent to uusi.kollega@digituki.fi" in listed.text


async def test_a_deactivated_user_loses_their_session_and_can_be_reactivated(
    app_and_admin: tuple[httpx.AsyncClient, dict[str, str], AsyncEngine],
) -> None:
    client, headers, engine = app_and_admin
    editor = await staff_service.create_staff(
        SqlContactsUnitOfWork(engine),
        email="editor@digituki.fi",
        name="Eeva",
        role="editor",
        password=PASSWORD,
    )
    signed_in = await staff_service.sign_in(
        SqlContactsUnitOfWork(engine), email="editor@digituki.fi", password=PASSWORD
    )
    assert await staff_service.session(SqlContactsUnitOfWork(engine), signed_in.token) is not None
    off = await client.post(f"/staff/users/{editor.id}", headers=headers, data={"active": "no"})
    assert off.status_code == 303
    assert await staff_service.session(SqlContactsUnitOfWork(engine), signed_in.token) is None
    with pytest.raises(staff_service.SignInRefused):
        await staff_service.sign_in(
            SqlContactsUnitOfWork(engine), email="editor@digituki.fi", password=PASSWORD
        )
    back = await client.patch(
        f"/api/contacts/staff-users/{editor.id}",
        headers=headers,
        json={"active": True, "role": "admin"},
    )
    assert back.status_code == 200
    assert back.json()["active"] is True and back.json()["role"] == "admin"
    query = text("SELECT details FROM audit_log WHERE action = 'staff.access_changed' ORDER BY id")
    async with engine.connect() as conn:
        actions = (await conn.execute(query)).scalars().all()
    assert actions == [{"role": "editor", "active": False}, {"role": "admin", "active": True}]


async def test_nobody_removes_their_own_access_or_the_last_admin(
    app_and_admin: tuple[httpx.AsyncClient, dict[str, str], AsyncEngine],
) -> None:
    client, headers, _ = app_and_admin
    me = (await _members(client, headers))["admin@digituki.fi"]
    own = await client.post(f"/staff/users/{me['id']}", headers=headers, data={"role": "viewer"})
    assert own.status_code == 422
    assert "You cannot remove your own access" in own.text
    assert 'role="alert"' in own.text
    # Another admin tries to demote the only admin: refused as well.
    other = {**headers, "X-Staff-Id": "someone-else"}
    last = await client.patch(
        f"/api/contacts/staff-users/{me['id']}", headers=other, json={"role": "editor"}
    )
    assert last.status_code == 409
    assert (await _members(client, headers))["admin@digituki.fi"]["role"] == "admin"


async def test_only_admins_see_or_change_staff_users(
    app_and_admin: tuple[httpx.AsyncClient, dict[str, str], AsyncEngine],
) -> None:
    client, headers, _ = app_and_admin
    editor = {**headers, "X-Staff-Role": "editor"}
    assert (await client.get("/staff/users", headers=editor)).status_code == 403
    assert (await client.get("/api/contacts/staff-users", headers=editor)).status_code == 403
    refused = await client.post(
        "/api/contacts/staff-users", headers=editor, json={"email": "x@y.fi"}
    )
    assert refused.status_code == 403
    page = await client.get("/staff/users", headers=headers)
    assert page.status_code == 200
    assert re.search(r"<caption>Who may sign in, and with which role</caption>", page.text)
