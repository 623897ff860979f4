"""A survey: texts in fi/sv/en, pages of questions, show-if conditions on earlier answers.

The JSON form (`parse_survey` / `dump_survey`) is what the builder API takes and what an
export file holds; `parse_survey(dump_survey(s)) == s`.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Literal, get_args

from surveys.builder.domain.texts import Choice, Texts, parse_texts
from surveys.errors import InvalidInput

QuestionType = Literal[
    "single",
    "multiple",
    "dropdown",
    "scale",
    "nps",
    "matrix",
    "short_text",
    "long_text",
    "number",
    "date",
]
ConditionOp = Literal["eq", "in", "answered"]
QUESTION_TYPES: tuple[str, ...] = get_args(QuestionType)
CHOICE_TYPES = ("single", "multiple", "dropdown")
SCALE_POINTS = (1, 2, 3, 4, 5)
NPS_POINTS = tuple(range(11))
OTHER = "other"  # the choice value of "other, what?"

_ID = re.compile(r"[a-z][a-z0-9_]{0,39}")
MAX_PAGES, MAX_QUESTIONS, MAX_CHOICES = 50, 300, 100


@dataclass(frozen=True, slots=True)
class Condition:
    """Show the question only if an earlier question's answer satisfies this."""

    question: str
    op: ConditionOp
    value: str | tuple[str, ...] | None = None


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    type: QuestionType
    text: Texts
    help: Texts = field(default_factory=Texts)
    required: bool = False
    choices: tuple[Choice, ...] = ()
    other: bool = False
    rows: tuple[Choice, ...] = ()
    min_label: Texts = field(default_factory=Texts)
    max_label: Texts = field(default_factory=Texts)
    minimum: float | None = None
    maximum: float | None = None
    show_if: Condition | None = None

    @property
    def points(self) -> tuple[int, ...]:
        return NPS_POINTS if self.type == "nps" else SCALE_POINTS

    def choice_values(self) -> tuple[str, ...]:
        values = tuple(c.value for c in self.choices)
        return (*values, OTHER) if self.other else values


@dataclass(frozen=True, slots=True)
class Page:
    questions: tuple[Question, ...]
    title: Texts = field(default_factory=Texts)


@dataclass(frozen=True, slots=True)
class Survey:
    title: Texts
    pages: tuple[Page, ...]
    intro: Texts = field(default_factory=Texts)
    thanks: Texts = field(default_factory=Texts)
    allow_edit: bool = False

    def questions(self) -> Iterator[Question]:
        for page in self.pages:
            yield from page.questions

    def question(self, question_id: str) -> Question | None:
        return next((q for q in self.questions() if q.id == question_id), None)


def parse_survey(raw: Any) -> Survey:
    """Validate the JSON form of a survey; InvalidInput names the bad part as a JSON pointer."""
    if not isinstance(raw, Mapping):
        raise InvalidInput("a survey must be an object", field="")
    pages_raw = raw.get("pages")
    if not isinstance(pages_raw, list) or not 1 <= len(pages_raw) <= MAX_PAGES:
        raise InvalidInput(f"a survey needs 1 to {MAX_PAGES} pages", field="/pages")
    seen: dict[str, Question] = {}
    pages: list[Page] = []
    for p, page_raw in enumerate(pages_raw):
        path = f"/pages/{p}"
        if not isinstance(page_raw, Mapping) or not isinstance(page_raw.get("questions"), list):
            raise InvalidInput("a page needs a list of questions", field=f"{path}/questions")
        questions: list[Question] = []
        for i, q_raw in enumerate(page_raw["questions"]):
            question = _question(q_raw, f"{path}/questions/{i}", seen)
            seen[question.id] = question
            questions.append(question)
        if not questions:
            raise InvalidInput("a page needs at least one question", field=f"{path}/questions")
        pages.append(Page(tuple(questions), parse_texts(page_raw.get("title"), f"{path}/title")))
    if len(seen) > MAX_QUESTIONS:
        raise InvalidInput(f"a survey may have at most {MAX_QUESTIONS} questions", field="/pages")
    return Survey(
        title=parse_texts(raw.get("title"), "/title", required=True),
        pages=tuple(pages),
        intro=parse_texts(raw.get("intro"), "/intro"),
        thanks=parse_texts(raw.get("thanks"), "/thanks"),
        allow_edit=_bool(raw.get("allow_edit", False), "/allow_edit"),
    )


def _question(raw: Any, path: str, earlier: Mapping[str, Question]) -> Question:
    if not isinstance(raw, Mapping):
        raise InvalidInput("a question must be an object", field=path)
    qid = raw.get("id")
    if not isinstance(qid, str) or not _ID.fullmatch(qid):
        raise InvalidInput("an id of a-z, 0-9 and _ (starting with a letter)", field=f"{path}/id")
    if qid in earlier:
        raise InvalidInput(f"the id {qid!r} is used twice", field=f"{path}/id")
    kind = raw.get("type")
    if kind not in QUESTION_TYPES:
        raise InvalidInput(f"type must be one of {', '.join(QUESTION_TYPES)}", field=f"{path}/type")
    choices = _choices(raw.get("choices"), f"{path}/choices", needed=kind in CHOICE_TYPES)
    rows = _choices(raw.get("rows"), f"{path}/rows", needed=kind == "matrix")
    other = _bool(raw.get("other", False), f"{path}/other")
    if other and kind not in ("single", "multiple"):
        raise InvalidInput("only choice questions may offer 'other'", field=f"{path}/other")
    if other and OTHER in (c.value for c in choices):
        raise InvalidInput(f"the value {OTHER!r} is reserved for 'other'", field=f"{path}/choices")
    minimum = _number(raw.get("min"), f"{path}/min")
    maximum = _number(raw.get("max"), f"{path}/max")
    if minimum is not None and maximum is not None and minimum > maximum:
        raise InvalidInput("min must not exceed max", field=f"{path}/min")
    return Question(
        id=qid,
        type=kind,
        text=parse_texts(raw.get("text"), f"{path}/text", required=True),
        help=parse_texts(raw.get("help"), f"{path}/help"),
        required=_bool(raw.get("required", False), f"{path}/required"),
        choices=choices,
        other=other,
        rows=rows,
        min_label=parse_texts(raw.get("min_label"), f"{path}/min_label"),
        max_label=parse_texts(raw.get("max_label"), f"{path}/max_label"),
        minimum=minimum if kind == "number" else None,
        maximum=maximum if kind == "number" else None,
        show_if=_condition(raw.get("show_if"), f"{path}/show_if", earlier),
    )


def _choices(raw: Any, path: str, *, needed: bool) -> tuple[Choice, ...]:
    if not needed:
        return ()
    if not isinstance(raw, list) or not 1 <= len(raw) <= MAX_CHOICES:
        raise InvalidInput(f"expected 1 to {MAX_CHOICES} options", field=path)
    out: list[Choice] = []
    for i, item in enumerate(raw):
        if not isinstance(item, Mapping) or not isinstance(item.get("value"), str):
            raise InvalidInput("an option needs a value and a text", field=f"{path}/{i}")
        value = item["value"]
        if not _ID.fullmatch(value) or value in (c.value for c in out):
            raise InvalidInput("option values must be unique ids", field=f"{path}/{i}/value")
        out.append(Choice(value, parse_texts(item.get("text"), f"{path}/{i}/text", required=True)))
    return tuple(out)


def _condition(raw: Any, path: str, earlier: Mapping[str, Question]) -> Condition | None:
    if raw is None:
        return None
    if not isinstance(raw, Mapping):
        raise InvalidInput("a condition must be an object", field=path)
    target = earlier.get(raw.get("question", ""))
    if target is None:
        raise InvalidInput("a condition must name an earlier question", field=f"{path}/question")
    op, value = raw.get("op"), raw.get("value")
    if op == "answered":
        return Condition(target.id, "answered")
    if op == "eq" and isinstance(value, str | int) and not isinstance(value, bool):
        return Condition(target.id, "eq", str(value))
    if op == "in" and isinstance(value, list) and value:
        return Condition(target.id, "in", tuple(str(v) for v in value))
    raise InvalidInput('expected op "eq" with a value, "in" with a list, or "answered"', field=path)


def _bool(raw: Any, path: str) -> bool:
    if not isinstance(raw, bool):
        raise InvalidInput("expected true or false", field=path)
    return raw


def _number(raw: Any, path: str) -> float | None:
    if raw is None:
        return None
    if isinstance(raw, bool) or not isinstance(raw, int | float):
        raise InvalidInput("expected a number", field=path)
    return float(raw)


def dump_survey(survey: Survey) -> dict[str, Any]:
    """The JSON form of a survey (what `parse_survey` reads)."""
    return {
        "title": survey.title.dump(),
        "intro": survey.intro.dump(),
        "thanks": survey.thanks.dump(),
        "allow_edit": survey.allow_edit,
        "pages": [
            {"title": page.title.dump(), "questions": [_dump_question(q) for q in page.questions]}
            for page in survey.pages
        ],
    }


def _dump_question(q: Question) -> dict[str, Any]:
    out: dict[str, Any] = {
        "id": q.id,
        "type": q.type,
        "text": q.text.dump(),
        "required": q.required,
    }
    if q.help:
        out["help"] = q.help.dump()
    if q.choices:
        out["choices"] = [{"value": c.value, "text": c.text.dump()} for c in q.choices]
    if q.other:
        out["other"] = True
    if q.rows:
        out["rows"] = [{"value": r.value, "text": r.text.dump()} for r in q.rows]
    for name in ("min_label", "max_label"):
        if texts := getattr(q, name):
            out[name] = texts.dump()
    if q.minimum is not None:
        out["min"] = q.minimum
    if q.maximum is not None:
        out["max"] = q.maximum
    if q.show_if is not None:
        cond = q.show_if
        value = list(cond.value) if isinstance(cond.value, tuple) else cond.value
        out["show_if"] = {"question": cond.question, "op": cond.op} | (
            {"value": value} if value is not None else {}
        )
    return out
