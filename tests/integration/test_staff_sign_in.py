"""Staff sign-in: sessions, the proxy's verify endpoint, lockout, CSRF on sign-out."""

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
async def client(clean_db: dict[str, AsyncEngine]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_app()
    async with app.router.lifespan_context(app):
        await staff_service.create_staff(
            SqlContactsUnitOfWork(app.state.engine),
            email="Editor@Digituki.fi",
            name="Eeva",
            role="editor",
            password=PASSWORD,
        )
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="https://crm.digituki.test",
            headers={"Accept-Language": "en"},
        ) as c:
            yield c


async def login(
    client: httpx.AsyncClient, email: str, password: str, *, ip: str = "192.0.2.1"
) -> httpx.Response:
    form = await client.get("/login", params={"next": "/staff/people"})
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token is not None
    return await client.post(
        "/login",
        data={
            "email": email,
            "password": password,
            "login_token": token.group(1),
            "next": "/staff/people",
        },
        headers={"X-Real-IP": ip},
    )


async def test_signed_in_staff_is_vouched_for_by_verify(client: httpx.AsyncClient) -> None:
    assert (await client.get("/auth/verify")).status_code == 401
    response = await login(client, "editor@digituki.fi", PASSWORD)
    assert response.status_code == 303
    assert response.headers["location"] == "/staff/people"
    cookie = response.headers["set-cookie"]
    assert "dt_session=" in cookie and "HttpOnly" in cookie and "SameSite=lax" in cookie
    verified = await client.get("/auth/verify")
    assert verified.status_code == 200
    assert verified.headers["x-staff-role"] == "editor"
    assert verified.headers["x-staff-email"] == "editor@digituki.fi"
    assert len(verified.headers["x-staff-csrf"]) > 20


async def test_wrong_password_and_unknown_user_get_the_same_answer(
    client: httpx.AsyncClient,
) -> None:
    wrong = await login(client, "editor@digituki.fi", "not the password at all")
    unknown = await login(client, "nobody@digituki.fi", "not the password at all")
    assert wrong.status_code == unknown.status_code == 401
    message = "The email address or password is wrong"
    assert message in wrong.text and message in unknown.text


async def test_failures_slow_the_account_down_but_never_lock_its_owner_out(
    client: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    for _ in range(5):
        assert (await login(client, "editor@digituki.fi", "wrong password 123")).status_code == 401
    # Still waiting after the fifth failure: even the right password gets the same answer.
    waiting = await login(client, "editor@digituki.fi", PASSWORD)
    assert waiting.status_code == 401 and "wait a moment" in waiting.text
    # Once the (short, growing) delay has passed, the owner gets in: no 15-minute lock.
    async with clean_db["contacts"].begin() as conn:
        await conn.execute(
            text("UPDATE staff_users SET locked_until = now() - interval '1 second'")
        )
    assert (await login(client, "editor@digituki.fi", PASSWORD)).status_code == 303


async def test_one_address_trying_many_passwords_is_slowed_without_locking_anyone_out(
    client: httpx.AsyncClient,
) -> None:
    for n in range(12):  # spread over unknown accounts: only the per-address limit applies
        await login(client, f"nobody{n}@digituki.fi", "guess", ip="198.51.100.7")
    from_attacker = await login(client, "editor@digituki.fi", PASSWORD, ip="198.51.100.7")
    assert from_attacker.status_code == 401 and "wait a moment" in from_attacker.text
    assert (
        await login(client, "editor@digituki.fi", PASSWORD, ip="203.0.113.9")
    ).status_code == 303


async def test_sign_in_never_redirects_to_another_site(client: httpx.AsyncClient) -> None:
    form = await client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', form.text)
    assert token is not None
    response = await client.post(
        "/login",
        data={
            "email": "editor@digituki.fi",
            "password": PASSWORD,
            "login_token": token.group(1),
            "next": "//evil.example/steal",
        },
    )
    assert response.headers["location"] == "/staff/"


async def test_login_form_without_its_token_is_refused(client: httpx.AsyncClient) -> None:
    response = await client.post(
        "/login",
        data={"email": "editor@digituki.fi", "password": PASSWORD, "login_token": "forged"},
    )
    assert response.status_code == 400
    assert (await client.get("/auth/verify")).status_code == 401


async def test_sign_out_needs_the_session_csrf_token(client: httpx.AsyncClient) -> None:
    await login(client, "editor@digituki.fi", PASSWORD)
    csrf = (await client.get("/auth/verify")).headers["x-staff-csrf"]
    token = client.cookies.get("dt_session")
    await client.post("/logout", data={"csrf_token": "forged"})
    client.cookies.set("dt_session", token or "")
    assert (await client.get("/auth/verify")).status_code == 200  # forged: still signed in
    await client.post("/logout", data={"csrf_token": csrf})
    client.cookies.set("dt_session", token or "")
    assert (await client.get("/auth/verify")).status_code == 401


async def test_pages_carry_security_headers(client: httpx.AsyncClient) -> None:
    page = await client.get("/login")
    assert "script-src 'self'" in page.headers["content-security-policy"]
    assert "frame-ancestors 'none'" in page.headers["content-security-policy"]
    assert page.headers["x-content-type-options"] == "nosniff"
    assert '<html lang="fi">' in page.text or '<html lang="en">' in page.text
