"""Every service sends the same security headers; HSTS in production only (a development
site on http://localhost would be pinned to https by the browser for a year)."""

from __future__ import annotations

import httpx
import pytest
from contacts.app import create_app as contacts_app
from contacts.settings import ContactsSettings
from events.app import create_app as events_app
from events.settings import EventsSettings
from fastapi import FastAPI
from newsletter.app import create_app as newsletter_app
from newsletter.settings import NewsletterSettings
from surveys.app import create_app as surveys_app
from surveys.settings import SurveysSettings

APPS = {
    "contacts": lambda env: contacts_app(ContactsSettings.model_construct(environment=env)),
    "newsletter": lambda env: newsletter_app(NewsletterSettings.model_construct(environment=env)),
    "surveys": lambda env: surveys_app(SurveysSettings.model_construct(environment=env)),
    "events": lambda env: events_app(EventsSettings.model_construct(environment=env)),
}
ALWAYS = {
    "content-security-policy",
    "x-content-type-options",
    "referrer-policy",
    "x-frame-options",
    "permissions-policy",
}


async def _headers(app: FastAPI) -> httpx.Headers:
    transport = httpx.ASGITransport(app=app)
    async with httpx.AsyncClient(transport=transport, base_url="https://crm.digituki.test") as c:
        response = await c.get("/healthz")
    assert response.status_code == 200
    return response.headers


@pytest.mark.parametrize("service", sorted(APPS))
async def test_production_sends_hsts_and_the_security_headers(service: str) -> None:
    headers = await _headers(APPS[service]("production"))
    assert set(headers) >= ALWAYS
    assert headers["strict-transport-security"] == "max-age=31536000"


@pytest.mark.parametrize("service", sorted(APPS))
async def test_development_sends_the_security_headers_without_hsts(service: str) -> None:
    headers = await _headers(APPS[service]("development"))
    assert set(headers) >= ALWAYS
    assert "strict-transport-security" not in headers
