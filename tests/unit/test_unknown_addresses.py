"""Unknown addresses anywhere are 404 pages in the visitor's language (the staff layout on
staff paths); an API client, or a client that asks only for JSON, keeps JSON. The sweep of
malformed ids over every route is tests/integration/test_error_sweep.py."""

from __future__ import annotations

import httpx
import pytest

from tests.support.routes import SERVICES_APPS, app

HTML = {"Accept": "text/html,application/xhtml+xml", "Accept-Language": "fi"}
ADMIN = {"X-Staff-Id": "a", "X-Staff-Role": "admin", "X-Staff-Csrf": "t", "X-CSRF-Token": "t"}
STAFF_PATHS = ("/staff", "/newsletter/staff", "/surveys/staff")


def _client(service: str) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app(service)), base_url="http://svc")


UNKNOWN = [
    ("contacts", "/nothing-here"),
    ("contacts", "/staff/nothing"),
    ("contacts", "/join/nothing"),
    ("newsletter", "/newsletter/nothing"),
    ("newsletter", "/newsletter/staff/nothing"),
    ("newsletter", "/archive/nothing/here"),
    ("surveys", "/surveys/nothing"),
    ("surveys", "/surveys/staff/nothing"),
]


@pytest.mark.parametrize(("service", "path"), UNKNOWN)
@pytest.mark.parametrize("accept", ["text/html", "*/*", ""])
async def test_an_unknown_address_is_an_html_404_unless_json_is_asked_for(
    service: str, path: str, accept: str
) -> None:
    headers = {"Accept-Language": "sv", "Accept": accept} if accept else {"Accept-Language": "sv"}
    if path.startswith(STAFF_PATHS):
        headers |= {"X-Staff-Id": "v", "X-Staff-Role": "viewer"}
    async with _client(service) as client:
        answer = await client.get(path, headers=headers)
        asked_json = await client.get(path, headers={"Accept": "application/json"})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    if path.startswith(STAFF_PATHS):
        assert 'lang="fi"' in answer.text  # staff pages speak Finnish or English
    else:
        assert "Sidan hittades inte" in answer.text and 'lang="sv"' in answer.text
    assert asked_json.status_code == 404
    assert asked_json.headers["content-type"].startswith("application/json")


@pytest.mark.parametrize("service", sorted(SERVICES_APPS))
async def test_an_unknown_api_address_keeps_json(service: str) -> None:
    async with _client(service) as client:
        answer = await client.get(f"/api/{service}/nothing-here", headers={**HTML, **ADMIN})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("application/json")
    assert answer.json()["detail"]
