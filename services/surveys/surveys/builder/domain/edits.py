"""Small edits of a survey's JSON form, as the builder pages make them.

Each edit returns a new definition and checks nothing itself: the result goes through
`parse_survey` (the same rules as the API), which names what is wrong.
"""

from __future__ import annotations

import copy
from typing import Any

from surveys.builder.domain.survey import QUESTION_TYPES
from surveys.errors import InvalidInput, NotFound

Definition = dict[str, Any]
NEW_QUESTION_TEXT = {"fi": "Uusi kysymys", "sv": "Ny fråga", "en": "New question"}
NEW_OPTIONS = [
    {"value": "a", "text": {"fi": "Vaihtoehto A", "sv": "Alternativ A", "en": "Option A"}},
    {"value": "b", "text": {"fi": "Vaihtoehto B", "sv": "Alternativ B", "en": "Option B"}},
]


def new_survey(title: dict[str, str]) -> Definition:
    """A survey needs a page with a question: it starts with one short text question."""
    return {"title": title, "pages": [{"questions": [new_question("short_text", "q1")]}]}


def new_question(kind: str, question_id: str) -> Definition:
    if kind not in QUESTION_TYPES:
        raise InvalidInput("unknown question type", field="type")
    question: Definition = {"id": question_id, "type": kind, "text": dict(NEW_QUESTION_TEXT)}
    if kind in ("single", "multiple", "dropdown"):
        question["choices"] = copy.deepcopy(NEW_OPTIONS)
    if kind == "matrix":
        question["rows"] = copy.deepcopy(NEW_OPTIONS)
    return question


def free_id(definition: Definition) -> str:
    taken = {q["id"] for page in definition["pages"] for q in page["questions"]}
    return next(f"q{n}" for n in range(1, len(taken) + 2) if f"q{n}" not in taken)


def find(definition: Definition, question_id: str) -> tuple[int, int]:
    for p, page in enumerate(definition["pages"]):
        for i, question in enumerate(page["questions"]):
            if question["id"] == question_id:
                return p, i
    raise NotFound("No such question.")


def add_page(definition: Definition) -> Definition:
    out = copy.deepcopy(definition)
    out["pages"].append({"questions": [new_question("short_text", free_id(out))]})
    return out


def remove_page(definition: Definition, page: int) -> Definition:
    out = copy.deepcopy(definition)
    _page_index(out, page)
    del out["pages"][page]
    return out


def move_page(definition: Definition, page: int, step: int) -> Definition:
    out = copy.deepcopy(definition)
    _page_index(out, page)
    target = page + step
    if 0 <= target < len(out["pages"]):
        pages = out["pages"]
        pages[page], pages[target] = pages[target], pages[page]
    return out


def add_question(definition: Definition, page: int, kind: str) -> tuple[Definition, str]:
    out = copy.deepcopy(definition)
    _page_index(out, page)
    question = new_question(kind, free_id(out))
    out["pages"][page]["questions"].append(question)
    return out, question["id"]


def remove_question(definition: Definition, question_id: str) -> Definition:
    out = copy.deepcopy(definition)
    p, i = find(out, question_id)
    del out["pages"][p]["questions"][i]
    if not out["pages"][p]["questions"]:
        del out["pages"][p]  # an empty page is not allowed: it goes with its last question
    return out


def move_question(definition: Definition, question_id: str, step: int) -> Definition:
    """One place up or down; past the edge of a page it moves to the next page's edge."""
    out = copy.deepcopy(definition)
    p, i = find(out, question_id)
    pages = out["pages"]
    questions = pages[p]["questions"]
    target = i + step
    if 0 <= target < len(questions):
        questions[i], questions[target] = questions[target], questions[i]
    elif 0 <= p + step < len(pages) and len(questions) > 1:
        moved = questions.pop(i)
        neighbour = pages[p + step]["questions"]
        neighbour.insert(len(neighbour) if step < 0 else 0, moved)
    return out


def replace_question(definition: Definition, question_id: str, question: Definition) -> Definition:
    out = copy.deepcopy(definition)
    p, i = find(out, question_id)
    out["pages"][p]["questions"][i] = question
    if question["id"] != question_id:  # a renamed question keeps its conditions pointing at it
        for page in out["pages"]:
            for other in page["questions"]:
                cond = other.get("show_if")
                if cond and cond.get("question") == question_id:
                    cond["question"] = question["id"]
    return out


def set_texts(
    definition: Definition,
    texts: dict[str, dict[str, str]],
    page_titles: list[dict[str, str]],
    *,
    allow_edit: bool,
) -> Definition:
    out = copy.deepcopy(definition)
    out.update(texts)
    out["allow_edit"] = allow_edit
    for page, title in zip(out["pages"], page_titles, strict=False):
        page["title"] = title
    return out


def _page_index(definition: Definition, page: int) -> None:
    if not 0 <= page < len(definition["pages"]):
        raise NotFound("No such page.")
