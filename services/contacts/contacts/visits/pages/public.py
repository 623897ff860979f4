"""The public "Invite us to visit" form (/visit): Kutsu meidät kylään!"""

from __future__ import annotations

from fastapi import APIRouter, Request, Response

from contacts.deps import Settings, Uow
from contacts.public import FormTooLarge, client_ip, form_limiter, read_form
from contacts.rendering import pages, public_language
from contacts.topics import service as topics
from contacts.unit_of_work import ContactsUnitOfWork
from contacts.visits import service
from contacts.visits.domain import parse_visit

router = APIRouter(include_in_schema=False)
HONEYPOT = "website"
FIELDS = (
    "organisation",
    "contact_name",
    "email",
    "phone",
    "topic",
    "wished_dates",
    "audience_size",
    "message",
)


async def _form_page(
    request: Request,
    uow: ContactsUnitOfWork,
    *,
    values: dict[str, str] | None = None,
    errors: dict[str, str] | None = None,
    status_code: int = 200,
) -> Response:
    lang = public_language(request)
    choices = await service.form_choices(uow, lang=lang)
    shown = {name: "" for name in FIELDS} | (values or {})
    return pages.render(
        request,
        "visit.html",
        {
            "values": shown,
            "errors": errors or {},
            "topics": [(t.key, t.name(lang)) for t in choices.topics],
            "organisation_names": choices.organisation_names,
        },
        lang=lang,
        status_code=status_code,
    )


@router.get("/visit")
async def visit_form(request: Request, uow: Uow) -> Response:
    return await _form_page(request, uow)


@router.post("/visit")
async def visit(request: Request, uow: Uow, settings: Settings) -> Response:
    lang = public_language(request)
    if not form_limiter(request, settings, "visit").allow(client_ip(request)):
        return pages.render(
            request,
            "visit_sent.html",
            {"problem": "limited"},
            lang=lang,
            status_code=429,
            headers={"Retry-After": "60"},
        )
    try:
        values = await read_form(request)
    except FormTooLarge:
        return pages.render(
            request, "visit_sent.html", {"problem": "too_large"}, lang=lang, status_code=413
        )
    sent = pages.render(request, "visit_sent.html", {"problem": None}, lang=lang)
    if any(v.strip() for v in values.get(HONEYPOT, [])):
        return sent  # a bot: the same answer, nothing stored
    known_topics = {t.key for t in await topics.list_topics(uow)}
    form, errors, shown = parse_visit({**values, "language": [lang]}, known_topics=known_topics)
    if form is None:
        return await _form_page(request, uow, values=shown, errors=errors, status_code=422)
    mail = service.VisitMail(
        notify=tuple(settings.visit_notify),
        notify_language=settings.visit_notify_language,
        queue_url=f"{settings.public_base_url.rstrip('/')}/staff/visits",
    )
    await service.request_visit(uow, form, mail=mail)
    return sent
