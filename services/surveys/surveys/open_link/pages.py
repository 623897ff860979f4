"""The public anonymous link /s/open/{token}: the response page of personal links, per browser.

A browser's first visit creates its slot (rate-limited per IP) and a cookie that brings it back
to its draft; a browser that has answered gets the "already answered" page. Problems with the
link get the same pages and statuses as personal links (never a 500).
"""

from __future__ import annotations

from datetime import UTC, datetime

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from shared.i18n import SHARED_LOCALE, translator
from shared.tokens import TokenError
from shared.web.rate_limit import TokenBucket
from surveys.deps import Settings, UnitOfWork
from surveys.open_link import service as open_link
from surveys.pages import HERE, pages, respondent_language
from surveys.responding.pages import (
    NO_STORE,
    page_param,
    problem_page,
    raw_answers,
    render_questions,
    thanks_page,
)
from surveys.responding.service import LinkProblem, Session
from surveys.settings import SurveysSettings

router = APIRouter(include_in_schema=False)


def _limiter(request: Request, settings: SurveysSettings) -> TokenBucket:
    limiter: TokenBucket | None = getattr(request.app.state, "open_link_limiter", None)
    if limiter is None:
        limiter = TokenBucket(
            burst=settings.open_link_burst, per_minute=settings.open_link_per_minute
        )
        request.app.state.open_link_limiter = limiter
    return limiter


def _client_ip(request: Request) -> str:
    """The proxy's X-Real-IP (web processes listen on 127.0.0.1 only), else the peer."""
    return request.headers.get("x-real-ip") or (request.client.host if request.client else "")


def _campaign_cookie(request: Request, settings: SurveysSettings, token: str) -> str | None:
    try:
        campaign_id = open_link.read_token(settings.token_keys(), token)
    except TokenError:  # forged: the service answers with its own page
        return None
    return request.cookies.get(open_link.cookie_name(campaign_id))


@router.get("/s/open/{token}")
async def show(token: str, request: Request, uow: UnitOfWork, settings: Settings) -> Response:
    keys = settings.token_keys()
    slot = _campaign_cookie(request, settings, token)
    try:
        session = await open_link.find_session(uow, keys=keys, token=token, slot=slot)
        if session is None:
            if not _limiter(request, settings).allow(_client_ip(request)):
                return _limited(request)
            session, new_slot = await open_link.start(uow, keys=keys, token=token)
            response = render_questions(request, token, session, 0, {}, [], path=f"/s/open/{token}")
            _set_cookie(response, settings, session, new_slot)
            return response
    except LinkProblem as problem:
        return problem_page(request, problem)
    page = page_param(request, session)
    return render_questions(
        request, token, session, page, session.answers, [], path=f"/s/open/{token}"
    )


@router.post("/s/open/{token}")
async def answer(token: str, request: Request, uow: UnitOfWork, settings: Settings) -> Response:
    keys = settings.token_keys()
    slot = _campaign_cookie(request, settings, token)
    form = await request.form()
    try:
        page = int(str(form.get("page", "0")))
    except ValueError:
        page = 0
    action = str(form.get("action", "next"))
    try:
        session = await open_link.find_session(uow, keys=keys, token=token, slot=slot)
        if session is None:  # no cookie (blocked or expired): start over from the link
            return RedirectResponse(f"/s/open/{token}", status_code=303)
        page = min(max(page, 0), len(session.survey.pages) - 1)
        outcome = await open_link.answer_page(
            uow,
            keys=keys,
            token=token,
            slot=slot,
            page=page,
            raw=raw_answers(session.survey.pages[page].questions, form),
            action=action if action in ("next", "back", "submit") else "next",  # type: ignore[arg-type]
        )
    except LinkProblem as problem:
        return problem_page(request, problem)
    if outcome is None:
        return RedirectResponse(f"/s/open/{token}", status_code=303)
    lang = respondent_language(request, None)
    if outcome.submitted:
        return RedirectResponse(f"/s/open/{token}/thanks?lang={lang}", status_code=303)
    if outcome.errors:
        values = outcome.raw or outcome.session.answers
        return render_questions(
            request,
            token,
            outcome.session,
            outcome.page,
            values,
            outcome.errors,
            path=f"/s/open/{token}",
        )
    return RedirectResponse(f"/s/open/{token}?page={outcome.page}&lang={lang}", status_code=303)


@router.get("/s/open/{token}/thanks")
async def thanks(token: str, request: Request, uow: UnitOfWork, settings: Settings) -> Response:
    slot = _campaign_cookie(request, settings, token)
    session = await open_link.answered(uow, keys=settings.token_keys(), token=token, slot=slot)
    if session is None:
        return RedirectResponse(f"/s/open/{token}", status_code=303)
    return thanks_page(request, session, respondent_language(request, None))


def _set_cookie(response: Response, settings: SurveysSettings, session: Session, slot: str) -> None:
    """Until the campaign closes, for /s/ only; not readable by scripts."""
    closes_at = session.campaign.closes_at
    response.set_cookie(
        open_link.cookie_name(session.campaign.id),
        slot,
        max_age=max(int((closes_at - datetime.now(UTC)).total_seconds()), 1),
        expires=closes_at,
        path="/s/",
        httponly=True,
        samesite="lax",
        secure=settings.environment != "development",
    )


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
