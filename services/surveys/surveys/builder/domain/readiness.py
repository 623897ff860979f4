"""Is a survey ready for respondents? No placeholder question, and which languages it speaks.

A question the builder added and nobody wrote yet still carries the builder's placeholder
text ("Uusi kysymys") or placeholder options ("Vaihtoehto A"): such a survey is not launched.
"""

from __future__ import annotations

from dataclasses import dataclass

from surveys.builder.domain.edits import NEW_OPTIONS, NEW_QUESTION_TEXT
from surveys.builder.domain.survey import Question, Survey
from surveys.builder.domain.texts import LANGUAGES, Texts

PLACEHOLDER_TEXTS = frozenset(NEW_QUESTION_TEXT.values())
PLACEHOLDER_OPTIONS: frozenset[str] = frozenset(
    str(text)
    for option in NEW_OPTIONS
    for text in (option["text"].values() if isinstance(option["text"], dict) else ())
)


@dataclass(frozen=True, slots=True)
class Unfinished:
    """A question respondents must not see yet: its number in the survey and why."""

    number: int
    question: Question
    reason: str  # "placeholder_text" | "placeholder_options"
    placeholder: str  # the placeholder text still there


def _texts(texts: Texts) -> tuple[str, ...]:
    return tuple(t for t in (texts.fi, texts.sv, texts.en) if t)


def unfinished_questions(survey: Survey) -> list[Unfinished]:
    found: list[Unfinished] = []
    for number, q in enumerate(survey.questions(), start=1):
        texts = [t for t in _texts(q.text) if t in PLACEHOLDER_TEXTS]
        options = [
            t for c in (*q.choices, *q.rows) for t in _texts(c.text) if t in PLACEHOLDER_OPTIONS
        ]
        if texts:
            found.append(Unfinished(number, q, "placeholder_text", texts[0]))
        elif options:
            found.append(Unfinished(number, q, "placeholder_options", options[0]))
    return found


def shown_text(unfinished: Unfinished, lang: str) -> str:
    """What to call an unfinished question: its placeholder text, or its own text when only
    an option is a placeholder."""
    if unfinished.reason == "placeholder_text":
        return unfinished.placeholder
    return unfinished.question.text.get(lang)


def _all_texts(survey: Survey) -> list[Texts]:
    out = [survey.title]
    for q in survey.questions():
        out.append(q.text)
        out.extend(c.text for c in (*q.choices, *q.rows))
    return out


def spoken_languages(survey: Survey) -> tuple[str, ...]:
    """The languages every text of the survey (title, questions, options) is written in."""
    texts = _all_texts(survey)
    return tuple(lang for lang in LANGUAGES if all(getattr(t, lang) for t in texts))


def partly_spoken(survey: Survey) -> tuple[str, ...]:
    """Languages some texts are written in but not all."""
    texts = _all_texts(survey)
    spoken = spoken_languages(survey)
    return tuple(
        lang for lang in LANGUAGES if lang not in spoken and any(getattr(t, lang) for t in texts)
    )


def written_languages(survey: Survey) -> tuple[str, ...]:
    """Languages the survey can be shown in: complete ones first, then partly written ones."""
    return spoken_languages(survey) + partly_spoken(survey)
