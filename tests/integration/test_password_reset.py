"""Staff password reset by mail: the same answer for any address, a link that works once."""

from __future__ import annotations

import uuid
from collections.abc import AsyncIterator
from typing import Any

import httpx
import pytest
from contacts.settings import ContactsSettings
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.tokens import sign
from tests.integration import test_contacts_signup_pages as signup_pages

PASSWORD = "correct horse battery staple"
NEW_PASSWORD = "a brand new long password"


@pytest.fixture
async def member(engine: AsyncEngine) -> Any:
    return await staff_service.create_staff(
        SqlContactsUnitOfWork(engine),
        email="eeva@digituki.fi",
        name="Eeva",
        role="editor",
        password=PASSWORD,
    )


async def sessions(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(text("SELECT count(*) FROM staff_sessions"))).scalar_one())


async def test_known_and_unknown_addresses_get_the_same_page_and_only_staff_get_mail(
    client: httpx.AsyncClient, engine: AsyncEngine, member: Any
) -> None:
    known = await client.post("/login/forgot", data={"email": "Eeva@Digituki.fi"})
    unknown = await client.post("/login/forgot", data={"email": "nobody@digituki.fi"})
    assert known.status_code == unknown.status_code == 200
    assert known.text == unknown.text
    mails = await signup_pages.mail_requests(engine)
    assert len(mails) == 1
    data = mails[0]["data"]
    assert data["template_key"] == "password_reset"
    assert data["to_email"] == "eeva@digituki.fi"
    assert "/login/reset/" in data["variables"]["reset_url"]


async def test_reset_link_sets_the_password_once_and_ends_every_session(
    client: httpx.AsyncClient, engine: AsyncEngine, member: Any
) -> None:
    await staff_service.sign_in(
        SqlContactsUnitOfWork(engine), email="eeva@digituki.fi", password=PASSWORD
    )
    assert await sessions(engine) == 1
    await client.post("/login/forgot", data={"email": "eeva@digituki.fi"})
    url = (await signup_pages.mail_requests(engine))[0]["data"]["variables"]["reset_url"]
    path = signup_pages.path_of(url)
    assert (await client.get(path)).status_code == 200
    changed = await client.post(
        path, data={"password": NEW_PASSWORD, "password_again": NEW_PASSWORD}
    )
    assert changed.status_code == 200
    assert await sessions(engine) == 0
    await staff_service.sign_in(
        SqlContactsUnitOfWork(engine), email="eeva@digituki.fi", password=NEW_PASSWORD
    )
    again = await client.post(path, data={"password": PASSWORD, "password_again": PASSWORD})
    assert again.status_code == 410
    assert (await client.get(path)).status_code == 410
    with pytest.raises(staff_service.SignInRefused):
        await staff_service.sign_in(
            SqlContactsUnitOfWork(engine), email="eeva@digituki.fi", password=PASSWORD
        )


async def test_short_password_is_refused_and_the_link_still_works(
    client: httpx.AsyncClient, engine: AsyncEngine, member: Any
) -> None:
    await client.post("/login/forgot", data={"email": "eeva@digituki.fi"})
    url = (await signup_pages.mail_requests(engine))[0]["data"]["variables"]["reset_url"]
    path = signup_pages.path_of(url)
    short = await client.post(path, data={"password": "short", "password_again": "short"})
    assert short.status_code == 422
    assert 'aria-invalid="true"' in short.text
    assert (await client.get(path)).status_code == 200


async def test_tokens_of_another_purpose_or_expired_get_an_error_page(
    client: httpx.AsyncClient, settings: ContactsSettings, member: Any
) -> None:
    payload = {"u": str(member.id), "f": "x"}
    other = sign(settings.token_keys(), "confirm", payload)
    assert (await client.get(f"/login/reset/{other}")).status_code == 400
    assert (await client.get("/login/reset/k1.forged")).status_code == 400
    stranger = sign(settings.token_keys(), "password-reset", {"u": str(uuid.uuid4()), "f": "x"})
    assert (await client.get(f"/login/reset/{stranger}")).status_code == 410


async def test_expired_reset_link_gets_410(
    client: httpx.AsyncClient,
    settings: ContactsSettings,
    member: Any,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from contacts.staff.service import password_reset

    token = password_reset.make_token(settings.token_keys(), member)
    monkeypatch.setattr(password_reset, "MAX_AGE_S", -1)
    assert (await client.get(f"/login/reset/{token}")).status_code == 410


@pytest.fixture
async def limited(settings: ContactsSettings) -> AsyncIterator[httpx.AsyncClient]:
    async with signup_pages.make_client(
        settings.model_copy(update={"signup_burst": 2, "signup_per_minute": 0.01})
    ) as c:
        yield c


async def test_forgot_form_is_rate_limited_per_address_of_the_client(
    limited: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    codes = [
        (await limited.post("/login/forgot", data={"email": f"x{i}@digituki.fi"})).status_code
        for i in range(3)
    ]
    assert codes == [200, 200, 429]
