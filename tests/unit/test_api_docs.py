"""Each service's API documentation page works offline and under the site's CSP."""

from __future__ import annotations

import re

import httpx
import pytest
from contacts.app import create_app as create_contacts_app
from contacts.settings import ContactsSettings
from events.app import create_app as create_events_app
from events.settings import EventsSettings
from newsletter.app import create_app as create_newsletter_app
from newsletter.settings import NewsletterSettings
from surveys.app import create_app as create_surveys_app
from surveys.settings import SurveysSettings

APPS = {
    "contacts": lambda: create_contacts_app(ContactsSettings.model_construct()),
    "newsletter": lambda: create_newsletter_app(NewsletterSettings.model_construct()),
    "surveys": lambda: create_surveys_app(SurveysSettings.model_construct()),
    "events": lambda: create_events_app(EventsSettings.model_construct()),
}
STAFF = {"X-Staff-Id": "v", "X-Staff-Role": "viewer", "X-Staff-Csrf": "tok-1"}


@pytest.mark.parametrize("service", sorted(APPS))
async def test_the_docs_page_loads_only_its_own_files_and_runs_no_inline_script(
    service: str,
) -> None:
    transport = httpx.ASGITransport(app=APPS[service]())
    async with httpx.AsyncClient(transport=transport, base_url="http://svc") as client:
        page = await client.get(f"/api/{service}/docs", headers=STAFF)
        assert page.status_code == 200
        assert "script-src 'self'" in page.headers["content-security-policy"]
        scripts = re.findall(r"<script([^>]*)>(.*?)</script>", page.text, re.S)
        assert scripts and all(body.strip() == "" for _, body in scripts), "inline script"
        sources = [re.search(r'src="([^"]+)"', attrs).group(1) for attrs, _ in scripts]  # type: ignore[union-attr]
        links = re.findall(r'href="([^"]+)"', page.text)
        assert 'data-csrf="tok-1"' in page.text
        for url in [*sources, *links]:
            assert url.startswith(f"/api/{service}/docs/"), url  # same origin, no CDN
            asset = await client.get(url)
            assert asset.status_code == 200, url
            assert len(asset.content) > 500, url
        spec = await client.get(f"/api/{service}/openapi.json")
        assert spec.json()["paths"]
