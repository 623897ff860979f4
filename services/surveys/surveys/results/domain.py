"""Results of a survey: counts, percentages, means and medians, NPS, matrix tables, texts.

Breakdowns hide every group smaller than MIN_GROUP, so nobody is singled out.
"""

from __future__ import annotations

import uuid
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from statistics import mean, median
from typing import Any

from surveys.builder.domain.survey import OTHER, Question, Survey
from surveys.responding.domain import other_key

MIN_GROUP = 5
Summary = dict[str, Any]


@dataclass(frozen=True, slots=True)
class Answered:
    """A response as results read it: the answers and the profile kept at answering time
    (organisation type and region are None for anonymous campaigns)."""

    id: uuid.UUID
    answers: dict[str, Any]
    submitted_on: date
    language: str | None = None
    organisation_type: str | None = None
    region: str | None = None


@dataclass(frozen=True, slots=True)
class Respondent:
    """Who answered an identified campaign, from the contact replica."""

    first_name: str | None
    last_name: str | None
    email: str | None
    organisation_name: str | None


def summarise(survey: Survey, responses: Sequence[Mapping[str, Any]], lang: str) -> Summary:
    return {
        "responses": len(responses),
        "questions": [_question(q, responses, lang) for q in survey.questions()],
    }


def breakdown(
    survey: Survey,
    groups: Iterable[tuple[str | None, Mapping[str, Any]]],
    lang: str,
    *,
    min_group: int = MIN_GROUP,
) -> Summary:
    """One summary per group (key, answers); groups under `min_group` are only counted."""
    by_key: dict[str, list[Mapping[str, Any]]] = {}
    for key, answers in groups:
        by_key.setdefault(key or "unknown", []).append(answers)
    shown = {k: v for k, v in by_key.items() if len(v) >= min_group}
    return {
        "groups": [{"group": key} | summarise(survey, shown[key], lang) for key in sorted(shown)],
        "hidden_groups": len(by_key) - len(shown),
        "min_group": min_group,
    }


def percent(part: int, whole: int) -> float:
    """Part of whole in percent, one decimal (0 of nobody is 0): every rate the staff see."""
    return round(100 * part / whole, 1) if whole else 0.0


def _question(q: Question, responses: Sequence[Mapping[str, Any]], lang: str) -> Summary:
    values = [r[q.id] for r in responses if r.get(q.id) not in (None, "", [], {})]
    out: Summary = {"id": q.id, "type": q.type, "text": q.text.get(lang), "answered": len(values)}
    build = _BUILDERS.get(q.type)
    if build is not None:
        out |= build(q, values, responses, lang)
    else:  # short/long text, date: a list
        out["answers"] = [str(v) for v in values]
    return out


def _choices(
    q: Question, values: list[Any], responses: Sequence[Mapping[str, Any]], lang: str
) -> Summary:
    counts: Counter[str] = Counter()
    for v in values:
        counts.update(v if isinstance(v, list) else [v])
    labels = {c.value: c.text.get(lang) for c in q.choices}
    options = [
        {
            "value": value,
            "text": labels.get(value, OTHER),
            "count": counts[value],
            "percent": percent(counts[value], len(values)),
        }
        for value in q.choice_values()
    ]
    others = [str(r[other_key(q.id)]) for r in responses if r.get(other_key(q.id))]
    return {"options": options, "other_answers": others}


def _points(q: Question, values: list[Any]) -> Summary:
    numbers = [int(v) for v in values]
    counts = Counter(numbers)
    return {
        "distribution": [
            {"value": p, "count": counts[p], "percent": percent(counts[p], len(numbers))}
            for p in q.points
        ],
        "mean": round(mean(numbers), 2) if numbers else None,
        "median": median(numbers) if numbers else None,
    }


def _scale(
    q: Question, values: list[Any], responses: Sequence[Mapping[str, Any]], lang: str
) -> Summary:
    out = _points(q, values)
    out["min_label"], out["max_label"] = q.min_label.get(lang), q.max_label.get(lang)
    return out


def _nps(
    q: Question, values: list[Any], responses: Sequence[Mapping[str, Any]], lang: str
) -> Summary:
    out = _points(q, values)
    n = len(values)
    promoters = sum(1 for v in values if int(v) >= 9)
    detractors = sum(1 for v in values if int(v) <= 6)
    out["nps"] = {
        "promoters": percent(promoters, n),
        "passives": percent(n - promoters - detractors, n),
        "detractors": percent(detractors, n),
        "score": round(100 * (promoters - detractors) / n) if n else None,
    }
    return out


def _matrix(
    q: Question, values: list[Any], responses: Sequence[Mapping[str, Any]], lang: str
) -> Summary:
    rows = []
    for row in q.rows:
        row_values = [v[row.value] for v in values if isinstance(v, Mapping) and row.value in v]
        rows.append(
            {"value": row.value, "text": row.text.get(lang), "answered": len(row_values)}
            | _points(q, row_values)
        )
    return {"rows": rows}


def _number(
    q: Question, values: list[Any], responses: Sequence[Mapping[str, Any]], lang: str
) -> Summary:
    numbers = [float(v) for v in values]
    if not numbers:
        return {"mean": None, "median": None, "min": None, "max": None}
    return {
        "mean": round(mean(numbers), 2),
        "median": median(numbers),
        "min": min(numbers),
        "max": max(numbers),
    }


_Builder = Callable[[Question, list[Any], Sequence[Mapping[str, Any]], str], Summary]
_BUILDERS: dict[str, _Builder] = {
    "single": _choices,
    "multiple": _choices,
    "dropdown": _choices,
    "scale": _scale,
    "nps": _nps,
    "matrix": _matrix,
    "number": _number,
}
