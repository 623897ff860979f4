"""Staff sign-in pages and the proxy's `auth_request` target."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated
from urllib.parse import urlsplit

from fastapi import APIRouter, Form, Request, Response
from fastapi.responses import RedirectResponse

from contacts.deps import Settings, Uow
from contacts.public import client_ip
from contacts.rendering import pages, staff_language
from contacts.settings import ContactsSettings
from contacts.staff.pages.oidc_client import HINT_COOKIE, provider_sign_out
from contacts.staff.service import sign_in as staff_service
from shared.web.rate_limit import TokenBucket

router = APIRouter(include_in_schema=False)


def sign_in_limiter(request: Request, settings: ContactsSettings) -> TokenBucket:
    """Password attempts per client address, one bucket per web process."""
    limiter: TokenBucket | None = getattr(request.app.state, "sign_in_limiter", None)
    if limiter is None:
        limiter = request.app.state.sign_in_limiter = TokenBucket(
            burst=settings.sign_in_burst, per_minute=settings.sign_in_per_minute
        )
    return limiter


SESSION_COOKIE = "dt_session"
LOGIN_COOKIE = "dt_login"


def safe_next(target: str | None) -> str:
    """Only same-site paths: a sign-in must never bounce to another site."""
    if not target:
        return "/staff/"
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return "/staff/"
    return target


def login_page(
    request: Request,
    *,
    next_url: str,
    error: str | None = None,
    email: str = "",
    status_code: int = 200,
) -> Response:
    token = secrets.token_urlsafe(24)
    response = pages.render(
        request,
        "login.html",
        {
            "next_url": next_url,
            "error": error,
            "email": email,
            "login_token": token,
            "oidc_provider": _oidc_provider(request),
        },
        lang=staff_language(request),
        status_code=status_code,
    )
    response.set_cookie(
        LOGIN_COOKIE, token, httponly=True, samesite="strict", max_age=3600, path="/login"
    )
    return response


def _oidc_provider(request: Request) -> str | None:
    settings: ContactsSettings = request.app.state.settings
    return settings.oidc_provider_name if settings.oidc_enabled else None


@router.get("/login")
async def login_form(request: Request, next: str | None = None) -> Response:
    return login_page(request, next_url=safe_next(next))


@router.post("/login")
async def login(
    request: Request,
    uow: Uow,
    settings: Settings,
    email: Annotated[str, Form(max_length=254)] = "",
    password: Annotated[str, Form(max_length=256)] = "",
    login_token: Annotated[str, Form(max_length=64)] = "",
    next: Annotated[str, Form(max_length=2000)] = "/staff/",
) -> Response:
    expected = request.cookies.get(LOGIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, login_token):
        return login_page(
            request,
            next_url=safe_next(next),
            email=email,
            status_code=400,
            error="The sign-in form expired. Please try again.",
        )
    try:
        if not sign_in_limiter(request, settings).allow(client_ip(request)):
            # One client may not keep an account waiting: the same answer, nothing checked.
            raise staff_service.SignInRefused(staff_service.REFUSAL)
        signed_in = await staff_service.sign_in(uow, email=email, password=password)
    except staff_service.SignInRefused as refused:
        return login_page(
            request, next_url=safe_next(next), email=email, error=refused.message, status_code=401
        )
    response = signed_in_response(safe_next(next), signed_in, settings)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


def signed_in_response(
    target: str, signed_in: staff_service.SignedIn, settings: ContactsSettings
) -> Response:
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(
        SESSION_COOKIE,
        signed_in.token,
        httponly=True,
        samesite="lax",
        path="/",
        secure=settings.environment != "development",
        max_age=int(staff_service.SESSION_LIFETIME.total_seconds()),
    )
    return response


@router.post("/logout")
async def logout(request: Request, uow: Uow, settings: Settings) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    if token:
        current = await staff_service.session(uow, token)
        form = await request.form()
        given = form.get("csrf_token", "")
        if (
            current is not None
            and isinstance(given, str)
            and hmac.compare_digest(given, current[1])
        ):
            await staff_service.sign_out(uow, token)
    # Signed in through the organisation's provider: end its session too, or the next
    # "sign in with..." would pass straight through without a password.
    target = await provider_sign_out(request, settings) or "/login"
    response = RedirectResponse(target, status_code=303)
    response.delete_cookie(SESSION_COOKIE, path="/")
    response.delete_cookie(HINT_COOKIE, path="/logout")
    return response


@router.get("/auth/verify")
async def verify(request: Request, uow: Uow) -> Response:
    """nginx `auth_request`: 200 with the staff identity headers, or 401."""
    token = request.cookies.get(SESSION_COOKIE)
    current = await staff_service.session(uow, token) if token else None
    if current is None:
        return Response(status_code=401)
    member, csrf = current
    return Response(
        status_code=200,
        headers={
            "X-Staff-Id": str(member.id),
            "X-Staff-Role": member.role,
            "X-Staff-Email": member.email,
            "X-Staff-Csrf": csrf,
        },
    )
