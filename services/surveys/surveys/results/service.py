"""Results of a campaign: summaries, breakdowns (small groups hidden), CSV with a codebook."""

from __future__ import annotations

import csv
import io
import uuid
from collections.abc import Iterator
from typing import Any

from surveys.builder.domain.survey import CHOICE_TYPES, OTHER, Question, Survey
from surveys.campaigns.domain import Campaign
from surveys.campaigns.overview import launched_in
from surveys.errors import InvalidInput
from surveys.exports.domain import safe_row
from surveys.responding.domain import other_key
from surveys.results.domain import Answered, Respondent, breakdown, summarise
from surveys.unit_of_work import SurveysUnitOfWork

PROFILE_BREAKDOWNS = ("organisation_type", "region", "language")


async def _load(
    uow: SurveysUnitOfWork, campaign_id: uuid.UUID
) -> tuple[Campaign, Survey, list[Answered]]:
    async with uow:
        campaign, survey = await launched_in(uow, campaign_id)
        rows = await uow.results.responses(campaign_id)
    return campaign, survey, rows


async def campaign_results(
    uow: SurveysUnitOfWork, *, campaign_id: uuid.UUID, lang: str = "fi", by: str | None = None
) -> dict[str, Any]:
    """Totals, or with `by` a breakdown: organisation_type, region or language (identified
    mode, as at invitation time) or `q:<question id>` of a choice question (any mode).

    An anonymous campaign never breaks down by who answered, only by its own questions."""
    campaign, survey, rows = await _load(uow, campaign_id)
    out: dict[str, Any] = {"campaign_id": str(campaign.id), "mode": campaign.mode}
    if by is None:
        return out | summarise(survey, [r.answers for r in rows], lang)
    if by in PROFILE_BREAKDOWNS:
        if campaign.anonymous:
            raise InvalidInput(
                "an anonymous campaign breaks down only by its own questions (q:<id>)", field="by"
            )
        groups = [(getattr(r, by), r.answers) for r in rows]
    elif by.startswith("q:"):
        question = survey.question(by[2:])
        if question is None or question.type not in ("single", "dropdown"):
            raise InvalidInput("breakdowns take a single-choice or dropdown question", field="by")
        groups = [(_as_group(r.answers.get(question.id)), r.answers) for r in rows]
    else:
        raise InvalidInput("by is organisation_type, region, language or q:<id>", field="by")
    return out | {"by": by} | breakdown(survey, groups, lang)


def _as_group(value: Any) -> str | None:
    return None if value is None else str(value)


IDENTITY_COLUMNS = ("name", "email", "organisation")


async def responses_csv(uow: SurveysUnitOfWork, *, campaign_id: uuid.UUID) -> str:
    """A row per response; multiple choices one 0/1 column per option, a matrix a column per
    row. Identified campaigns also say who answered (name, email, organisation, from the
    contact replica); anonymous ones only number their respondents, in no traceable order,
    and never even ask who answered."""
    identities: dict[uuid.UUID, Respondent] = {}
    identity_columns: tuple[str, ...] = ()
    async with uow:
        campaign, survey = await launched_in(uow, campaign_id)
        rows = await uow.results.responses(campaign_id)
        if not campaign.anonymous:
            identity_columns = IDENTITY_COLUMNS
            identities = await uow.results.respondents(campaign_id)
    columns = list(_columns(survey))
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    head = ["respondent", *identity_columns, "submitted_on", *(c[0] for c in columns)]
    writer.writerow(safe_row(head))
    for number, row in enumerate(rows, start=1):
        cells = [_cell(row.answers, c) for c in columns]
        who: list[str] = []
        if identity_columns:
            person = identities.get(row.id)
            who = _identity(person)
        writer.writerow([number, *safe_row(who), row.submitted_on.isoformat(), *safe_row(cells)])
    return buffer.getvalue()


def _identity(person: Respondent | None) -> list[str]:
    if person is None:
        return ["", "", ""]  # erased since, or answered before being identified
    name = f"{person.first_name or ''} {person.last_name or ''}".strip()
    return [name, person.email or "", person.organisation_name or ""]


async def codebook_csv(uow: SurveysUnitOfWork, *, campaign_id: uuid.UUID, lang: str = "fi") -> str:
    async with uow:
        campaign, survey = await launched_in(uow, campaign_id)
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["column", "question", "type", "text", "values"])
    writer.writerow(["respondent", "", "", "running number of the response", ""])
    if not campaign.anonymous:
        writer.writerow(["name", "", "", "respondent's name (contact register)", ""])
        writer.writerow(["email", "", "", "respondent's email address", ""])
        writer.writerow(["organisation", "", "", "respondent's organisation", ""])
    writer.writerow(["submitted_on", "", "date", "day of submission", "YYYY-MM-DD"])
    for name, q, part in _columns(survey):
        writer.writerow(
            safe_row([name, q.id, q.type, _column_text(q, part, lang), _legend(q, part, lang)])
        )
    return buffer.getvalue()


Column = tuple[str, Question, str]  # (name, question, part: "", option value, row, "other")


def _columns(survey: Survey) -> Iterator[Column]:
    for q in survey.questions():
        if q.type == "multiple":
            for value in q.choice_values():
                yield f"{q.id}__{value}", q, value
        elif q.type == "matrix":
            for row in q.rows:
                yield f"{q.id}__{row.value}", q, row.value
        else:
            yield q.id, q, ""
        if q.other:
            yield f"{q.id}__{OTHER}_text", q, "other_text"


def _cell(answers: dict[str, Any], column: Column) -> str:
    _, q, part = column
    value = answers.get(q.id)
    if part == "other_text":
        return str(answers.get(other_key(q.id), ""))
    if q.type == "multiple":
        return "" if value is None else ("1" if part in value else "0")
    if q.type == "matrix":
        return "" if not isinstance(value, dict) else str(value.get(part, ""))
    return "" if value is None else str(value)


def _column_text(q: Question, part: str, lang: str) -> str:
    text = q.text.get(lang)
    if part == "other_text":
        return f"{text}: other, what?"
    if q.type == "multiple":
        labels = {c.value: c.text.get(lang) for c in q.choices}
        return f"{text}: {labels.get(part, 'other')}"
    if q.type == "matrix":
        rows = {r.value: r.text.get(lang) for r in q.rows}
        return f"{text}: {rows.get(part, part)}"
    return text


def _legend(q: Question, part: str, lang: str) -> str:  # noqa: PLR0911
    if part == "other_text":
        return "free text"
    if q.type == "multiple":
        return "1 = chosen, 0 = not chosen, empty = not answered"
    if q.type in CHOICE_TYPES:
        pairs = [f"{c.value} = {c.text.get(lang)}" for c in q.choices]
        return "; ".join([*pairs, *([f"{OTHER} = other"] if q.other else [])])
    if q.type in ("scale", "matrix"):
        low, high = q.min_label.get(lang), q.max_label.get(lang)
        return f"1 ({low}) … 5 ({high})" if low or high else "1 … 5"
    if q.type == "nps":
        return "0 … 10"
    if q.type == "number":
        return "number"
    if q.type == "date":
        return "YYYY-MM-DD"
    return "free text"
