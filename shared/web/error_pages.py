"""Error answers a person can read: HTML pages in the visitor's language, JSON for the API.

A browser (it asks for text/html) that meets a missing page, a missing right or a malformed
address gets a page in the shared layout (the staff layout on staff paths) in its language;
a malformed id in a page address is a 404, never a validation dump. API clients and anything
that does not ask for HTML keep FastAPI's JSON answers, as the OpenAPI documents declare.
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

STAFF_PATHS = ("/staff", "/newsletter/staff", "/surveys/staff")
pages = Pages([])


def wants_page(request: Request) -> bool:
    return not request.url.path.startswith("/api/") and "text/html" in request.headers.get(
        "accept", ""
    )


def _language(request: Request, staff: bool) -> str:
    allowed = STAFF_LANGUAGES if staff else PUBLIC_LANGUAGES
    chosen = request.query_params.get("lang") or request.cookies.get("dt_lang") or ""
    if chosen in allowed:
        return chosen
    return negotiate(request.headers.get("accept-language"), allowed)


def error_page(request: Request, status: int) -> Response:
    staff = request.url.path.startswith(STAFF_PATHS)
    lang = _language(request, staff)
    _ = translator([SHARED_LOCALE], lang)
    texts = {
        401: (_("Sign-in required"), _("This page is for signed-in staff.")),
        403: (_("No access"), _("Your role does not allow this page or action.")),
        404: (
            _("Page not found"),
            _("The address may be mistyped, or the page has been removed."),
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
        if not wants_page(request):
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
