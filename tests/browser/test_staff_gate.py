"""Through nginx, as in production: every state-changing staff route of every service refuses
a request without the session's CSRF token, with a forged one and with another session's; staff
headers count only when nginx sent them; /metrics stays private.

The routes are enumerated from the three apps (the authorisation matrix's enumeration), so a
route added later is swept without editing this file.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass

import httpx
import pytest
from contacts.service import staff as staff_service
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.web.staff_gate import REFUSAL
from tests.browser.conftest import WEB_PORTS
from tests.integration.test_authorisation_matrix import STAFF_CALLS, Call

PASSWORD = "gate-keeper-password-1"
WRITES = [call for call in STAFF_CALLS if call.method not in ("GET", "HEAD", "OPTIONS")]
HIDDEN = re.compile(r'name="(login_token|csrf_token)" value="([^"]+)"')


@dataclass(frozen=True)
class Session:
    cookie: str
    csrf: str


def _cookie(response: httpx.Response, name: str) -> str:
    # The session cookie is Secure outside development; httpx would not send it back over
    # plain http, so the tests carry cookies by hand.
    for header in response.headers.get_list("set-cookie"):
        if header.startswith(f"{name}="):
            return header.split(";", 1)[0].split("=", 1)[1]
    raise AssertionError(f"no {name} cookie in {response.status_code} {response.headers}")


async def _sign_in(site: str, email: str) -> Session:
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


@pytest.fixture(scope="module")
async def sessions(site: str, engines: dict[str, AsyncEngine]) -> AsyncIterator[list[Session]]:
    email = f"gate-{uuid.uuid4().hex[:8]}@digituki.fi"
    await staff_service.create_staff(
        engines["contacts"], email=email, name="Portinvartija", role="admin", password=PASSWORD
    )
    yield [await _sign_in(site, email), await _sign_in(site, email)]


def _refused(response: httpx.Response) -> bool:
    return response.status_code == 403 and REFUSAL in response.text


async def _write(
    site: str, call: Call, session: Session, token: str | None, *, as_form: bool = False
) -> httpx.Response:
    headers = {"Cookie": session.cookie}
    kwargs: dict[str, object] = {}
    if as_form:
        kwargs["data"] = {"csrf_token": token} if token is not None else {}
    else:
        if token is not None:
            headers["X-CSRF-Token"] = token
        if call.method in ("POST", "PUT", "PATCH"):
            kwargs["json"] = {}
    async with httpx.AsyncClient(base_url=site, timeout=30) as client:
        return await client.request(call.method, call.path, headers=headers, **kwargs)  # type: ignore[arg-type]


def test_the_sweep_sees_writes_of_every_service() -> None:
    assert {call.service for call in WRITES} == set(WEB_PORTS)
    assert len(WRITES) > 50, len(WRITES)


@pytest.mark.parametrize("call", WRITES, ids=str)
async def test_staff_write_refuses_missing_forged_and_foreign_tokens(
    call: Call, site: str, sessions: list[Session]
) -> None:
    mine, other = sessions
    assert mine.csrf != other.csrf
    for token in (None, "forged-" + uuid.uuid4().hex, other.csrf):
        answer = await _write(site, call, mine, token)
        assert _refused(answer), f"{call} with token {token!r}: {answer.status_code}"
    answer = await _write(site, call, mine, other.csrf, as_form=True)
    assert _refused(answer), f"{call} with another session's form token: {answer.status_code}"
    # The genuine token passes the gate (whatever the route then says of the empty body).
    genuine = await _write(site, call, mine, mine.csrf)
    assert not _refused(genuine), f"{call} refused its own session's token"


READS = {
    service: next(
        c
        for c in STAFF_CALLS
        if c.service == service and c.method == "GET" and "{" not in c.template
    )
    for service in WEB_PORTS
}


def _anonymous(response: httpx.Response) -> bool:
    return response.status_code == 401 or (
        response.is_redirect and response.headers["location"].startswith("/login")
    )


@pytest.mark.parametrize("service", sorted(WEB_PORTS))
async def test_staff_headers_without_the_proxy_secret_count_for_nothing(
    service: str, site: str
) -> None:
    forged = {"X-Staff-Id": str(uuid.uuid4()), "X-Staff-Role": "admin", "X-Staff-Csrf": "x"}
    path = READS[service].path
    async with httpx.AsyncClient(timeout=10) as client:
        direct = await client.get(f"http://127.0.0.1:{WEB_PORTS[service]}{path}", headers=forged)
        assert _anonymous(direct), (path, direct.status_code)
        # The same request through nginx: the client's own headers are replaced.
        proxied = await client.get(f"{site}{path}", headers={**forged, "X-Proxy-Secret": "x"})
        assert _anonymous(proxied), (path, proxied.status_code)


async def test_metrics_are_not_served_through_the_proxy(site: str) -> None:
    async with httpx.AsyncClient(timeout=10) as client:
        for path in ("/metrics", "/t/../metrics", "/newsletter/../metrics"):
            answer = await client.get(f"{site}{path}")
            assert answer.status_code == 404, (path, answer.status_code)
            assert "process_cpu" not in answer.text
