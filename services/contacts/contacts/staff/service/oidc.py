"""Staff sign-in with the organisation's OpenID Connect identity provider.

Authorization code flow with PKCE (RFC 7636) and a nonce: the browser is sent to the
provider, comes back with a code, and this service exchanges the code for an ID token over
a back channel and checks its signature (the provider's JWKS), issuer, audience, expiry and
nonce. The provider vouches for an email address and, when the installation maps them, for
the groups that give a role (`groups_claim`); without a mapping roles stay in this system.
Sign-out ends the provider's session too (RP-initiated logout) when it offers it.
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
    groups_claim: str = "groups"
    # Clock difference tolerated between the provider and this server.
    leeway_s: int = 60


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
    groups: tuple[str, ...] = ()
    # Kept for the provider's sign-out (id_token_hint); never shown.
    id_token: str = field(default="", repr=False)


@dataclass
class OidcClient:
    config: OidcConfig
    _metadata: dict[str, Any] | None = None
    _jwks: jwt.PyJWKSet | None = None
    _fetched_at: float = 0.0
    _http_timeout: float = 10.0
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
        return await self.verify(answer.json()["id_token"], attempt.nonce)

    async def verify(self, id_token: str, nonce: str) -> Identity:
        """The identity an ID token vouches for, once its signature (the provider's keys),
        issuer, audience (this client), expiry and nonce are checked."""
        await self._discover()
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
                leeway=self.config.leeway_s,
                options={"require": ["exp", "iat", "sub", "aud", "iss"]},
            )
        except (jwt.PyJWTError, KeyError) as error:
            raise FederatedSignInFailed("The identity provider's answer is not valid.") from error
        if not secrets.compare_digest(str(claims.get("nonce", "")), nonce):
            raise FederatedSignInFailed("The identity provider's answer is not valid.")
        email = str(claims.get("email") or "").strip()
        if not email or claims.get("email_verified") is False:
            raise FederatedSignInFailed("The identity provider did not give a verified email.")
        groups = claims.get(self.config.groups_claim) or []
        if not isinstance(groups, list):  # some providers send a single group as a string
            groups = [groups] if isinstance(groups, str) else []
        return Identity(
            email=email,
            name=str(claims.get("name") or ""),
            subject=claims["sub"],
            groups=tuple(str(g) for g in groups if isinstance(g, str | int)),
            id_token=id_token,
        )

    async def end_session_url(
        self, id_token_hint: str, post_logout_redirect_uri: str
    ) -> str | None:
        """Where to send the browser so the provider ends its session too (OpenID Connect
        RP-Initiated Logout 1.0); None when the provider has no end_session_endpoint."""
        try:
            metadata = await self._discover()
        except (httpx.HTTPError, FederatedSignInFailed, ValueError, KeyError):
            return None  # the provider is away: at least the local session ends
        endpoint = metadata.get("end_session_endpoint")
        if not endpoint:
            return None
        query = urlencode(
            {
                "id_token_hint": id_token_hint,
                "client_id": self.config.client_id,
                "post_logout_redirect_uri": post_logout_redirect_uri,
            }
        )
        return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"


def _challenge(verifier: str) -> str:
    digest = hashlib.sha256(verifier.encode()).digest()
    return base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
