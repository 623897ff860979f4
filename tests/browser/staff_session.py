"""Signing in over HTTP through nginx, as a person does, for tests that send requests themselves."""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass

import httpx
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy.ext.asyncio import AsyncEngine

PASSWORD = "gate-keeper-password-1"
HIDDEN = re.compile(r'name="(login_token|csrf_token)" value="([^"]+)"')


@dataclass(frozen=True)
class Session:
    cookie: str  # "dt_session=..."
    csrf: str

    @property
    def headers(self) -> dict[str, str]:
        return {"Cookie": self.cookie, "X-CSRF-Token": self.csrf}


def _cookie(response: httpx.Response, name: str) -> str:
    # The session cookie is Secure outside development; httpx would not send it back over
    # plain http, so the tests carry cookies by hand.
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie in {response.status_code} {response.headers}")


async def new_admin(engine: AsyncEngine) -> str:
    email = f"gate-{uuid.uuid4().hex[:8]}@digituki.fi"
    await staff_service.create_staff(
        SqlContactsUnitOfWork(engine),
        email=email,
        name="Portinvartija",
        role="admin",
        password=PASSWORD,
    )
    return email


async def sign_in(site: str, email: str) -> Session:
    async with httpx.AsyncClient(base_url=site) as client:
        form = await client.get("/login?lang=en")
        login_token = dict(HIDDEN.findall(form.text))["login_token"]
        answer = await client.post(
            "/login",
            data={"email": email, "password": PASSWORD, "login_token": login_token},
            headers={"Cookie": f"dt_login={_cookie(form, 'dt_login')}"},
        )
        assert answer.status_code == 303, answer.text[:300]
        cookie = f"dt_session={_cookie(answer, 'dt_session')}"
        staff_page = await client.get("/staff/", headers={"Cookie": cookie})
        assert staff_page.status_code == 200, staff_page.status_code
        return Session(cookie=cookie, csrf=dict(HIDDEN.findall(staff_page.text))["csrf_token"])
