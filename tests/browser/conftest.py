"""The browser tier: the three web processes and nginx as in production, headless Chromium.

Chromium comes from Debian (`/usr/bin/chromium`), driven by Playwright with
`executable_path` (no `playwright install`); axe-core comes from npm. Both are installed by
`deploy/bin/browser.sh install`, which `make test` runs first; the tests skip, saying why, only
when they are missing and that script cannot install them.
"""

from __future__ import annotations

import os
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Protocol

import httpx
import pytest
from contacts.unit_of_work import SqlContactsUnitOfWork
from playwright.async_api import Browser, BrowserContext, Page, async_playwright
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.browser.staff_session import Session, new_admin, sign_in
from tests.support.infra import Infra
from tests.support.processes import ServiceProcess
from tests.support.workers import Workers, running_workers

REPO = Path(__file__).resolve().parents[2]
BROWSER_SH = REPO / "deploy" / "bin" / "browser.sh"
SCREENSHOTS = REPO / "test-artifacts" / "screenshots"
# The accessibility sweep shoots only the pages that fail; TEST_SCREENSHOTS=all: every page.
EVERY_SCREENSHOT = os.environ.get("TEST_SCREENSHOTS") == "all"
CHROMIUM = Path(os.environ.get("CHROMIUM", "/usr/bin/chromium"))
# Headless Chromium as root, and quiet: no sandbox (root), no calls home on a closed network.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]
WEB_PORTS = {
    "contacts": int(os.environ.get("CONTACTS_WEB_PORT", "18101")),
    "newsletter": int(os.environ.get("NEWSLETTER_WEB_PORT", "18102")),
    "surveys": int(os.environ.get("SURVEYS_WEB_PORT", "18103")),
    "events": int(os.environ.get("EVENTS_WEB_PORT", "18104")),
}
PROXY_PORT = int(os.environ.get("PROXY_PORT", "18080"))
# nginx sends it, the web processes demand it: staff headers without it count for nothing.
PROXY_SECRET = "test-proxy-secret-" + "p" * 32


def _axe_path() -> Path:
    out = subprocess.run(
        [str(BROWSER_SH), "axe-path"], capture_output=True, text=True, check=True
    ).stdout
    return Path(out.strip())


@pytest.fixture(scope="session")
def axe_source() -> str:
    """axe-core's source, installing the browser tools once when they are missing."""
    axe = _axe_path()
    if not (CHROMIUM.exists() and axe.exists()):
        installed = subprocess.run(
            [str(BROWSER_SH), "install"], check=False, capture_output=True, text=True
        )
        if installed.returncode != 0 or not (CHROMIUM.exists() and axe.exists()):
            pytest.skip(
                f"browser tests skipped: {CHROMIUM} or {axe} is missing and "
                f"`deploy/bin/browser.sh install` could not install them:\n"
                f"{installed.stderr[-2000:]}"
            )
    return axe.read_text()


def _wait_healthy(process: ServiceProcess, port: int, timeout: float = 40.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not process.alive():
            raise RuntimeError(f"{process.service} web exited:\n{process.log_tail()}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.2)
    raise RuntimeError(f"{process.service} web not healthy in {timeout} s:\n{process.log_tail()}")


@pytest.fixture(scope="session")
def site(service_env: dict[str, str], migrated: dict[str, str]) -> Iterator[str]:
    """The three web processes behind nginx on PROXY_PORT, as `make up` runs them."""
    processes = []
    nginx = [str(REPO / "deploy" / "bin" / "nginx.sh"), "test"]
    try:
        for service, port in WEB_PORTS.items():
            env = {
                **service_env,
                f"{service.upper()}_WEB_PORT": str(port),
                "PROXY_SECRET": PROXY_SECRET,
            }
            process = ServiceProcess(service, "web", env)
            process.start()
            processes.append(process)
        for process in processes:
            _wait_healthy(process, WEB_PORTS[process.service])
        subprocess.run(
            [*nginx, "start"],
            check=True,
            capture_output=True,
            env={**os.environ, "PROXY_SECRET": PROXY_SECRET},
        )
        yield f"http://127.0.0.1:{PROXY_PORT}"
    finally:
        subprocess.run([*nginx, "stop"], check=False, capture_output=True)
        for process in processes:
            process.stop()


# Once for the browser package (like the e2e one): the workers relay the outboxes and send the
# mails the journeys read; they stop with the package so no later test meets their relays.
@pytest.fixture(scope="package")
async def workers(
    infra: Infra, service_env: dict[str, str], topics: str, migrated: dict[str, str]
) -> AsyncIterator[Workers]:
    async with running_workers(infra.kafka, service_env, topics) as workers:
        yield workers


@pytest.fixture(scope="session")
async def browser(axe_source: str) -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True
        )
        yield browser
        await browser.close()


@pytest.fixture
async def context(browser: Browser, site: str) -> AsyncIterator[BrowserContext]:
    # bypass_csp: the pages allow only their own scripts; axe is injected by the test.
    context = await browser.new_context(
        base_url=site, bypass_csp=True, viewport={"width": 1280, "height": 900}
    )
    yield context
    await context.close()


@pytest.fixture
async def page(context: BrowserContext) -> Page:
    return await context.new_page()


# The password of the staff members the page tests make (one per run).
STAFF_PASSWORD = "browser tests sign in " + uuid.uuid4().hex[:8]


class StaffSignIn(Protocol):
    async def __call__(
        self, page: Page, *, who: str, name: str, role: str = "editor", email: str | None = None
    ) -> str: ...


@pytest.fixture
def staff_sign_in(engines: dict[str, AsyncEngine]) -> StaffSignIn:
    """`await staff_sign_in(page, who="editor", name="Eeva")`: a new staff member (address
    `<who>-<random>@digituki.fi` unless `email`) with `role`, signed in on `page` through the
    sign-in form; returns the address."""

    async def sign_in_new(
        page: Page, *, who: str, name: str, role: str = "editor", email: str | None = None
    ) -> str:
        from contacts.staff.service import sign_in as staff_service

        from tests.browser.journeys import sign_in as sign_in_page

        email = email or f"{who}-{uuid.uuid4().hex[:8]}@digituki.fi"
        await staff_service.create_staff(
            SqlContactsUnitOfWork(engines["contacts"]),
            email=email,
            name=name,
            role=role,
            password=STAFF_PASSWORD,
        )
        await sign_in_page(page, email, STAFF_PASSWORD)
        return email

    return sign_in_new


def screenshot_path(name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name.strip("/")) or "root"
    return SCREENSHOTS / f"{safe}.png"


@pytest.fixture(scope="session")
async def staff_sessions(site: str, engines: dict[str, AsyncEngine]) -> list[Session]:
    """Two signed-in sessions of one admin, through nginx (cookie + CSRF token each)."""
    email = await new_admin(engines["contacts"])
    return [await sign_in(site, email), await sign_in(site, email)]
