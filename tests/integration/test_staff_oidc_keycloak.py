"""Staff sign-in against a real identity provider: Keycloak (from Maven Central, started by
deploy/bin/keycloak.sh once for this module) with the realm of
deploy/keycloak/realm-digituki-test.json. The whole authorisation code flow runs through the
contacts web app and Keycloak's own login form: PKCE, state and nonce, checked ID tokens,
roles from the provider's groups, and sign-out at the provider too.

Skipped only where no Java runs (Keycloak needs Java 17+); `make test` here runs it.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import html
import json
import re
import secrets
import shutil
import subprocess
import time
from collections.abc import AsyncIterator, Iterator
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlencode, urlsplit

import httpx
import jwt
import pytest
from contacts.app import create_app
from contacts.settings import ContactsSettings
from contacts.staff.service import oidc
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

REPO = Path(__file__).resolve().parents[2]
KEYCLOAK = REPO / "deploy" / "bin" / "keycloak.sh"
SITE = "https://crm.digituki.test"  # the realm's only allowed redirect: {SITE}/login/oidc/...
CALLBACK = f"{SITE}/login/oidc/callback"
CLIENTS = {  # client id -> secret, as in the realm file
    "digituki-crm": "digituki-crm-test-secret",
    "short-lived": "short-lived-test-secret",
    "another-app": "another-app-test-secret",
}
USERS = {  # username -> (password, email); groups in the realm file
    "eeva": ("eeva-password-1", "eeva.editori@digituki.fi"),  # crm-editors
    "aino": ("aino-password-1", "aino.admin@digituki.fi"),  # crm-admins, crm-editors
    "olli": ("olli-password-1", "olli.outsider@digituki.fi"),  # finance
}
GROUP_ROLES = {"crm-admins": "admin", "crm-editors": "editor"}

pytestmark = [
    pytest.mark.keycloak,
    # The first start on a machine also builds Keycloak (about a minute on 2 free cores).
    pytest.mark.timeout(900),
    pytest.mark.skipif(shutil.which("java") is None, reason="no Java: Keycloak cannot run"),
]


@pytest.fixture(scope="module")
def issuer(request: pytest.FixtureRequest) -> Iterator[str]:
    # One already running (started by hand while working on these tests) is left running.
    ours = subprocess.run([str(KEYCLOAK), "test", "status"], check=False).returncode != 0
    started = time.monotonic()
    subprocess.run([str(KEYCLOAK), "test", "start"], check=True, timeout=840)
    seconds = time.monotonic() - started
    # The start time, printed past pytest's output capture (what slows a test run here).
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None and ours:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"keycloak: ready after {seconds:.1f} s (start and realm import)")
    found = subprocess.run(
        [str(KEYCLOAK), "test", "issuer"], check=True, capture_output=True, text=True
    ).stdout.strip()
    try:
        yield found
    finally:
        if ours:
            subprocess.run([str(KEYCLOAK), "test", "stop"], check=False, timeout=60)


class Browser:
    """Keycloak's side of a browser: keeps its cookies and posts its login form. Keycloak
    marks its cookies Secure; a browser sends them to a loopback origin over http, httpx's
    cookie jar does not, so they are sent by hand."""

    def __init__(self) -> None:
        self.http = httpx.AsyncClient(timeout=120)

    def _cookie(self) -> dict[str, str]:
        jar = "; ".join(f"{c.name}={c.value}" for c in self.http.cookies.jar)
        return {"Cookie": jar} if jar else {}

    async def get(self, url: str) -> httpx.Response:
        return await self.http.get(url, headers=self._cookie())

    async def sign_in(self, login_page: httpx.Response, username: str) -> httpx.Response:
        """Fill Keycloak's login form: its answer redirects back to the application."""
        assert login_page.status_code == 200, login_page.text[:500]
        form = re.search(r'<form[^>]*id="kc-form-login"[^>]*action="([^"]+)"', login_page.text)
        assert form is not None, "no Keycloak login form"
        return await self.http.post(
            html.unescape(form.group(1)),
            data={"username": username, "password": USERS[username][0], "credentialId": ""},
            headers=self._cookie(),
        )

    async def close(self) -> None:
        await self.http.aclose()


@pytest.fixture
async def browser() -> AsyncIterator[Browser]:
    b = Browser()
    yield b
    await b.close()


async def _contacts(
    issuer: str, *, seed: bool = True
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncEngine]]:
    settings = ContactsSettings(
        public_base_url=SITE,
        oidc_issuer=issuer,
        oidc_client_id="digituki-crm",
        oidc_client_secret=CLIENTS["digituki-crm"],
        oidc_group_roles=GROUP_ROLES,
        oidc_provider_name="Digituki account",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        if seed:  # known before: Eeva as a viewer (her groups make her an editor at sign-in)
            await staff_service.create_staff(
                SqlContactsUnitOfWork(app.state.engine),
                email=USERS["eeva"][1],
                name="Eeva",
                role="viewer",
                password="correct horse battery staple",
            )
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url=SITE,
            headers={"Accept-Language": "en"},
            timeout=120,
        ) as client:
            yield client, app.state.engine


@pytest.fixture
async def contacts(
    clean_db: dict[str, AsyncEngine], issuer: str
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncEngine]]:
    async for pair in _contacts(issuer):
        yield pair


async def _leave(client: httpx.AsyncClient, next_url: str = "/staff/people") -> str:
    leaving = await client.get("/login/oidc", params={"next": next_url})
    assert leaving.status_code == 303
    return leaving.headers["location"]


async def _come_back(client: httpx.AsyncClient, at_provider: httpx.Response) -> httpx.Response:
    assert at_provider.status_code == 302, at_provider.text[:500]
    back = urlsplit(at_provider.headers["location"])
    assert f"{back.scheme}://{back.netloc}{back.path}" == CALLBACK
    return await client.get(back.path, params={k: v[0] for k, v in parse_qs(back.query).items()})


async def _sign_in(client: httpx.AsyncClient, browser: Browser, username: str) -> httpx.Response:
    """The whole round trip: contacts -> Keycloak's login form -> contacts' callback."""
    login_page = await browser.get(await _leave(client))
    return await _come_back(client, await browser.sign_in(login_page, username))


async def _audit(engine: AsyncEngine, action: str) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT details FROM audit_log WHERE action = :a ORDER BY id"), {"a": action}
        )
        return [dict(r) for r in rows.scalars()]


async def test_the_code_flow_with_pkce_state_and_nonce_opens_a_session_with_the_group_role(
    contacts: tuple[httpx.AsyncClient, AsyncEngine], browser: Browser, issuer: str
) -> None:
    client, engine = contacts
    query = parse_qs(urlsplit(await _leave(client)).query)
    assert query["code_challenge_method"] == ["S256"]
    assert len(query["state"][0]) >= 32 and len(query["nonce"][0]) >= 32
    assert query["redirect_uri"] == [CALLBACK]

    back = await _sign_in(client, browser, "eeva")
    assert back.status_code == 303, back.text[:500]
    assert back.headers["location"] == "/staff/people"
    verified = await client.get("/auth/verify")
    assert verified.status_code == 200
    assert verified.headers["x-staff-email"] == USERS["eeva"][1]
    # Known as a viewer here; her group crm-editors makes her an editor, and it is audited.
    assert verified.headers["x-staff-role"] == "editor"
    changes = await _audit(engine, "staff.access_changed")
    assert [(c["role"], c["method"]) for c in changes] == [("editor", "oidc groups")]


async def test_the_highest_group_role_wins_and_no_mapped_group_means_no_access(
    clean_db: dict[str, AsyncEngine], issuer: str
) -> None:
    async for client, _ in _contacts(issuer):
        b = Browser()
        try:
            assert (await _sign_in(client, b, "aino")).status_code == 303
        finally:
            await b.close()
        verified = await client.get("/auth/verify")
        assert (verified.headers["x-staff-email"], verified.headers["x-staff-role"]) == (
            USERS["aino"][1],
            "admin",
        )
    async for client, _ in _contacts(issuer, seed=False):
        b = Browser()
        try:
            refused = await _sign_in(client, b, "olli")
        finally:
            await b.close()
        assert refused.status_code == 401
        assert "no access" in refused.text
        assert (await client.get("/auth/verify")).status_code == 401


async def test_a_forged_state_or_a_code_without_its_verifier_opens_nothing(
    contacts: tuple[httpx.AsyncClient, AsyncEngine], browser: Browser, issuer: str
) -> None:
    client, _ = contacts
    login_page = await browser.get(await _leave(client))
    at_provider = await browser.sign_in(login_page, "eeva")
    query = parse_qs(urlsplit(at_provider.headers["location"]).query)
    forged = await client.get(
        "/login/oidc/callback", params={"code": query["code"][0], "state": "forged-state"}
    )
    assert forged.status_code == 401
    assert (await client.get("/auth/verify")).status_code == 401

    # A code taken on its way back is useless without the verifier (Keycloak checks PKCE).
    thief = oidc.OidcClient(_config(issuer, "digituki-crm"))
    stolen = oidc.Attempt(query["state"][0], "n", secrets.token_urlsafe(48), "/staff/")
    with pytest.raises(oidc.FederatedSignInFailed, match="refused"):
        await thief.complete(stolen, state=query["state"][0], code=query["code"][0])


def _config(issuer: str, client_id: str, leeway_s: int = 60) -> oidc.OidcConfig:
    return oidc.OidcConfig(
        issuer=issuer,
        client_id=client_id,
        client_secret=CLIENTS[client_id],
        redirect_uri=CALLBACK,
        leeway_s=leeway_s,
    )


async def _id_token(issuer: str, client_id: str, username: str, nonce: str) -> str:
    """A real ID token from Keycloak: the code flow as its client, through the login form."""
    verifier = secrets.token_urlsafe(48)
    challenge = base64.urlsafe_b64encode(hashlib.sha256(verifier.encode()).digest())
    query = {
        "response_type": "code",
        "client_id": client_id,
        "redirect_uri": CALLBACK,
        "scope": "openid email profile",
        "state": "s",
        "nonce": nonce,
        "code_challenge": challenge.rstrip(b"=").decode(),
        "code_challenge_method": "S256",
    }
    b = Browser()
    try:
        page = await b.get(f"{issuer}/protocol/openid-connect/auth?{urlencode(query)}")
        back = await b.sign_in(page, username)
        code = parse_qs(urlsplit(back.headers["location"]).query)["code"][0]
        answer = await b.http.post(
            f"{issuer}/protocol/openid-connect/token",
            data={
                "grant_type": "authorization_code",
                "code": code,
                "redirect_uri": CALLBACK,
                "client_id": client_id,
                "client_secret": CLIENTS[client_id],
                "code_verifier": verifier,
            },
        )
    finally:
        await b.close()
    assert answer.status_code == 200, answer.text
    return str(answer.json()["id_token"])


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).rstrip(b"=").decode()


def _tampered(token: str) -> dict[str, str]:
    """The same signed token with one promise changed, in each way an attacker could try."""
    header, payload, signature = token.split(".")
    claims = json.loads(base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)))
    other = _b64(json.dumps({**claims, "email": USERS["aino"][1]}).encode())
    groups = _b64(json.dumps({**claims, "groups": ["crm-admins"]}).encode())
    unsigned = _b64(json.dumps({"alg": "none", "typ": "JWT"}).encode())
    flipped = signature[:-6] + ("AAAAAA" if not signature.endswith("AAAAAA") else "BBBBBB")
    return {
        "other email": f"{header}.{other}.{signature}",
        "more groups": f"{header}.{groups}.{signature}",
        "broken signature": f"{header}.{payload}.{flipped}",
        "no signature (alg none)": f"{unsigned}.{payload}.",
    }


async def test_tampered_foreign_and_expired_id_tokens_from_keycloak_are_refused(
    issuer: str,
) -> None:
    nonce = secrets.token_urlsafe(24)
    ours = oidc.OidcClient(_config(issuer, "digituki-crm"))
    genuine = await _id_token(issuer, "digituki-crm", "eeva", nonce)
    identity = await ours.verify(genuine, nonce)
    assert (identity.email, identity.groups) == (USERS["eeva"][1], ("crm-editors",))

    for how, token in _tampered(genuine).items():
        with pytest.raises(oidc.FederatedSignInFailed):
            await ours.verify(token, nonce)
            pytest.fail(f"accepted a token with {how}")
    with pytest.raises(oidc.FederatedSignInFailed):  # replayed into another attempt
        await ours.verify(genuine, secrets.token_urlsafe(24))

    # Signed by the same realm for another application: the audience is not us.
    foreign = await _id_token(issuer, "another-app", "eeva", nonce)
    assert (await oidc.OidcClient(_config(issuer, "another-app")).verify(foreign, nonce)).email
    with pytest.raises(oidc.FederatedSignInFailed):
        await ours.verify(foreign, nonce)

    # The short-lived client's tokens live 2 s: valid at first, refused once expired.
    strict = oidc.OidcClient(_config(issuer, "short-lived", leeway_s=0))
    brief = await _id_token(issuer, "short-lived", "eeva", nonce)
    assert (await strict.verify(brief, nonce)).email == USERS["eeva"][1]
    expires = jwt.decode(brief, options={"verify_signature": False})["exp"]
    await asyncio.sleep(max(0.0, expires - time.time()) + 1.1)
    with pytest.raises(oidc.FederatedSignInFailed):
        await strict.verify(brief, nonce)


async def test_sign_out_ends_the_session_here_and_at_the_provider(
    contacts: tuple[httpx.AsyncClient, AsyncEngine], browser: Browser, issuer: str
) -> None:
    client, _ = contacts
    assert (await _sign_in(client, browser, "eeva")).status_code == 303
    # While Keycloak's session lives, the next round trip passes without the login form.
    again = await browser.get(await _leave(client))
    assert again.status_code == 302 and "code=" in again.headers["location"]
    assert (await _come_back(client, again)).status_code == 303

    csrf = (await client.get("/auth/verify")).headers["x-staff-csrf"]
    out = await client.post("/logout", data={"csrf_token": csrf})
    assert out.status_code == 303
    target = urlsplit(out.headers["location"])
    assert f"{target.scheme}://{target.netloc}{target.path}" == (
        f"{issuer}/protocol/openid-connect/logout"
    )
    params = parse_qs(target.query)
    assert params["post_logout_redirect_uri"] == [f"{SITE}/login"]
    assert params["id_token_hint"][0].count(".") == 2
    at_provider = await browser.get(out.headers["location"])
    assert at_provider.status_code == 302, at_provider.text[:500]
    assert at_provider.headers["location"] == f"{SITE}/login"

    assert (await client.get("/auth/verify")).status_code == 401
    # Keycloak forgot her too: the next sign-in asks for the password again.
    asked = await browser.get(await _leave(client))
    assert asked.status_code == 200 and 'id="kc-form-login"' in asked.text


async def test_a_local_sign_in_signs_out_locally_only(
    contacts: tuple[httpx.AsyncClient, AsyncEngine],
) -> None:
    client, _ = contacts
    page = await client.get("/login")
    token = re.search(r'name="login_token" value="([^"]+)"', page.text)
    assert token is not None
    signed = await client.post(
        "/login",
        data={
            "email": USERS["eeva"][1],
            "password": "correct horse battery staple",
            "login_token": token.group(1),
            "next": "/staff/",
        },
    )
    assert signed.status_code == 303, signed.text[:300]
    csrf = (await client.get("/auth/verify")).headers["x-staff-csrf"]
    out = await client.post("/logout", data={"csrf_token": csrf})
    assert (out.status_code, out.headers["location"]) == (303, "/login")
