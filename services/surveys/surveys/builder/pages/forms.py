"""The builder's form fields and the survey JSON, both ways.

Options (of a choice question) and rows (of a matrix) are lists of rows with one input per
language: `choices-0-value`, `choices-0-fi`, `choices-0-sv`, `choices-0-en`, `choices-1-…`.
A row left empty is dropped; a row without a code gets the next free one (`o1`, `o2` …).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.builder.domain.readiness import PLACEHOLDER_TEXTS
from surveys.builder.domain.texts import LANGUAGES
from surveys.errors import InvalidInput

TEXT_FIELDS = ("title", "intro", "thanks")
QUESTION_TEXTS = ("text", "help", "min_label", "max_label")
OPTION_LISTS = ("choices", "rows")
MAX_ROWS = 100
# Which type-specific fields each question type shows (the rest are hidden).
TYPE_FIELDS: dict[str, tuple[str, ...]] = {
    "choices": ("single", "multiple", "dropdown"),
    "other": ("single", "multiple"),
    "rows": ("matrix",),
    "labels": ("scale", "nps", "matrix"),
    "range": ("number",),
}


def texts_of(form: Mapping[str, str], name: str) -> dict[str, str]:
    return {lang: form.get(f"{name}_{lang}", "").strip() for lang in LANGUAGES}


def row_count(form: Mapping[str, str], name: str) -> int:
    n = 0
    while n < MAX_ROWS and any(f"{name}-{n}-{part}" in form for part in ("value", *LANGUAGES)):
        n += 1
    return n


def option_rows(form: Mapping[str, str], name: str) -> list[dict[str, str]]:
    """The rows of an option list as the form holds them (at least one, to write in)."""
    rows = [
        {part: form.get(f"{name}-{i}-{part}", "") for part in ("value", *LANGUAGES)}
        for i in range(row_count(form, name))
    ]
    return rows or [dict.fromkeys(("value", *LANGUAGES), "")]


def _set_rows(form: dict[str, str], name: str, rows: list[dict[str, str]]) -> None:
    for key in [k for k in form if k.startswith(f"{name}-")]:
        del form[key]
    for i, row in enumerate(rows):
        for part, value in row.items():
            form[f"{name}-{i}-{part}"] = value


def with_row_added(form: Mapping[str, str], name: str) -> dict[str, str]:
    out = dict(form)
    rows = option_rows(form, name)
    if len(rows) < MAX_ROWS:
        rows.append(dict.fromkeys(("value", *LANGUAGES), ""))
    _set_rows(out, name, rows)
    return out


def with_row_removed(form: Mapping[str, str], name: str, index: int) -> dict[str, str]:
    out = dict(form)
    rows = option_rows(form, name)
    if 0 <= index < len(rows):
        del rows[index]
    _set_rows(out, name, rows)
    return out


def options_from_rows(form: Mapping[str, str], name: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    rows = [r for r in option_rows(form, name) if any(v.strip() for v in r.values())]
    taken = {r["value"].strip() for r in rows}
    n = 0
    for row in rows:
        value = row["value"].strip()
        if not value:
            n += 1
            while f"o{n}" in taken:
                n += 1
            value = f"o{n}"
            taken.add(value)
        out.append({"value": value, "text": {lang: row[lang].strip() for lang in LANGUAGES}})
    return out


def question_form(question: Mapping[str, Any]) -> dict[str, str]:
    """The edit form's values for a question of the survey JSON."""
    form = {"id": question["id"], "type": question["type"]}
    for name in QUESTION_TEXTS:
        for lang in LANGUAGES:
            form[f"{name}_{lang}"] = question.get(name, {}).get(lang, "")
    form["required"] = "on" if question.get("required") else ""
    form["other"] = "on" if question.get("other") else ""
    for name in OPTION_LISTS:
        rows = [
            {"value": o["value"], **{lang: o["text"].get(lang, "") for lang in LANGUAGES}}
            for o in question.get(name) or []
        ]
        _set_rows(form, name, rows)
    for name in ("min", "max"):
        value = question.get(name)
        form[name] = "" if value is None else f"{value:g}"
    cond = question.get("show_if") or {}
    form["show_if_question"] = cond.get("question", "")
    form["show_if_op"] = cond.get("op", "eq")
    value = cond.get("value", "")
    form["show_if_value"] = ", ".join(value) if isinstance(value, list) else str(value)
    return form


def new_question_form(kind: str, question_id: str) -> dict[str, str]:
    """An empty form for a new question of `kind` (nothing is saved until it is sent)."""
    form = question_form({"id": question_id, "type": kind})
    for name in OPTION_LISTS:
        _set_rows(form, name, [dict.fromkeys(("value", *LANGUAGES), "") for _ in range(2)])
    return form


def question_of(form: Mapping[str, str]) -> dict[str, Any]:
    """The survey JSON of a submitted question form (checked later by `parse_survey`)."""
    kind = form.get("type", "")
    question: dict[str, Any] = {
        "id": form.get("id", "").strip(),
        "type": kind,
        "required": form.get("required") == "on",
    }
    for name in QUESTION_TEXTS:
        if name in ("min_label", "max_label") and kind not in TYPE_FIELDS["labels"]:
            continue
        if any((texts := texts_of(form, name)).values()):
            question[name] = _without_placeholders(texts)
    if kind in TYPE_FIELDS["choices"]:
        question["choices"] = options_from_rows(form, "choices")
    if kind in TYPE_FIELDS["other"] and form.get("other") == "on":
        question["other"] = True
    if kind in TYPE_FIELDS["rows"]:
        question["rows"] = options_from_rows(form, "rows")
    if kind in TYPE_FIELDS["range"]:
        for name in ("min", "max"):
            if raw := form.get(name, "").strip():
                question[name] = _number(raw, name)
    if target := form.get("show_if_question", ""):
        op = form.get("show_if_op", "eq")
        raw = form.get("show_if_value", "").strip()
        cond: dict[str, Any] = {"question": target, "op": op}
        values = [v.strip() for v in raw.split(",") if v.strip()]
        if op == "in" or (op == "eq" and len(values) > 1):
            cond["op"], cond["value"] = "in", values
        elif op == "eq":
            cond["value"] = raw
        question["show_if"] = cond
    return question


def _without_placeholders(texts: dict[str, str]) -> dict[str, str]:
    """Once a text is written in one language, the builder's placeholder in the others goes
    (those languages then show the written one until they are written too)."""
    written = [t for t in texts.values() if t and t not in PLACEHOLDER_TEXTS]
    if not written:
        return texts
    return {lang: "" if t in PLACEHOLDER_TEXTS else t for lang, t in texts.items()}


def _number(raw: str, field: str) -> float:
    try:
        return float(raw.replace(",", "."))
    except ValueError as exc:
        raise InvalidInput("expected a number", field=field) from exc
