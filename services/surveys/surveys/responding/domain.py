"""Answers: cleaning what a respondent sent, show-if visibility, required checks.

Raw input per question id (as the response page's form gives it): a string for one value,
a list of strings for a multiple choice (the "other" text under `"<id>.other"`), a mapping
row -> string for a matrix. Clean answers are JSON values: str, list[str], int, float, a
mapping row -> int, or an ISO date string. A question hidden by its condition is never
required and its answer is dropped.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from surveys.builder.domain.survey import OTHER, Page, Question, Survey

Answers = dict[str, Any]
MAX_SHORT, MAX_LONG = 500, 5000


@dataclass(frozen=True, slots=True)
class AnswerError:
    """Why an answer was refused: a code the response page turns into a sentence."""

    question: str
    code: str  # required, choose_listed, other_text, number, number_min, number_max, date,
    # too_long, matrix_incomplete


def other_key(question_id: str) -> str:
    return f"{question_id}.{OTHER}"


def is_answered(value: Any) -> bool:
    return value not in (None, "", [], {})


def condition_holds(question: Question, answers: Mapping[str, Any]) -> bool:
    cond = question.show_if
    if cond is None:
        return True
    given = answers.get(cond.question)
    if cond.op == "answered":
        return is_answered(given)
    wanted = (cond.value,) if isinstance(cond.value, str) else tuple(cond.value or ())
    if isinstance(given, list):
        return any(str(v) in wanted for v in given)
    return given is not None and str(given) in wanted


def visible_answers(survey: Survey, answers: Mapping[str, Any]) -> Answers:
    """Only the answers of questions shown, in document order (a hidden question's answer
    is dropped, so a condition on it fails too)."""
    kept: Answers = {}
    for q in survey.questions():
        if not condition_holds(q, kept):
            continue
        if q.id in answers:
            kept[q.id] = answers[q.id]
        if other_key(q.id) in answers:
            kept[other_key(q.id)] = answers[other_key(q.id)]
    return kept


def clean_page(
    survey: Survey, page: Page, raw: Mapping[str, Any], earlier: Mapping[str, Any]
) -> tuple[Answers, list[AnswerError]]:
    """Clean the answers to one page, given the answers of the pages before it."""
    known = dict(visible_answers(survey, earlier))
    cleaned: Answers = {}
    errors: list[AnswerError] = []
    for q in page.questions:
        if not condition_holds(q, known | cleaned):
            continue
        value, other_text, error = clean_answer(q, raw.get(q.id), raw.get(other_key(q.id)))
        if error is not None:
            errors.append(AnswerError(q.id, error))
            continue
        if is_answered(value):
            cleaned[q.id] = value
            if other_text:
                cleaned[other_key(q.id)] = other_text
    return cleaned, errors


def check_complete(survey: Survey, answers: Mapping[str, Any]) -> tuple[Answers, list[AnswerError]]:
    """Clean every page in order: what a submission stores, or the errors that stop it."""
    done: Answers = {}
    errors: list[AnswerError] = []
    for page in survey.pages:
        cleaned, page_errors = clean_page(survey, page, _as_raw(answers), done)
        done |= cleaned
        errors += page_errors
    return done, errors


def first_page_with(survey: Survey, errors: list[AnswerError]) -> int:
    wrong = {e.question for e in errors}
    for index, page in enumerate(survey.pages):
        if any(q.id in wrong for q in page.questions):
            return index
    return 0


def _as_raw(answers: Mapping[str, Any]) -> dict[str, Any]:
    """Clean answers back to the raw shape, so the same cleaning re-checks them."""
    out: dict[str, Any] = {}
    for key, value in answers.items():
        if isinstance(value, Mapping):
            out[key] = {k: str(v) for k, v in value.items()}
        elif isinstance(value, list):
            out[key] = [str(v) for v in value]
        else:
            out[key] = str(value)
    return out


def clean_answer(q: Question, raw: Any, other_raw: Any = None) -> tuple[Any, str, str | None]:
    """(clean value or None, "other" text, error code or None)."""
    if q.type == "matrix":
        return _matrix(q, raw)
    if q.type == "multiple":
        return _multiple(q, raw, other_raw)
    text = raw.strip() if isinstance(raw, str) else ""
    if isinstance(raw, list):
        text = str(raw[0]).strip() if raw else ""
    if not text:
        return None, "", "required" if q.required else None
    return _ONE_VALUE.get(q.type, _free_text)(q, text, other_raw)


def _single(q: Question, text: str, other_raw: Any) -> tuple[Any, str, str | None]:
    if text not in q.choice_values():
        return None, "", "choose_listed"
    other = _text(other_raw) if text == OTHER else ""
    if text == OTHER and not other:
        return None, "", "other_text"
    return text, other, None


def _point(q: Question, text: str, other_raw: Any) -> tuple[Any, str, str | None]:
    point = _int(text)
    if point is None or point not in q.points:
        return None, "", "choose_listed"
    return point, "", None


def _date(q: Question, text: str, other_raw: Any) -> tuple[Any, str, str | None]:
    try:
        return date.fromisoformat(text).isoformat(), "", None
    except ValueError:
        return None, "", "date"


def _free_text(q: Question, text: str, other_raw: Any) -> tuple[Any, str, str | None]:
    limit = MAX_LONG if q.type == "long_text" else MAX_SHORT
    if len(text) > limit:
        return None, "", "too_long"
    return text, "", None


def _multiple(q: Question, raw: Any, other_raw: Any) -> tuple[Any, str, str | None]:
    values = [raw] if isinstance(raw, str) else list(raw or [])
    picked = [v for v in dict.fromkeys(str(v) for v in values) if v]
    if not picked:
        return None, "", "required" if q.required else None
    if any(v not in q.choice_values() for v in picked):
        return None, "", "choose_listed"
    other = _text(other_raw) if OTHER in picked else ""
    if OTHER in picked and not other:
        return None, "", "other_text"
    order = q.choice_values()
    return sorted(picked, key=order.index), other, None


def _matrix(q: Question, raw: Any) -> tuple[Any, str, str | None]:
    given = raw if isinstance(raw, Mapping) else {}
    out: dict[str, int] = {}
    for row in q.rows:
        value = str(given.get(row.value, "")).strip()
        if not value:
            continue
        point = _int(value)
        if point is None or point not in q.points:
            return None, "", "choose_listed"
        out[row.value] = point
    if not out:
        return None, "", "required" if q.required else None
    if q.required and len(out) < len(q.rows):
        return None, "", "matrix_incomplete"
    return out, "", None


def _numeric(q: Question, text: str, other_raw: Any = None) -> tuple[Any, str, str | None]:
    try:
        number = float(text.replace(",", ".").replace(" ", ""))
    except ValueError:
        return None, "", "number"
    if not math.isfinite(number):
        return None, "", "number"
    if q.minimum is not None and number < q.minimum:
        return None, "", "number_min"
    if q.maximum is not None and number > q.maximum:
        return None, "", "number_max"
    return (int(number) if number.is_integer() else number), "", None


def _int(text: str) -> int | None:
    try:
        return int(text)
    except ValueError:
        return None


def _text(raw: Any) -> str:
    text = raw[0] if isinstance(raw, list) and raw else raw
    return text.strip()[:MAX_SHORT] if isinstance(text, str) else ""


_ONE_VALUE: dict[str, Callable[[Question, str, Any], tuple[Any, str, str | None]]] = {
    "single": _single,
    "dropdown": _single,
    "scale": _point,
    "nps": _point,
    "number": _numeric,
    "date": _date,
}


@dataclass(frozen=True, slots=True)
class Draft:
    """Answers kept between pages, under the hash of the link (or open-link slot)."""

    answers: dict[str, Any]
    page: int


@dataclass(frozen=True, slots=True)
class SubmittedResponse:
    id: uuid.UUID
    answers: dict[str, Any]


@dataclass(frozen=True, slots=True)
class NewResponse:
    """A submission; anonymous ones carry the day only, no person, invitation or time."""

    id: uuid.UUID
    campaign_id: uuid.UUID
    answers: dict[str, Any]
    submitted_on: date
    submitted_at: datetime | None = None
    invitation_id: uuid.UUID | None = None
    contact_id: uuid.UUID | None = None
    language: str | None = None
    organisation_type: str | None = None
    region: str | None = None
