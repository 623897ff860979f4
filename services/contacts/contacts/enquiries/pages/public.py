"""The public contact form (/contact, also on the front page): Ota yhteyttä! Kysy! Ehdota!

The same care as /join: a honeypot field, the per-IP limit of the public forms, a bounded
body, and one answer page whatever happens to a message that passed the checks (a bot's
included), so the page never tells whether an address is known.
"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from contacts.deps import Settings, Uow
from contacts.enquiries import service
from contacts.enquiries.domain import FIELD_LIMITS, KINDS, parse_enquiry
from contacts.public import FormTooLarge, client_ip, form_limiter, read_form
from contacts.rendering import pages, public_language

router = APIRouter(include_in_schema=False)
HONEYPOT = "website"
# English source labels (translated in the public catalogs).
KIND_LABELS = {
    "question": "A question",
    "suggestion": "A suggestion",
    "feedback": "Feedback",
    "other": "Something else",
}


def form_context(
    values: dict[str, str] | None = None, errors: dict[str, str] | None = None
) -> dict[str, object]:
    """What the form partial (_enquiry_form.html) needs, empty or filled again."""
    shown = {name: "" for name in (*FIELD_LIMITS, "consent")} | (values or {})
    return {
        "enquiry": shown,
        "enquiry_errors": errors or {},
        "enquiry_kinds": [(kind, KIND_LABELS[kind]) for kind in KINDS],
        "enquiry_limits": FIELD_LIMITS,
    }


def _form_page(
    request: Request,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    return pages.render(
        request,
        "contact.html",
        form_context(values, errors),
        lang=public_language(request),
        status_code=status_code,
    )


@router.get("/contact")
async def contact_form(request: Request) -> Response:
    return _form_page(request)


@router.post("/contact")
async def contact(request: Request, uow: Uow, settings: Settings) -> Response:
    lang = public_language(request)
    if not form_limiter(request, settings, "enquiry").allow(client_ip(request)):
        return pages.render(
            request,
            "contact_sent.html",
            {"problem": "limited"},
            lang=lang,
            status_code=429,
            headers={"Retry-After": "60"},
        )
    try:
        values = await read_form(request)
    except FormTooLarge:
        return pages.render(
            request, "contact_sent.html", {"problem": "too_large"}, lang=lang, status_code=413
        )
    sent = pages.render(request, "contact_sent.html", {"problem": None}, lang=lang)
    if any(v.strip() for v in values.get(HONEYPOT, [])):
        return sent  # a bot: the same answer, nothing stored
    form, errors, shown = parse_enquiry(values, language=lang)
    if form is None:
        return _form_page(request, values=shown, errors=errors, status_code=422)
    await service.submit(uow, form)
    return sent
