"""The staff gate and the error guard every app gets from make_app, on a tiny app."""

from __future__ import annotations

from typing import Annotated

import httpx
import pytest
from fastapi import Form, Header, Request

from shared.web.app import make_app
from shared.web.staff_gate import REFUSAL

SECRET = "s" * 40
STAFF = {"X-Staff-Id": "e1", "X-Staff-Role": "editor", "X-Staff-Csrf": "tok"}


def _app(proxy_secret: str = SECRET) -> httpx.AsyncClient:
    app = make_app(service="demo", title="demo", checks={}, proxy_secret=proxy_secret)

    @app.get("/who")
    async def who(x_staff_id: Annotated[str | None, Header()] = None) -> dict[str, str | None]:
        return {"staff": x_staff_id}

    @app.post("/form")
    async def form(name: Annotated[str, Form()] = "") -> dict[str, str]:
        return {"name": name}

    @app.post("/json")
    async def json_body(request: Request) -> dict[str, object]:
        return {"body": await request.json()}

    @app.post("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://demo")


async def test_staff_headers_without_the_proxy_secret_are_dropped() -> None:
    async with _app() as client:
        assert (await client.get("/who", headers=STAFF)).json() == {"staff": None}
        wrong = {**STAFF, "X-Proxy-Secret": "nope"}
        assert (await client.get("/who", headers=wrong)).json() == {"staff": None}
        right = {**STAFF, "X-Proxy-Secret": SECRET}
        assert (await client.get("/who", headers=right)).json() == {"staff": "e1"}


async def test_without_a_configured_secret_local_calls_keep_their_staff_headers() -> None:
    async with _app(proxy_secret="") as client:
        assert (await client.get("/who", headers=STAFF)).json() == {"staff": "e1"}


@pytest.mark.parametrize("token", [None, "", "forged", "TOK"])
async def test_a_staff_write_without_the_sessions_token_is_refused(token: str | None) -> None:
    headers = {**STAFF, "X-Proxy-Secret": SECRET}
    if token is not None:
        headers["X-CSRF-Token"] = token
    async with _app() as client:
        answer = await client.post("/json", json={"a": 1}, headers=headers)
    assert answer.status_code == 403
    assert answer.json()["detail"] == REFUSAL


async def test_through_the_proxy_a_session_without_a_token_is_refused() -> None:
    headers = {"X-Staff-Id": "e1", "X-Staff-Role": "editor", "X-Proxy-Secret": SECRET}
    async with _app() as client:
        answer = await client.post("/json", json={}, headers={**headers, "X-CSRF-Token": "x"})
    assert answer.status_code == 403


async def test_the_genuine_token_passes_and_the_body_reaches_the_route() -> None:
    headers = {**STAFF, "X-Proxy-Secret": SECRET}
    async with _app() as client:
        as_header = await client.post(
            "/json", json={"a": 1}, headers={**headers, "X-CSRF-Token": "tok"}
        )
        as_form = await client.post(
            "/form", data={"csrf_token": "tok", "name": "Åbo"}, headers=headers
        )
        as_multipart = await client.post(
            "/form",
            data={"csrf_token": "tok", "name": "Vaasa"},
            files={"file": ("a.txt", b"x" * 100_000)},
            headers=headers,
        )
        forged_form = await client.post(
            "/form", data={"csrf_token": "other", "name": "x"}, headers=headers
        )
    assert as_header.json() == {"body": {"a": 1}}
    assert as_form.json() == {"name": "Åbo"}
    assert as_multipart.json() == {"name": "Vaasa"}
    assert forged_form.status_code == 403


async def test_reads_need_no_token_and_anonymous_writes_are_left_to_the_routes() -> None:
    async with _app() as client:
        assert (await client.get("/who", headers={**STAFF, "X-Proxy-Secret": SECRET})).is_success
        assert (await client.post("/form", data={"name": "n"})).json() == {"name": "n"}


async def test_an_unhandled_error_is_a_500_answered_by_the_app_itself() -> None:
    async with _app(proxy_secret="") as client:
        answer = await client.post("/boom", headers={"Accept-Language": "en"})
        page = await client.post("/boom", headers={"Accept": "text/html"})
    assert answer.status_code == 500
    assert "Something went wrong" in answer.text
    assert answer.headers["x-correlation-id"] in answer.text
    assert page.status_code == 500
    assert answer.headers["content-security-policy"]


async def test_a_correlation_header_of_stray_bytes_does_not_break_the_request() -> None:
    async with _app(proxy_secret="") as client:
        answer = await client.get("/who", headers=[(b"X-Correlation-Id", b"\xff\xfe\x00bad")])
    assert answer.status_code == 200
    assert answer.headers["x-correlation-id"].isalnum()
