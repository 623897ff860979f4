"""Staff sign-in through the organisation's OpenID Connect provider (when configured)."""

from __future__ import annotations

from fastapi import APIRouter, Request, Response
from fastapi.responses import RedirectResponse

from contacts.deps import Settings, Uow
from contacts.staff.domain import role_from_groups
from contacts.staff.pages.oidc_client import HINT_COOKIE, provider_client
from contacts.staff.pages.sign_in import login_page, safe_next, signed_in_response
from contacts.staff.service import oidc
from contacts.staff.service import sign_in as staff_service
from shared import tokens

router = APIRouter(include_in_schema=False)
ATTEMPT_COOKIE = "dt_oidc"
ATTEMPT_PURPOSE = "oidc-attempt"
ATTEMPT_MAX_AGE_S = 600


@router.get("/login/oidc")
async def leave_for_provider(
    request: Request, settings: Settings, next: str | None = None
) -> Response:
    client = provider_client(request, settings)
    target, attempt = await client.begin(safe_next(next))
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        ATTEMPT_COOKIE,
        tokens.sign(settings.token_keys(), ATTEMPT_PURPOSE, attempt.as_payload()),
        httponly=True,
        # Lax, not Strict: the provider sends the browser back with a cross-site GET.
        samesite="lax",
        secure=settings.environment != "development",
        max_age=ATTEMPT_MAX_AGE_S,
        path="/login/oidc",
    )
    return response


@router.get("/login/oidc/callback")
async def back_from_provider(
    request: Request,
    uow: Uow,
    settings: Settings,
    state: str = "",
    code: str = "",
    error: str = "",
) -> Response:
    client = provider_client(request, settings)
    try:
        if error or not code:
            raise oidc.FederatedSignInFailed("The identity provider did not sign you in.")
        try:
            payload = tokens.verify(
                settings.token_keys(),
                ATTEMPT_PURPOSE,
                request.cookies.get(ATTEMPT_COOKIE, ""),
                max_age_s=ATTEMPT_MAX_AGE_S,
            )
        except tokens.TokenError as bad:
            raise oidc.FederatedSignInFailed(
                "The sign-in attempt expired. Please try again."
            ) from bad
        attempt = oidc.Attempt.from_payload(payload)
        identity = await client.complete(attempt, state=state, code=code)
        signed_in = await staff_service.sign_in_federated(
            uow,
            email=identity.email,
            name=identity.name,
            create_with_role=settings.oidc_create_role,
            provider_role=role_from_groups(identity.groups, settings.oidc_group_roles),
            provider_grants_roles=bool(settings.oidc_group_roles),
        )
    except (oidc.FederatedSignInFailed, staff_service.SignInRefused) as refused:
        page = login_page(request, next_url="/staff/", error=refused.message, status_code=401)
        page.delete_cookie(ATTEMPT_COOKIE, path="/login/oidc")
        return page
    response = signed_in_response(attempt.next_url, signed_in, settings)
    response.delete_cookie(ATTEMPT_COOKIE, path="/login/oidc")
    response.set_cookie(
        HINT_COOKIE,
        identity.id_token,
        httponly=True,
        samesite="lax",
        secure=settings.environment != "development",
        max_age=int(staff_service.SESSION_LIFETIME.total_seconds()),
        path="/logout",
    )
    return response
