"""What the builder page shows: every question with its inline form, the add forms per page,
conditions in words. Built from the survey JSON; a form being corrected keeps what was sent."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from shared.i18n import PUBLIC_LANGUAGES
from surveys.builder.domain import edits
from surveys.builder.domain.readiness import shown_text, unfinished_questions
from surveys.builder.domain.survey import (
    CHOICE_TYPES,
    QUESTION_TYPES,
    Question,
    Survey,
    parse_survey,
)
from surveys.builder.domain.words import condition_words
from surveys.builder.pages.forms import (
    OPTION_LISTS,
    TYPE_FIELDS,
    new_question_form,
    option_rows,
    question_form,
)

BASE = "/surveys/staff/surveys"


@dataclass(frozen=True, slots=True)
class OpenForm:
    """A form sent back to its author (an error, or a type/row change before saving)."""

    key: str  # "q-<question id>" or "new-<page index>"
    form: dict[str, str]
    error: dict[str, str] | None = None


@dataclass(slots=True)
class Earlier:
    id: str
    number: int
    text: str
    values: list[tuple[str, str]] = field(default_factory=list)


def _values(q: Question, lang: str, other: str) -> list[tuple[str, str]]:
    if q.type in CHOICE_TYPES:
        out = [(c.value, c.text.get(lang)) for c in q.choices]
        return out + ([("other", other)] if q.other else [])
    if q.type in ("scale", "nps"):
        return [(str(p), str(p)) for p in q.points]
    return []


def form_view(
    *,
    prefix: str,
    action: str,
    form: dict[str, str],
    earlier: list[Earlier],
    version: int,
    csrf: str,
    submit_label: str,
) -> dict[str, Any]:
    return {
        "prefix": prefix,
        "action": action,
        "form": form,
        "types": QUESTION_TYPES,
        "type_fields": TYPE_FIELDS,
        "earlier": earlier,
        "languages": PUBLIC_LANGUAGES,
        "rows": {name: option_rows(form, name) for name in OPTION_LISTS},
        "version": version,
        "csrf": csrf,
        "submit_label": submit_label,
    }


def editor_context(
    current: dict[str, Any],
    *,
    lang: str,
    csrf: str,
    labels: dict[str, str],
    open_form: OpenForm | None = None,
    error: dict[str, str] | None = None,
) -> dict[str, Any]:
    """`labels`: translated words ("save", "add" buttons, the "other" option)."""
    survey_id, version, definition = current["id"], current["version"], current["definition"]
    survey: Survey = parse_survey(definition)
    base = f"{BASE}/{survey_id}"
    earlier: list[Earlier] = []
    pages: list[dict[str, Any]] = []
    number = 0
    for p, (page_json, page) in enumerate(zip(definition["pages"], survey.pages, strict=True)):
        questions = []
        for q_json, q in zip(page_json["questions"], page.questions, strict=True):
            number += 1
            key = f"q-{q.id}"
            opened = open_form if open_form and open_form.key == key else None
            questions.append(
                {
                    "id": q.id,
                    "number": number,
                    "text": q.text.get(lang),
                    "type": q.type,
                    "required": q.required,
                    "condition": condition_words(survey, q, lang),
                    "open": opened is not None,
                    "form": form_view(
                        prefix=key,
                        action=f"{base}/questions/{q.id}",
                        form=opened.form if opened else question_form(q_json),
                        earlier=list(earlier),
                        version=version,
                        csrf=csrf,
                        submit_label=labels["save"],
                    ),
                }
            )
            earlier.append(
                Earlier(q.id, number, q.text.get(lang), _values(q, lang, labels["other"]))
            )
        key = f"new-{p}"
        opened = open_form if open_form and open_form.key == key else None
        add = form_view(
            prefix=key,
            action=f"{base}/pages/{p}/questions",
            form=opened.form if opened else new_question_form("single", edits.free_id(definition)),
            earlier=list(earlier),
            version=version,
            csrf=csrf,
            submit_label=labels["add"],
        )
        pages.append(
            {
                "index": p,
                "title": page.title.get(lang),
                "title_json": page_json.get("title", {}),
                "questions": questions,
                "add": add,
                "adding": opened is not None,
            }
        )
    form_error = open_form.error if open_form else None
    unfinished = [
        {"number": u.number, "id": u.question.id, "text": shown_text(u, lang)}
        for u in unfinished_questions(survey)
    ]
    return {
        "survey_id": survey_id,
        "version": version,
        "definition": definition,
        "title": survey.title.get(lang),
        "languages": PUBLIC_LANGUAGES,
        "types": QUESTION_TYPES,
        "pages": pages,
        "error": error or form_error,
        "unfinished": unfinished,
    }
