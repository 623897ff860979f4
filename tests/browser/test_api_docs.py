"""The README's API documentation links work through nginx, offline and under the site's CSP:
Swagger UI renders every service's operations from files of our own origin, with no CSP
violation, while every request to another origin is refused (as on a closed network)."""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from playwright.async_api import Browser, ConsoleMessage, Request, Route

from tests.browser.conftest import WEB_PORTS
from tests.browser.staff_session import Session

README_LINKS = [f"/api/{service}/docs" for service in sorted(WEB_PORTS)]


@pytest.mark.parametrize("path", README_LINKS)
async def test_the_api_docs_render_offline_under_the_csp(
    browser: Browser, site: str, staff_sessions: list[Session], path: str
) -> None:
    session = staff_sessions[0]
    name, value = session.cookie.split("=", 1)
    # No bypass_csp here: the page runs under the CSP it is served with.
    context = await browser.new_context(base_url=site)
    await context.add_cookies([{"name": name, "value": value, "url": site}])
    origin = urlsplit(site).netloc
    foreign: list[str] = []
    problems: list[str] = []

    async def only_our_origin(route: Route, request: Request) -> None:
        if urlsplit(request.url).netloc in (origin, ""):
            await route.continue_()
        else:
            foreign.append(request.url)
            await route.abort()

    def on_console(message: ConsoleMessage) -> None:
        if message.type == "error":
            problems.append(message.text)

    await context.route("**/*", only_our_origin)
    page = await context.new_page()
    page.on("console", on_console)
    try:
        answer = await page.goto(path)
        assert answer is not None and answer.status == 200
        assert "script-src 'self'" in (await answer.all_headers())["content-security-policy"]
        await page.wait_for_selector(".swagger-ui .info .title", timeout=20_000)
        await page.wait_for_selector(".swagger-ui .opblock", timeout=20_000)
        operations = await page.locator(".swagger-ui .opblock").count()
    finally:
        await context.close()
    assert operations > 3, operations
    assert foreign == [], foreign
    csp = [p for p in problems if "Content Security Policy" in p or "Refused" in p]
    assert csp == [], csp
