"""The builder's form fields and the survey JSON, both ways (no JavaScript on the page)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from surveys.builder.domain.texts import LANGUAGES
from surveys.errors import InvalidInput

TEXT_FIELDS = ("title", "intro", "thanks")
QUESTION_TEXTS = ("text", "help", "min_label", "max_label")


def texts_of(form: Mapping[str, str], name: str) -> dict[str, str]:
    return {lang: form.get(f"{name}_{lang}", "").strip() for lang in LANGUAGES}


def lines_of(options: list[dict[str, Any]] | None) -> str:
    """Options as lines of `value | fi | sv | en`."""
    return "\n".join(
        " | ".join([o["value"], *(o["text"].get(lang, "") for lang in LANGUAGES)])
        for o in options or []
    )


def options_of(text: str, field: str) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        parts = [p.strip() for p in line.split("|")]
        if len(parts) < 2 or len(parts) > 1 + len(LANGUAGES):
            raise InvalidInput(f"line {n}: write value | Finnish | Swedish | English", field=field)
        out.append({"value": parts[0], "text": dict(zip(LANGUAGES, parts[1:], strict=False))})
    return out


def question_form(question: Mapping[str, Any]) -> dict[str, str]:
    """The edit form's values for a question of the survey JSON."""
    form = {"id": question["id"], "type": question["type"]}
    for name in QUESTION_TEXTS:
        for lang in LANGUAGES:
            form[f"{name}_{lang}"] = question.get(name, {}).get(lang, "")
    form["required"] = "on" if question.get("required") else ""
    form["other"] = "on" if question.get("other") else ""
    form["choices"] = lines_of(question.get("choices"))
    form["rows"] = lines_of(question.get("rows"))
    for name in ("min", "max"):
        value = question.get(name)
        form[name] = "" if value is None else f"{value:g}"
    cond = question.get("show_if") or {}
    form["show_if_question"] = cond.get("question", "")
    form["show_if_op"] = cond.get("op", "eq")
    value = cond.get("value", "")
    form["show_if_value"] = ", ".join(value) if isinstance(value, list) else str(value)
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
        if any((texts := texts_of(form, name)).values()):
            question[name] = texts
    if kind in ("single", "multiple", "dropdown"):
        question["choices"] = options_of(form.get("choices", ""), "choices")
    if kind in ("single", "multiple") and form.get("other") == "on":
        question["other"] = True
    if kind == "matrix":
        question["rows"] = options_of(form.get("rows", ""), "rows")
    if kind == "number":
        for name in ("min", "max"):
            if raw := form.get(name, "").strip():
                question[name] = _number(raw, name)
    if target := form.get("show_if_question", ""):
        op = form.get("show_if_op", "eq")
        raw = form.get("show_if_value", "").strip()
        cond: dict[str, Any] = {"question": target, "op": op}
        if op == "in":
            cond["value"] = [v.strip() for v in raw.split(",") if v.strip()]
        elif op == "eq":
            cond["value"] = raw
        question["show_if"] = cond
    return question


def _number(raw: str, field: str) -> float:
    try:
        return float(raw.replace(",", "."))
    except ValueError as exc:
        raise InvalidInput("expected a number", field=field) from exc
