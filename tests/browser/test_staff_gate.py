"""Through nginx, as in production: every state-changing staff route of every service refuses
a request without the session's CSRF token, with a forged one and with another session's; staff
headers count only when nginx sent them; /metrics stays private.

The routes are enumerated from the three apps (the authorisation matrix's enumeration), so a
route added later is swept without editing this file.
"""

from __future__ import annotations

import uuid

import httpx
import pytest

from shared.web.staff_gate import REFUSAL
from tests.browser.conftest import WEB_PORTS
from tests.browser.staff_session import Session
from tests.integration.test_authorisation_matrix import STAFF_CALLS, Call

WRITES = [call for call in STAFF_CALLS if call.method not in ("GET", "HEAD", "OPTIONS")]


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
    call: Call, site: str, staff_sessions: list[Session]
) -> None:
    mine, other = staff_sessions
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
