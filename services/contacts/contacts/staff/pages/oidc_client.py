"""The one OpenID Connect client of a contacts web app, shared by sign-in and sign-out."""

from __future__ import annotations

from fastapi import HTTPException, Request

from contacts.settings import ContactsSettings
from contacts.staff.service import oidc

# The ID token, kept in the browser for the provider's sign-out (its id_token_hint).
HINT_COOKIE = "dt_oidc_hint"


def provider_client(request: Request, settings: ContactsSettings) -> oidc.OidcClient:
    if not settings.oidc_enabled:
        raise HTTPException(status_code=404)
    client: oidc.OidcClient | None = getattr(request.app.state, "oidc_client", None)
    if client is None:
        client = oidc.OidcClient(
            oidc.OidcConfig(
                issuer=settings.oidc_issuer,
                client_id=settings.oidc_client_id,
                client_secret=settings.oidc_client_secret,
                redirect_uri=settings.public_base_url.rstrip("/") + "/login/oidc/callback",
                scopes=settings.oidc_scopes,
                groups_claim=settings.oidc_groups_claim,
                leeway_s=settings.oidc_clock_skew_s,
            )
        )
        request.app.state.oidc_client = client
    return client


async def provider_sign_out(request: Request, settings: ContactsSettings) -> str | None:
    """The provider's end-session URL for a session opened through it, else None."""
    hint = request.cookies.get(HINT_COOKIE)
    if not (hint and settings.oidc_enabled):
        return None
    client = provider_client(request, settings)
    return await client.end_session_url(hint, settings.public_base_url.rstrip("/") + "/login")
