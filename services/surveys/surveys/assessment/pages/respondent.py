"""The respondent's pages: take the test (/s/assessment/{token}), the result behind a random
result link (/s/assessment/r/{token}) and retaking from it. No JavaScript needed.

A bad or unknown link gets a 404 page of its own (never a 500). Result pages are not cached and
send no Referer, so the result link does not leak to the material sites it links to.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response
from starlette.datastructures import FormData

from shared.i18n import SHARED_LOCALE, translator
from shared.web.rate_limit import TokenBucket
from surveys.assessment import service
from surveys.assessment.domain import band_of, change, text_in, weakest
from surveys.assessment.labels import ORGANISATION_TYPES, region_choices
from surveys.assessment.service import Answers, LinkGone, Loaded, Outcome, ResultView
from surveys.deps import Settings, UnitOfWork
from surveys.pages import HERE, pages, respondent_language
from surveys.settings import SurveysSettings
from surveys.unit_of_work import SurveysUnitOfWork

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}
BAND_LABELS = {"low": "Getting started", "mid": "Developing", "high": "Strong"}


def _answers(loaded: Loaded, form: FormData) -> Answers:
    def one(name: str) -> str:
        value = form.get(name)
        return value if isinstance(value, str) else ""

    return Answers(
        choices={q.id: one(f"q_{q.id}") for q in loaded.definition.questions},
        email=one("email")[:320],
        region=one("region"),
        organisation_type=one("organisation_type"),
    )


def _limiter(request: Request, settings: SurveysSettings) -> TokenBucket:
    """Per address of the caller, as the open survey link: each submission may send a mail."""
    limiter: TokenBucket | None = getattr(request.app.state, "assessment_limiter", None)
    if limiter is None:
        limiter = TokenBucket(
            burst=settings.open_link_burst, per_minute=settings.open_link_per_minute
        )
        request.app.state.assessment_limiter = limiter
    return limiter


def _limited(request: Request) -> Response:
    lang = respondent_language(request, None)
    _ = translator((HERE / "locale", SHARED_LOCALE), lang)
    return pages.render(
        request,
        "respond_message.html",
        {
            "heading": _("Too many new answers from your network"),
            "survey_title": "",
            "paragraphs": [_("Please wait a minute and open the link again.")],
        },
        lang=lang,
        status_code=429,
        headers=NO_STORE | {"Retry-After": "60"},
    )


def _gone(request: Request) -> Response:
    lang = respondent_language(request, None)
    _ = translator((HERE / "locale", SHARED_LOCALE), lang)
    return pages.render(
        request,
        "respond_message.html",
        {
            "heading": _("This link does not work"),
            "survey_title": "",
            "paragraphs": [
                _("Check that you copied the whole link. The test may also have been closed.")
            ],
        },
        lang=lang,
        status_code=404,
        headers=NO_STORE,
    )


def _take_page(
    request: Request,
    loaded: Loaded,
    *,
    action: str,
    lang: str,
    answers: Answers | None = None,
    outcome: Outcome | None = None,
    retaking: bool = False,
) -> Response:
    definition = loaded.definition
    errors = outcome.errors if outcome else {}
    question_text = {f"q_{q.id}": text_in(q.text, lang) for q in definition.questions}
    return pages.render(
        request,
        "assessment_take.html",
        {
            "definition": definition,
            "t": lambda texts: text_in(texts, lang),
            "action": action,
            "identified": loaded.stored.mode == "identified" and not retaking,
            "retaking": retaking,
            "values": answers or Answers(choices={}),
            "errors": errors,
            "error_labels": question_text,
            "regions": region_choices(lang),
            "organisation_types": list(ORGANISATION_TYPES.items()),
        },
        lang=lang,
        status_code=422 if errors else 200,
        headers=NO_STORE,
    )


def _rows(
    loaded: Loaded, percents: dict[str, int], previous: dict[str, int] | None, lang: str
) -> list[dict[str, Any]]:
    moved = change(previous, percents)
    rows = []
    for area in loaded.definition.areas:
        if area.key not in percents:
            continue
        band = band_of(percents[area.key])
        feedback = area.feedback[band]
        rows.append(
            {
                "key": area.key,
                "name": text_in(area.name, lang),
                "percent": percents[area.key],
                "band": band,
                "band_label": BAND_LABELS[band],
                "feedback": text_in(feedback.text, lang),
                "link": feedback.link,
                "change": moved.get(area.key),
            }
        )
    return rows


async def _result_page(
    request: Request,
    uow: SurveysUnitOfWork,
    loaded: Loaded,
    percents: dict[str, int],
    *,
    lang: str,
    previous: dict[str, int] | None = None,
    history: list[Any] | None = None,
    token: str = "",
    mailed: bool = False,
    base_url: str = "",
) -> Response:
    rows = _rows(loaded, percents, previous, lang)
    names = {r["key"]: r["name"] for r in rows}
    # In the definition's order (a stored attempt's JSON keeps its own): ties go to the first.
    weak_keys = weakest({r["key"]: r["percent"] for r in rows})
    weak = [names[k] for k in weak_keys]
    links = await service.area_materials(uow, areas=weak_keys, lang=lang)
    weak_materials = [(names[k], links[k]) for k in weak_keys if links.get(k)]
    return pages.render(
        request,
        "assessment_result.html",
        {
            "title": text_in(loaded.definition.title, lang),
            "rows": rows,
            "weak": weak,
            "weak_materials": weak_materials,
            "events_url": loaded.definition.events_url,
            "compared": previous is not None,
            "history": history or [],
            "areas": [(a.key, text_in(a.name, lang)) for a in loaded.definition.areas],
            "token": token,
            "result_url": service.result_url(base_url, token) if token else "",
            "anonymous": loaded.stored.mode == "anonymous",
            "mailed": mailed,
        },
        lang=lang,
        headers=NO_STORE,
    )


@router.get("/s/assessment/r/{token}")
async def result(token: str, request: Request, uow: UnitOfWork, settings: Settings) -> Response:
    try:
        view: ResultView = await service.open_result(uow, token=token)
    except LinkGone:
        return _gone(request)
    return await _result_page(
        request,
        uow,
        view.loaded,
        view.attempt.percents,
        lang=respondent_language(request, view.attempt.language),
        previous=view.previous,
        history=view.history,
        token=token,
        base_url=settings.public_base_url,
    )


@router.get("/s/assessment/r/{token}/retake")
async def retake_form(token: str, request: Request, uow: UnitOfWork) -> Response:
    try:
        loaded = await service.retake_form(uow, token=token)
    except LinkGone:
        return _gone(request)
    lang = respondent_language(request, None)
    return _take_page(
        request, loaded, action=f"/s/assessment/r/{token}/retake", lang=lang, retaking=True
    )


@router.post("/s/assessment/r/{token}/retake")
async def retake(token: str, request: Request, uow: UnitOfWork, settings: Settings) -> Response:
    lang = respondent_language(request, None)
    client_ip = request.headers.get("x-real-ip") or (request.client.host if request.client else "")
    try:
        loaded = await service.retake_form(uow, token=token)
        answers = _answers(loaded, await request.form())
        if loaded.stored.mode == "identified" and not _limiter(request, settings).allow(client_ip):
            return _limited(request)
        outcome = await service.retake(
            uow,
            token=token,
            answers=answers,
            lang=lang,
            base_url=settings.public_base_url,
        )
    except LinkGone:
        return _gone(request)
    if outcome.errors:
        return _take_page(
            request,
            loaded,
            action=f"/s/assessment/r/{token}/retake",
            lang=lang,
            answers=answers,
            outcome=outcome,
            retaking=True,
        )
    return RedirectResponse(f"/s/assessment/r/{outcome.token}?lang={lang}", status_code=303)


@router.get("/s/assessment/{token}")
async def take(token: str, request: Request, uow: UnitOfWork, settings: Settings) -> Response:
    try:
        loaded = await service.open_test(uow, keys=settings.token_keys(), token=token)
    except LinkGone:
        return _gone(request)
    lang = respondent_language(request, None)
    return _take_page(request, loaded, action=f"/s/assessment/{token}", lang=lang)


@router.post("/s/assessment/{token}")
async def submit(token: str, request: Request, uow: UnitOfWork, settings: Settings) -> Response:
    lang = respondent_language(request, None)
    keys = settings.token_keys()
    client_ip = request.headers.get("x-real-ip") or (request.client.host if request.client else "")
    try:
        loaded = await service.open_test(uow, keys=keys, token=token)
        answers = _answers(loaded, await request.form())
        if loaded.stored.mode == "identified" and not _limiter(request, settings).allow(client_ip):
            return _limited(request)
        outcome = await service.submit(
            uow,
            keys=keys,
            token=token,
            answers=answers,
            lang=lang,
            base_url=settings.public_base_url,
        )
    except LinkGone:
        return _gone(request)
    if outcome.errors:
        return _take_page(
            request,
            loaded,
            action=f"/s/assessment/{token}",
            lang=lang,
            answers=answers,
            outcome=outcome,
        )
    if loaded.stored.mode == "anonymous":
        return RedirectResponse(f"/s/assessment/r/{outcome.token}?lang={lang}", status_code=303)
    # Identified: the result is shown once from the submission; its link goes by mail only.
    return await _result_page(
        request, uow, loaded, outcome.scored.percents(), lang=lang, mailed=outcome.mailed
    )
