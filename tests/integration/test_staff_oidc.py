"""Staff sign-in with an OpenID Connect provider: code flow with PKCE, checked ID tokens.

The provider is a small identity provider served over real HTTP on a loopback port (the
external party of this flow); contacts talks to it exactly as to a real one.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import secrets
import socket
import time
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlsplit

import httpx
import jwt
import pytest
import uvicorn
from contacts.app import create_app
from contacts.settings import ContactsSettings
from contacts.staff.service import sign_in as staff_service
from contacts.unit_of_work import SqlContactsUnitOfWork
from cryptography.hazmat.primitives.asymmetric import rsa
from fastapi import FastAPI, Form, HTTPException
from fastapi.responses import RedirectResponse
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

CLIENT_ID = "digituki-crm"
CLIENT_SECRET = "s3cret-of-the-client"


@dataclass
class Provider:
    """What the identity provider will say next (tests change it to misbehave)."""

    issuer: str = ""
    email: str = "editor@digituki.fi"
    email_verified: bool = True
    audience: str = CLIENT_ID
    nonce_override: str | None = None
    lifetime_s: int = 300
    sign_with_other_key: bool = False
    codes: dict[str, dict[str, str]] = field(default_factory=dict)


def _provider_app(provider: Provider) -> FastAPI:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    stranger = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    jwk = json.loads(jwt.algorithms.RSAAlgorithm.to_jwk(key.public_key()))
    jwk.update({"kid": "k1", "use": "sig", "alg": "RS256"})
    app = FastAPI()

    @app.get("/.well-known/openid-configuration")
    async def metadata() -> dict[str, Any]:
        return {
            "issuer": provider.issuer,
            "authorization_endpoint": f"{provider.issuer}/authorize",
            "token_endpoint": f"{provider.issuer}/token",
            "jwks_uri": f"{provider.issuer}/jwks",
        }

    @app.get("/jwks")
    async def jwks() -> dict[str, Any]:
        return {"keys": [jwk]}

    @app.get("/authorize")
    async def authorize(
        redirect_uri: str, state: str, nonce: str, code_challenge: str, client_id: str
    ) -> RedirectResponse:
        assert client_id == CLIENT_ID
        code = secrets.token_urlsafe(12)
        provider.codes[code] = {"nonce": nonce, "challenge": code_challenge}
        return RedirectResponse(f"{redirect_uri}?code={code}&state={state}", status_code=302)

    @app.post("/token")
    async def token(
        code: str = Form(),
        code_verifier: str = Form(),
        client_secret: str = Form(),
    ) -> dict[str, str]:
        grant = provider.codes.pop(code, None)
        digest = hashlib.sha256(code_verifier.encode()).digest()
        challenge = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
        if grant is None or challenge != grant["challenge"] or client_secret != CLIENT_SECRET:
            raise HTTPException(status_code=400, detail="invalid_grant")
        now = int(time.time())
        claims = {
            "iss": provider.issuer,
            "sub": "user-1",
            "aud": provider.audience,
            "iat": now,
            "exp": now + provider.lifetime_s,
            "nonce": provider.nonce_override or grant["nonce"],
            "email": provider.email,
            "email_verified": provider.email_verified,
            "name": "Eeva Editori",
        }
        signer = stranger if provider.sign_with_other_key else key
        id_token = jwt.encode(claims, signer, algorithm="RS256", headers={"kid": "k1"})
        return {"access_token": "unused", "token_type": "Bearer", "id_token": id_token}

    return app


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def provider() -> AsyncIterator[Provider]:
    port = _free_port()
    state = Provider(issuer=f"http://127.0.0.1:{port}")
    server = uvicorn.Server(
        uvicorn.Config(_provider_app(state), host="127.0.0.1", port=port, log_level="warning")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 (uvicorn offers only this flag)
        await asyncio.sleep(0.02)
    yield state
    server.should_exit = True
    await task


async def _contacts(
    provider: Provider, create_role: str | None, *, seed_staff: bool = True
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncEngine]]:
    settings = ContactsSettings(
        oidc_issuer=provider.issuer,
        oidc_client_id=CLIENT_ID,
        oidc_client_secret=CLIENT_SECRET,
        oidc_create_role=create_role,
        oidc_provider_name="Digituki account",
    )
    app = create_app(settings)
    async with app.router.lifespan_context(app):
        if seed_staff:
            await staff_service.create_staff(
                SqlContactsUnitOfWork(app.state.engine),
                email="editor@digituki.fi",
                name="Eeva",
                role="editor",
                password="correct horse battery staple",
            )
        async with httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="https://crm.digituki.test",
            headers={"Accept-Language": "en"},
        ) as client:
            yield client, app.state.engine


@pytest.fixture
async def contacts(
    clean_db: dict[str, AsyncEngine], provider: Provider
) -> AsyncIterator[tuple[httpx.AsyncClient, AsyncEngine]]:
    async for pair in _contacts(provider, None):
        yield pair


async def _round_trip(client: httpx.AsyncClient, next_url: str = "/staff/people") -> httpx.Response:
    """Leave for the provider, let it answer, come back with its code and state."""
    leaving = await client.get("/login/oidc", params={"next": next_url})
    assert leaving.status_code == 303
    async with httpx.AsyncClient() as browser:
        at_provider = await browser.get(leaving.headers["location"])
    assert at_provider.status_code == 302
    back = urlsplit(at_provider.headers["location"])
    assert back.path == "/login/oidc/callback"
    return await client.get(back.path, params={k: v[0] for k, v in parse_qs(back.query).items()})


async def test_login_page_offers_the_provider_and_the_round_trip_opens_a_session(
    contacts: tuple[httpx.AsyncClient, AsyncEngine],
) -> None:
    client, engine = contacts
    assert "Sign in with your Digituki account" in (await client.get("/login")).text
    leaving = await client.get("/login/oidc")
    query = parse_qs(urlsplit(leaving.headers["location"]).query)
    assert query["code_challenge_method"] == ["S256"]
    assert query["redirect_uri"][0].endswith("/login/oidc/callback")
    back = await _round_trip(client)
    assert back.status_code == 303
    assert back.headers["location"] == "/staff/people"
    verified = await client.get("/auth/verify")
    assert verified.status_code == 200
    assert verified.headers["x-staff-email"] == "editor@digituki.fi"
    assert verified.headers["x-staff-role"] == "editor"
    async with engine.connect() as conn:
        methods = (
            (
                await conn.execute(
                    text(
                        "SELECT details->>'method' FROM audit_log WHERE action = 'staff.signed_in'"
                    )
                )
            )
            .scalars()
            .all()
        )
    assert methods == ["oidc"]


@pytest.mark.parametrize(
    ("misbehaviour", "value"),
    [
        ("audience", "someone-else"),
        ("nonce_override", "replayed-nonce"),
        ("lifetime_s", -3600),
        ("sign_with_other_key", True),
        ("email_verified", False),
    ],
)
async def test_an_answer_that_cannot_be_trusted_opens_no_session(
    contacts: tuple[httpx.AsyncClient, AsyncEngine],
    provider: Provider,
    misbehaviour: str,
    value: object,
) -> None:
    client, _ = contacts
    setattr(provider, misbehaviour, value)
    back = await _round_trip(client)
    assert back.status_code == 401
    assert "dt_session" not in back.headers.get("set-cookie", "")
    assert (await client.get("/auth/verify")).status_code == 401


async def test_a_callback_without_the_attempt_cookie_or_with_another_state_is_refused(
    contacts: tuple[httpx.AsyncClient, AsyncEngine],
) -> None:
    client, _ = contacts
    stray = await client.get("/login/oidc/callback", params={"code": "x", "state": "y"})
    assert stray.status_code == 401
    assert "expired" in stray.text
    leaving = await client.get("/login/oidc")
    async with httpx.AsyncClient() as browser:
        at_provider = await browser.get(leaving.headers["location"])
    query = parse_qs(urlsplit(at_provider.headers["location"]).query)
    forged = await client.get(
        "/login/oidc/callback", params={"code": query["code"][0], "state": "forged"}
    )
    assert forged.status_code == 401
    assert (await client.get("/auth/verify")).status_code == 401


async def test_unknown_address_is_refused_unless_a_role_for_newcomers_is_set(
    clean_db: dict[str, AsyncEngine], provider: Provider
) -> None:
    provider.email = "new.colleague@digituki.fi"
    async for client, _ in _contacts(provider, None):
        refused = await _round_trip(client)
        assert refused.status_code == 401
        assert "no access" in refused.text
    async for client, _ in _contacts(provider, "viewer", seed_staff=False):
        welcomed = await _round_trip(client)
        assert welcomed.status_code == 303
        verified = await client.get("/auth/verify")
        assert verified.headers["x-staff-role"] == "viewer"
        assert verified.headers["x-staff-email"] == "new.colleague@digituki.fi"


async def test_without_settings_the_provider_routes_do_not_exist(
    clean_db: dict[str, AsyncEngine],
) -> None:
    app = create_app(ContactsSettings())
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app), base_url="https://crm.digituki.test"
        ) as client,
    ):
        assert (await client.get("/login/oidc")).status_code == 404
        assert "/login/oidc" not in (await client.get("/login")).text
