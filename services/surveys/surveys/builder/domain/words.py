"""A show-if condition as a person reads it: "shown when Q3 (How often…?) is Daily or Weekly".

Plain data for a template to put into a translated sentence: the number and text of the
question it depends on and the labels of the values (choice texts, scale points as numbers).
"""

from __future__ import annotations

from dataclasses import dataclass

from surveys.builder.domain.survey import Question, Survey


@dataclass(frozen=True, slots=True)
class ConditionWords:
    op: str  # "answered" | "one_of"
    number: int  # of the question it depends on (1-based, across pages)
    text: str  # that question's text in the language asked for
    labels: tuple[str, ...]  # the values, as the respondent sees them


def numbers(survey: Survey) -> dict[str, int]:
    return {q.id: n for n, q in enumerate(survey.questions(), start=1)}


def value_label(question: Question, value: str, lang: str) -> str:
    for choice in (*question.choices, *question.rows):
        if choice.value == value:
            return choice.text.get(lang) or value
    return value


def condition_words(survey: Survey, question: Question, lang: str) -> ConditionWords | None:
    cond = question.show_if
    if cond is None:
        return None
    target = survey.question(cond.question)
    number = numbers(survey).get(cond.question, 0)
    text = target.text.get(lang) if target else cond.question
    if cond.op == "answered":
        return ConditionWords("answered", number, text, ())
    values = (cond.value,) if isinstance(cond.value, str) else tuple(cond.value or ())
    labels = tuple(value_label(target, v, lang) if target else v for v in values)
    return ConditionWords("one_of", number, text, labels)
