"""People get error pages in their language and layout; API clients keep JSON."""

from __future__ import annotations

import uuid

import httpx
import pytest
from contacts.app import create_app as create_contacts_app
from contacts.settings import ContactsSettings

from shared.web.app import make_app

HTML = {"Accept": "text/html,application/xhtml+xml"}
STAFF = {"X-Staff-Id": "v", "X-Staff-Role": "viewer"}


def _client(app: object) -> httpx.AsyncClient:
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://svc")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("fi", "Sivua ei löytynyt"), ("sv", "Sidan hittades inte"), ("en", "Page not found")],
)
async def test_an_unknown_public_address_is_a_404_page_in_the_visitors_language(
    lang: str, heading: str
) -> None:
    async with _client(create_contacts_app(ContactsSettings.model_construct())) as client:
        answer = await client.get("/no-such-page", headers={**HTML, "Accept-Language": lang})
    assert answer.status_code == 404
    assert answer.headers["content-type"].startswith("text/html")
    assert heading in answer.text and f'lang="{lang}"' in answer.text
    assert "/privacy" in answer.text and "/accessibility" in answer.text


async def test_a_malformed_id_in_a_staff_page_is_a_404_page_not_a_validation_dump() -> None:
    app = make_app(service="demo", title="demo", checks={})

    @app.get("/newsletter/staff/campaigns/{campaign_id}")
    async def campaign(campaign_id: uuid.UUID) -> dict[str, str]:
        return {"id": str(campaign_id)}

    async with _client(app) as client:
        answer = await client.get(
            "/newsletter/staff/campaigns/not-an-id",
            headers={**HTML, **STAFF, "Accept-Language": "fi"},
        )
    assert answer.status_code == 404, answer.text[:300]
    assert "Sivua ei löytynyt" in answer.text
    assert "uuid_parsing" not in answer.text and "loc" not in answer.text
    assert "/staff/" in answer.text  # the staff layout's navigation
    assert 'href="/staff/people"' in answer.text  # the signed-in member's menu


async def test_api_clients_keep_json_errors() -> None:
    async with _client(create_contacts_app(ContactsSettings.model_construct())) as client:
        missing = await client.get("/api/contacts/nothing-here", headers=HTML)
        malformed = await client.get(
            f"/api/contacts/people/{uuid.uuid4().hex[:5]}", headers={**STAFF, **HTML}
        )
    assert missing.status_code == 404 and missing.json()["detail"]
    assert malformed.status_code == 422 and isinstance(malformed.json()["detail"], list)


@pytest.mark.parametrize(
    ("lang", "heading"),
    [("fi", "Jokin meni vikaan"), ("sv", "Något gick fel"), ("en", "Something went wrong")],
)
async def test_a_server_error_is_a_500_page_in_the_layout_with_the_error_reference(
    lang: str, heading: str
) -> None:
    app = make_app(service="demo", title="demo", checks={})

    @app.get("/boom")
    async def boom() -> None:
        raise RuntimeError("a bug")

    @app.get("/staff/boom")
    async def staff_boom() -> None:
        raise RuntimeError("a bug")

    @app.get("/api/demo/boom")
    async def api_boom() -> None:
        raise RuntimeError("a bug")

    async with _client(app) as client:
        page = await client.get("/boom", headers={**HTML, "Accept-Language": lang})
        staff = await client.get("/staff/boom", headers={**HTML, **STAFF, "Accept-Language": lang})
        api = await client.get("/api/demo/boom", headers=HTML)
    assert page.status_code == 500 and page.headers["content-type"].startswith("text/html")
    assert heading in page.text and f'lang="{lang}"' in page.text
    assert page.headers["x-correlation-id"] in page.text  # the reference to quote
    assert "/privacy" in page.text and "a bug" not in page.text
    assert page.headers["content-security-policy"]
    assert staff.status_code == 500 and 'href="/staff/people"' in staff.text
    assert api.status_code == 500 and api.json()["detail"] == "internal error"
