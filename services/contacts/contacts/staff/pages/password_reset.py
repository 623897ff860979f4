"""Forgotten staff password: ask for a link by mail, then set a new password with it."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Form, Request, Response

from contacts.deps import Settings, Uow
from contacts.errors import InvalidInput
from contacts.public import client_ip
from contacts.rendering import pages, staff_language
from contacts.settings import ContactsSettings
from contacts.staff.service import password_reset as service
from shared.tokens import TokenError, TokenExpired
from shared.web.rate_limit import TokenBucket

router = APIRouter(prefix="/login", include_in_schema=False)


def _limiter(request: Request, settings: ContactsSettings) -> TokenBucket:
    # Limited like /join (same settings), but with a bucket of its own.
    limiter: TokenBucket | None = getattr(request.app.state, "password_reset_limiter", None)
    if limiter is None:
        limiter = TokenBucket(burst=settings.signup_burst, per_minute=settings.signup_per_minute)
        request.app.state.password_reset_limiter = limiter
    return limiter


def reset_url(settings: ContactsSettings, token: str) -> str:
    return f"{settings.public_base_url.rstrip('/')}/login/reset/{token}"


def _problem(request: Request, error: TokenError) -> Response:
    if isinstance(error, TokenExpired):
        problem, status = "expired", 410
    elif isinstance(error, service.ResetLinkUsed):
        problem, status = "used", 410
    else:
        problem, status = "invalid", 400
    return pages.render(
        request,
        "password_reset_problem.html",
        {"problem": problem},
        lang=staff_language(request),
        status_code=status,
    )


@router.get("/forgot")
async def forgot_form(request: Request) -> Response:
    return pages.render(request, "password_reset_forgot.html", lang=staff_language(request))


@router.post("/forgot")
async def forgot(
    request: Request,
    uow: Uow,
    settings: Settings,
    email: Annotated[str, Form(max_length=254)] = "",
) -> Response:
    lang = staff_language(request)
    if not _limiter(request, settings).allow(client_ip(request)):
        return pages.render(
            request,
            "password_reset_forgot.html",
            {"limited": True},
            lang=lang,
            status_code=429,
            headers={"Retry-After": "60"},
        )
    if email.strip():
        await service.request_reset(
            uow,
            email=email,
            language=lang,
            reset_url=lambda token: reset_url(settings, token),
            keys=settings.token_keys(),
        )
    # Known, unknown or inactive address: the same page, so nobody learns who is staff.
    return pages.render(request, "password_reset_sent.html", lang=lang)


@router.get("/reset/{token}")
async def reset_form(token: str, request: Request, uow: Uow, settings: Settings) -> Response:
    try:
        await service.check_token(uow, token=token, keys=settings.token_keys())
    except TokenError as exc:
        return _problem(request, exc)
    return pages.render(
        request,
        "password_reset_form.html",
        {"token": token, "error": None},
        lang=staff_language(request),
    )


@router.post("/reset/{token}")
async def reset(
    token: str,
    request: Request,
    uow: Uow,
    settings: Settings,
    password: Annotated[str, Form(max_length=512)] = "",
    password_again: Annotated[str, Form(max_length=512)] = "",
) -> Response:
    lang = staff_language(request)
    try:
        if password != password_again:
            await service.check_token(uow, token=token, keys=settings.token_keys())
            raise InvalidInput("The passwords do not match.", field="password")
        await service.reset_password(
            uow, token=token, password=password, keys=settings.token_keys()
        )
    except TokenError as exc:
        return _problem(request, exc)
    except InvalidInput as exc:
        return pages.render(
            request,
            "password_reset_form.html",
            {"token": token, "error": exc.message},
            lang=lang,
            status_code=422,
        )
    return pages.render(request, "password_reset_done.html", lang=lang)
