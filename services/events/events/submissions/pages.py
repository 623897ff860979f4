"""Public pages of partner submissions: the form of a series, and the sender's link."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import Response

from events.catalog import service as catalog
from events.catalog.domain import KINDS, LANGUAGES, pick
from events.catalog.forms import FIELDS, details_from
from events.deps import Settings, UnitOfWork
from events.errors import DomainError, NotFound
from events.pages import NO_STORE, message_page, pages, public_language
from events.registration import service as registration
from events.registration.pages import _client_ip, _limiter
from events.settings import EventsSettings
from events.submissions import service as submissions
from events.submissions.service import SubmissionLinks
from shared.places import places

router = APIRouter(include_in_schema=False)
EXTRA = ("submitter_name", "submitter_email", "consent", "website")


def _links(settings: EventsSettings) -> SubmissionLinks:
    return SubmissionLinks(keys=settings.token_keys(), base_url=settings.public_base_url)


async def _form(
    request: Request,
    uow: UnitOfWork,
    slug: str,
    lang: str,
    *,
    form: dict[str, str],
    languages: list[str],
    error: DomainError | None = None,
) -> Response:
    series = await catalog.get_series(uow, slug=slug[:80])
    return pages.render(
        request,
        "submit.html",
        {
            "slug": series.slug,
            "series_name": pick(series.name, lang),
            "form": form,
            "languages": languages,
            "all_languages": LANGUAGES,
            "kinds": KINDS,
            "municipalities": [
                (m.code, m.name(lang)) for m in places().sorted_municipalities(lang)
            ],
            "error": error,
        },
        lang=lang,
        status_code=422 if error else 200,
    )


@router.get("/events/series/{slug}/submit")
async def submission_form(slug: str, request: Request, uow: UnitOfWork) -> Response:
    lang = public_language(request)
    try:
        return await _form(
            request, uow, slug, lang, form={"format": "onsite"}, languages=[lang], error=None
        )
    except NotFound:
        return message_page(request, lang, "missing", status_code=404)


@router.post("/events/series/{slug}/submit")
async def submit(slug: str, request: Request, uow: UnitOfWork, settings: Settings) -> Response:
    lang = public_language(request)
    data = await request.form()
    form = {name: str(data.get(name) or "")[:10_000] for name in (*FIELDS, *EXTRA)}
    languages = [str(v) for v in data.getlist("languages")]
    if form["website"]:  # the honeypot
        return message_page(request, lang, "submitted")
    if not _limiter(request, settings).allow(_client_ip(request)):
        return message_page(request, lang, "limited", status_code=429)
    try:
        if form["consent"] != "yes":
            raise DomainError("your consent is needed to send the event", field="consent")
        details = details_from(form | {"kind": "digitaitoviikko", "series_id": ""}, languages)
        await submissions.submit_event(
            uow,
            series_slug=slug[:80],
            details=details,
            submitter=submissions.submitter_fields(form | {"lang": lang}),
            links=_links(settings),
        )
    except NotFound:
        return message_page(request, lang, "missing", status_code=404)
    except DomainError as error:
        return await _form(request, uow, slug, lang, form=form, languages=languages, error=error)
    return message_page(request, lang, "submitted")


@router.get("/events/submissions/{token}")
async def confirm_page(
    token: str, request: Request, uow: UnitOfWork, settings: Settings
) -> Response:
    lang = public_language(request)
    try:
        event = await submissions.submission_for_link(uow, token=token, links=_links(settings))
    except NotFound:
        return message_page(request, lang, "invalid", status_code=404)
    return pages.render(
        request,
        "submission_confirm.html",
        {
            "token": token,
            "title": pick(event.details.title, lang),
            "when": registration.when(event, lang),
            "done": event.state != "submitted",
        },
        lang=lang,
        headers=NO_STORE,
    )


@router.post("/events/submissions/{token}")
async def confirm(token: str, request: Request, uow: UnitOfWork, settings: Settings) -> Response:
    lang = public_language(request)
    try:
        await submissions.verify_submission(uow, token=token, links=_links(settings))
    except NotFound:
        return message_page(request, lang, "invalid", status_code=404)
    return message_page(request, lang, "verified")
