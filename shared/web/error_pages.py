"""Error answers a person can read: HTML pages in the visitor's language, JSON for the API.

A browser (it asks for text/html) that meets a missing page, a missing right or a malformed
address gets a page in the shared layout (the staff layout on staff paths) in its language;
a malformed id in a page address is a 404, never a validation dump. API clients and anything
that does not ask for HTML keep FastAPI's JSON answers, as the OpenAPI documents declare;
only an unknown address outside /api/ is a page for anyone who does not ask for JSON alone.
A server error is a page too (`server_error_page`, used by shared/web/errors.py).
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.exception_handlers import (
    http_exception_handler,
    request_validation_exception_handler,
)
from fastapi.exceptions import RequestValidationError
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.responses import Response

from shared.i18n import PUBLIC_LANGUAGES, SHARED_LOCALE, STAFF_LANGUAGES, negotiate, translator
from shared.logs import correlation_id
from shared.web.pages import Pages
from shared.web.staff import RANKS, Staff

STAFF_PATHS = ("/staff", "/newsletter/staff", "/surveys/staff")
pages = Pages([])


def wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def asks_only_for_json(request: Request) -> bool:
    accept = request.headers.get("accept", "")
    return "json" in accept and "text/html" not in accept


def wants_missing_page(request: Request) -> bool:
    """An unknown address outside /api/ is a page for anyone who does not ask only for JSON
    (a browser, a link checker, `curl` with its */*): nobody meets raw JSON on the site."""
    return not request.url.path.startswith("/api/") and not asks_only_for_json(request)


def _language(request: Request, staff: bool) -> str:
    allowed = STAFF_LANGUAGES if staff else PUBLIC_LANGUAGES
    chosen = request.query_params.get("lang") or request.cookies.get("dt_lang") or ""
    if chosen in allowed:
        return chosen
    return negotiate(request.headers.get("accept-language"), allowed)


def _signed_in(request: Request) -> Staff | None:
    """The staff member the proxy vouches for, so an error page keeps the staff navigation."""
    role = request.headers.get("x-staff-role", "")
    staff_id = request.headers.get("x-staff-id", "")
    if not staff_id or role not in RANKS:
        return None
    return Staff(id=staff_id, role=role, email=request.headers.get("x-staff-email", ""))  # type: ignore[arg-type]


def error_page(request: Request, status: int) -> Response:
    staff = request.url.path.startswith(STAFF_PATHS)
    if staff and getattr(request.state, "staff", None) is None:
        request.state.staff = _signed_in(request)
    lang = _language(request, staff)
    _ = translator([SHARED_LOCALE], lang)
    texts = {
        401: (_("Sign-in required"), _("This page is for signed-in staff.")),
        403: (_("No access"), _("Your role does not allow this page or action.")),
        404: (
            _("Page not found"),
            _("The address may be mistyped, or the page has been removed."),
        ),
        500: (
            _("Something went wrong"),
            _("The error is ours. Try again shortly; if it happens again, quote the reference."),
        ),
    }
    heading, explanation = texts.get(
        status, (_("The request could not be handled"), _("Check the address and try again."))
    )
    return pages.render(
        request,
        "errors/staff.html" if staff else "errors/public.html",
        {
            "heading": heading,
            "explanation": explanation,
            "sign_in": status == 401,
            "home": "/staff/" if staff else f"/?lang={lang}",
            "reference": correlation_id.get() if status >= 500 else "",
        },
        lang=lang,
        status_code=status,
    )


def add_error_pages(app: FastAPI) -> None:
    async def on_http_error(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, StarletteHTTPException)
        missing = exc.status_code in (404, 405)
        if not (wants_missing_page(request) if missing else wants_page(request)):
            return await http_exception_handler(request, exc)
        status = 404 if exc.status_code == 405 else exc.status_code
        return error_page(request, status)

    async def on_invalid_request(request: Request, exc: Exception) -> Response:
        assert isinstance(exc, RequestValidationError)
        if not wants_page(request):
            return await request_validation_exception_handler(request, exc)
        in_path = any(error.get("loc", ("",))[0] == "path" for error in exc.errors())
        return error_page(request, 404 if in_path else 400)

    app.add_exception_handler(StarletteHTTPException, on_http_error)
    app.add_exception_handler(RequestValidationError, on_invalid_request)
