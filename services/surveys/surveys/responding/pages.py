"""The response page /s/{token}: no JavaScript needed, one page at a time, errors summarised.

Every problem with a link has its own page and status (never a 500): forged or unknown 404,
not open yet 403, used 409, closed or expired 410.
"""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from starlette.datastructures import FormData

from shared.i18n import SHARED_LOCALE, translator
from surveys.builder.domain.readiness import written_languages
from surveys.builder.domain.survey import Question, Survey
from surveys.deps import LinkChecker, UnitOfWork
from surveys.pages import HERE, pages, respondent_language
from surveys.responding import service as responding
from surveys.responding.domain import AnswerError, condition_holds, visible_answers
from surveys.responding.service import LinkProblem, Session

router = APIRouter(include_in_schema=False)
NO_STORE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}

ERRORS = {
    "required": "Answer this question.",
    "choose_listed": "Choose one of the options.",
    "other_text": "Tell us what you mean by other.",
    "number": "Enter a number.",
    "number_min": "Enter a number of at least %(min)s.",
    "number_max": "Enter a number of at most %(max)s.",
    "date": "Enter a date as YYYY-MM-DD.",
    "too_long": "The answer is too long.",
    "matrix_incomplete": "Answer every row.",
}
PROBLEMS: dict[str, tuple[int, str, str]] = {
    "forged": (
        404,
        "This link does not work",
        "Check that you copied the whole link from the invitation mail.",
    ),
    "unknown": (
        404,
        "This link does not work",
        "Check that you copied the whole link from the invitation mail.",
    ),
    "expired": (410, "This link has expired", "The survey can no longer be answered with it."),
    "not_open": (403, "The survey has not opened yet", "Come back when the survey opens."),
    "closed": (410, "The survey has closed", "Answers are no longer accepted. Thank you."),
    "used": (409, "You have already answered", "Each link can be used to answer once. Thank you."),
}


@router.get("/s/{token}")
async def show(token: str, request: Request, uow: UnitOfWork, check: LinkChecker) -> Response:
    try:
        session = await responding.open_link(uow, token=token, check=check)
    except LinkProblem as problem:
        return problem_page(request, problem)
    page = page_param(request, session)
    return render_questions(request, token, session, page, session.answers, [])


@router.post("/s/{token}")
async def answer(token: str, request: Request, uow: UnitOfWork, check: LinkChecker) -> Response:
    form = await request.form()
    try:
        page = int(str(form.get("page", "0")))
    except ValueError:
        page = 0
    action = str(form.get("action", "next"))
    try:
        # One transaction: the link is checked and locked, the page read and kept or submitted.
        outcome = await responding.answer_page(
            uow,
            token=token,
            check=check,
            page=page,
            raw=lambda questions: raw_answers(questions, form),
            action=action if action in ("next", "back", "submit") else "next",  # type: ignore[arg-type]
        )
    except LinkProblem as problem:
        return problem_page(request, problem)
    lang = survey_language(request, outcome.session)
    if outcome.submitted:
        return RedirectResponse(f"/s/{token}/thanks?lang={lang}", status_code=303)
    if outcome.errors:
        values = outcome.raw or outcome.session.answers
        return render_questions(
            request, token, outcome.session, outcome.page, values, outcome.errors
        )
    return RedirectResponse(f"/s/{token}?page={outcome.page}&lang={lang}", status_code=303)


@router.get("/s/{token}/thanks")
async def thanks(token: str, request: Request, uow: UnitOfWork, check: LinkChecker) -> Response:
    session = await responding.answered(uow, token=token, check=check)
    if session is None:
        return RedirectResponse(f"/s/{token}", status_code=303)
    return thanks_page(request, session, survey_language(request, session))


def thanks_page(request: Request, session: Session, lang: str) -> Response:
    _ = translator((HERE / "locale", SHARED_LOCALE), lang)
    thanks_text = session.survey.thanks.get(lang) or _("Thank you for your answers.")
    return pages.render(
        request,
        "respond_message.html",
        {
            "heading": _("Thank you!"),
            "survey_title": session.survey.title.get(lang),
            "paragraphs": [thanks_text],
        },
        lang=lang,
        headers=NO_STORE,
    )


def survey_language(request: Request, session: Session) -> str:
    """The language chosen on the page; else the recipient's when the survey is written in
    it, else the survey's first language (as the invitation mail chose)."""
    lang = respondent_language(request, session.language)
    if request.query_params.get("lang") == lang:
        return lang
    spoken = written_languages(session.survey)
    return lang if lang in spoken or not spoken else spoken[0]


def page_param(request: Request, session: Session) -> int:
    last = len(session.survey.pages) - 1
    # Never skip ahead of the draft: a later page needs the answers of the earlier ones.
    limit = last if session.response_id is not None else min(session.page, last)
    try:
        page = int(request.query_params.get("page", session.page))
    except ValueError:
        page = session.page
    return min(max(page, 0), limit)


def raw_answers(questions: tuple[Question, ...], form: FormData) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for q in questions:
        name = f"q_{q.id}"
        if q.type == "multiple":
            raw[q.id] = [str(v) for v in form.getlist(name)]
        elif q.type == "matrix":
            raw[q.id] = {row.value: str(form.get(f"{name}.{row.value}", "")) for row in q.rows}
        else:
            raw[q.id] = str(form.get(name, ""))
        if q.other:
            raw[f"{q.id}.other"] = str(form.get(f"{name}.other", ""))
    return raw


def render_questions(
    request: Request,
    token: str,
    session: Session,
    page_index: int,
    values: dict[str, Any],
    errors: list[AnswerError],
    *,
    path: str | None = None,
) -> HTMLResponse:
    """The response page; `path` is where its form posts (default: the personal link)."""
    lang = survey_language(request, session)
    _ = translator((HERE / "locale", SHARED_LOCALE), lang)
    survey: Survey = session.survey
    page = survey.pages[page_index]
    visible = [q for q in page.questions if _shown(survey, q, session.answers)]
    described = [_error(survey, e, lang, _) for e in errors]
    return pages.render(
        request,
        "respond.html",
        {
            "survey": survey,
            "page": page,
            "page_index": page_index,
            "page_count": len(survey.pages),
            "questions": visible,
            "values": values,
            "errors": described,
            "error_by_id": {e["id"]: e for e in described},
            "path": path or f"/s/{token}",
            "editing": session.response_id is not None,
        },
        lang=lang,
        status_code=422 if errors else 200,
        headers=NO_STORE,
    )


def _shown(survey: Survey, q: Question, earlier: dict[str, Any]) -> bool:
    """Conditions on earlier pages decide here; one on the same page is checked at submit."""
    if q.show_if is None:
        return True
    page = next(p for p in survey.pages if q in p.questions)
    if q.show_if.question in {x.id for x in page.questions}:
        return True
    return condition_holds(q, visible_answers(survey, earlier))


def _error(survey: Survey, error: AnswerError, lang: str, _: Any) -> dict[str, Any]:
    q = survey.question(error.question)
    assert q is not None
    message = _(ERRORS.get(error.code, ERRORS["required"])) % {
        "min": _fmt(q.minimum),
        "max": _fmt(q.maximum),
    }
    grouped = q.type in ("single", "multiple", "scale", "nps", "matrix")
    target = f"q_{q.id}_0" if grouped and q.type != "matrix" else f"q_{q.id}"
    if q.type == "matrix":
        target = f"q_{q.id}_0_1"
    if error.code == "other_text":
        target = f"q_{q.id}_other_text"
    return {"id": q.id, "target": target, "label": q.text.get(lang), "message": message}


def _fmt(value: float | None) -> str:
    if value is None:
        return ""
    return str(int(value)) if value.is_integer() else str(value)


def problem_page(request: Request, problem: LinkProblem) -> HTMLResponse:
    status, heading, text = PROBLEMS[problem.kind]
    lang = respondent_language(request, problem.language)
    _ = translator((HERE / "locale", SHARED_LOCALE), lang)
    return pages.render(
        request,
        "respond_message.html",
        {"heading": _(heading), "survey_title": "", "paragraphs": [_(text)]},
        lang=lang,
        status_code=status,
        headers=NO_STORE,
    )
