"""Staff sign-in with the organisation's OpenID Connect identity provider.

Authorization code flow with PKCE (RFC 7636) and a nonce: the browser is sent to the
provider, comes back with a code, and this service exchanges the code for an ID token over
a back channel and checks its signature (the provider's JWKS), issuer, audience, expiry and
nonce. The provider only vouches for an email address; roles stay in this system.
"""

from __future__ import annotations

import base64
import hashlib
import secrets
import time
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import urlencode

import httpx
import jwt

from contacts.errors import InvalidInput

_CACHE_S = 3600.0


class FederatedSignInFailed(InvalidInput):
    """The provider's answer could not be trusted or did not name a usable account."""


@dataclass(frozen=True)
class OidcConfig:
    issuer: str
    client_id: str
    client_secret: str
    redirect_uri: str
    scopes: str = "openid email profile"


@dataclass(frozen=True)
class Attempt:
    """What the browser carries (signed) between leaving and coming back."""

    state: str
    nonce: str
    verifier: str
    next_url: str

    def as_payload(self) -> dict[str, str]:
        return {"s": self.state, "n": self.nonce, "v": self.verifier, "next": self.next_url}

    @classmethod
    def from_payload(cls, payload: Any) -> Attempt:
        if not isinstance(payload, dict):
            raise FederatedSignInFailed("The sign-in attempt is not valid.")
        return cls(
            state=str(payload["s"]),
            nonce=str(payload["n"]),
            verifier=str(payload["v"]),
            next_url=str(payload["next"]),
        )


@dataclass(frozen=True)
class Identity:
    email: str
    name: str
    subject: str


@dataclass
class OidcClient:
    config: OidcConfig
    _metadata: dict[str, Any] | None = None
    _jwks: jwt.PyJWKSet | None = None
    _fetched_at: float = 0.0
    _http_timeout: float = 10.0
    _extra_leeway_s: int = 60
    _algorithms: tuple[str, ...] = field(default=("RS256", "ES256", "PS256"))

    async def _discover(self) -> dict[str, Any]:
        if self._metadata is None or time.monotonic() - self._fetched_at > _CACHE_S:
            url = self.config.issuer.rstrip("/") + "/.well-known/openid-configuration"
            async with httpx.AsyncClient(timeout=self._http_timeout) as http:
                metadata = (await http.get(url)).raise_for_status().json()
                jwks = (await http.get(metadata["jwks_uri"])).raise_for_status().json()
            if metadata.get("issuer") != self.config.issuer:
                raise FederatedSignInFailed("The identity provider names another issuer.")
            self._metadata, self._jwks = metadata, jwt.PyJWKSet.from_dict(jwks)
            self._fetched_at = time.monotonic()
        return self._metadata

    async def begin(self, next_url: str) -> tuple[str, Attempt]:
        """The provider's authorisation URL and the attempt to remember."""
        metadata = await self._discover()
        attempt = Attempt(
            state=secrets.token_urlsafe(24),
            nonce=secrets.token_urlsafe(24),
            verifier=secrets.token_urlsafe(48),
            next_url=next_url,
        )
        query = urlencode(
            {
                "response_type": "code",
                "client_id": self.config.client_id,
                "redirect_uri": self.config.redirect_uri,
                "scope": self.config.scopes,
                "state": attempt.state,
                "nonce": attempt.nonce,
                "code_challenge": _challenge(attempt.verifier),
                "code_challenge_method": "S256",
            }
        )
        return f"{metadata['authorization_endpoint']}?{query}", attempt

    async def complete(self, attempt: Attempt, *, state: str, code: str) -> Identity:
        if not secrets.compare_digest(attempt.state, state):
            raise FederatedSignInFailed("The sign-in attempt does not match. Please try again.")
        metadata = await self._discover()
        async with httpx.AsyncClient(timeout=self._http_timeout) as http:
            answer = await http.post(
                metadata["token_endpoint"],
                data={
                    "grant_type": "authorization_code",
                    "code": code,
                    "redirect_uri": self.config.redirect_uri,
                    "client_id": self.config.client_id,
                    "client_secret": self.config.client_secret,
                    "code_verifier": attempt.verifier,
                },
            )
        if answer.status_code != 200 or "id_token" not in answer.json():
            raise FederatedSignInFailed("The identity provider refused the sign-in.")
        return self._identity(answer.json()["id_token"], attempt.nonce)

    def _identity(self, id_token: str, nonce: str) -> Identity:
        assert self._jwks is not None
        try:
            kid = jwt.get_unverified_header(id_token).get("kid")
            key = self._jwks[kid] if kid else self._jwks.keys[0]
            claims = jwt.decode(
                id_token,
                key=key,
                algorithms=list(self._algorithms),
                audience=self.config.client_id,
                issuer=self.config.issuer,
                leeway=self._extra_leeway_s,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except (jwt.PyJWTError, KeyError) as error:
            raise FederatedSignInFailed("The identity provider's answer is not valid.") from error
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise FederatedSignInFailed("The identity provider's answer is not valid.")
        email = str(claims.get("email") or "").strip()
        if not email or claims.get("email_verified") is False:
            raise FederatedSignInFailed("The identity provider did not give a verified email.")
        return Identity(email=email, name=str(claims.get("name") or ""), subject=claims["sub"])


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
