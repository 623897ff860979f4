"""The builder's inline forms (options as rows per language, type-specific fields), the
placeholder and language checks, and conditions in words."""

from __future__ import annotations

from typing import Any

from surveys.builder.domain.edits import new_survey
from surveys.builder.domain.readiness import partly_spoken, spoken_languages, unfinished_questions
from surveys.builder.domain.survey import parse_survey
from surveys.builder.domain.words import condition_words
from surveys.builder.pages.forms import (
    new_question_form,
    option_rows,
    question_form,
    question_of,
    with_row_added,
    with_row_removed,
)

SURVEY: dict[str, Any] = {
    "title": {"fi": "Kysely", "sv": "Enkät"},
    "pages": [
        {
            "questions": [
                {
                    "id": "often",
                    "type": "single",
                    "text": {"fi": "Kuinka usein?", "sv": "Hur ofta?"},
                    "choices": [
                        {"value": "daily", "text": {"fi": "Päivittäin", "sv": "Dagligen"}},
                        {"value": "weekly", "text": {"fi": "Viikoittain", "sv": "Varje vecka"}},
                    ],
                },
                {"id": "score", "type": "scale", "text": {"fi": "Arvio", "sv": "Betyg"}},
                {
                    "id": "why",
                    "type": "long_text",
                    "text": {"fi": "Miksi?", "sv": "Varför?"},
                    "show_if": {"question": "often", "op": "in", "value": ["daily", "weekly"]},
                },
                {
                    "id": "more",
                    "type": "short_text",
                    "text": {"fi": "Lisää?", "sv": "Mer?"},
                    "show_if": {"question": "score", "op": "eq", "value": "5"},
                },
                {
                    "id": "any",
                    "type": "short_text",
                    "text": {"fi": "Muuta?", "sv": "Annat?"},
                    "show_if": {"question": "why", "op": "answered"},
                },
            ]
        }
    ],
}


def test_options_are_rows_per_language_and_empty_rows_are_dropped() -> None:
    form = {
        "type": "single",
        "id": "q1",
        "text_fi": "Kysymys",
        "choices-0-value": "",
        "choices-0-fi": "Yksi",
        "choices-0-sv": "Ett",
        "choices-1-value": "o1",  # taken: the first row gets the next free code
        "choices-1-fi": "Kaksi",
        "choices-2-fi": "  ",
        "min_label_fi": "not for a choice question",
    }
    question = question_of(form)
    assert question["choices"] == [
        {"value": "o2", "text": {"fi": "Yksi", "sv": "Ett", "en": ""}},
        {"value": "o1", "text": {"fi": "Kaksi", "sv": "", "en": ""}},
    ]
    assert "min_label" not in question and "rows" not in question


def test_a_question_round_trips_through_its_form() -> None:
    original = SURVEY["pages"][0]["questions"][0]
    form = question_form(original)
    assert form["choices-1-sv"] == "Varje vecka"
    again = question_of(form)
    assert [c["value"] for c in again["choices"]] == ["daily", "weekly"]
    assert again["choices"][1]["text"]["sv"] == "Varje vecka"


def test_rows_are_added_and_removed_without_saving() -> None:
    form = {"choices-0-fi": "A", "choices-1-fi": "B"}
    added = with_row_added(form, "choices")
    assert len(option_rows(added, "choices")) == 3
    removed = with_row_removed(added, "choices", 0)
    assert [r["fi"] for r in option_rows(removed, "choices")] == ["B", ""]
    assert len(option_rows(new_question_form("single", "q4"), "choices")) == 2


def test_a_condition_on_several_ticked_answers_is_one_of_them() -> None:
    form = {
        "type": "short_text",
        "id": "q9",
        "text_fi": "x",
        "show_if_question": "often",
        "show_if_op": "eq",
        "show_if_value": "daily, weekly",
    }
    assert question_of(form)["show_if"] == {
        "question": "often",
        "op": "in",
        "value": ["daily", "weekly"],
    }


def test_conditions_in_words_use_the_question_number_text_and_choice_labels() -> None:
    survey = parse_survey(SURVEY)
    why = survey.question("why")
    assert why is not None
    words = condition_words(survey, why, "sv")
    assert words is not None
    assert (words.op, words.number, words.text) == ("one_of", 1, "Hur ofta?")
    assert words.labels == ("Dagligen", "Varje vecka")
    more = survey.question("more")
    assert more is not None
    scale = condition_words(survey, more, "fi")
    assert scale is not None and scale.labels == ("5",) and scale.number == 2
    anything = survey.question("any")
    assert anything is not None
    answered = condition_words(survey, anything, "fi")
    assert answered is not None and answered.op == "answered" and answered.number == 3
    first = survey.question("often")
    assert first is not None and condition_words(survey, first, "fi") is None


def test_placeholder_questions_and_options_are_unfinished() -> None:
    fresh = parse_survey(new_survey({"fi": "Uusi"}))
    [unfinished] = unfinished_questions(fresh)
    assert (unfinished.number, unfinished.reason) == (1, "placeholder_text")
    options = {
        "title": "Kysely",
        "pages": [
            {
                "questions": [
                    {
                        "id": "q1",
                        "type": "single",
                        "text": "Mikä?",
                        "choices": [{"value": "a", "text": {"fi": "Vaihtoehto A"}}],
                    }
                ]
            }
        ],
    }
    [placeholder] = unfinished_questions(parse_survey(options))
    assert placeholder.reason == "placeholder_options"
    assert unfinished_questions(parse_survey(SURVEY)) == []


def test_a_survey_speaks_the_languages_all_its_texts_are_written_in() -> None:
    survey = parse_survey(SURVEY)
    assert spoken_languages(survey) == ("fi", "sv")
    assert partly_spoken(survey) == ()
    half = parse_survey({**SURVEY, "title": {"fi": "Kysely", "sv": "Enkät", "en": "Survey"}})
    assert spoken_languages(half) == ("fi", "sv") and partly_spoken(half) == ("en",)


def test_once_a_question_is_written_the_placeholder_of_other_languages_goes() -> None:
    form = {
        "type": "short_text",
        "id": "q1",
        "text_fi": "Mikä on roolisi?",
        "text_sv": "Ny fråga",
        "text_en": "New question",
    }
    assert question_of(form)["text"] == {"fi": "Mikä on roolisi?", "sv": "", "en": ""}
    untouched = {"type": "short_text", "id": "q1", "text_fi": "Uusi kysymys"}
    assert question_of(untouched)["text"]["fi"] == "Uusi kysymys"  # still flagged at launch


def test_a_text_says_which_language_it_falls_back_to() -> None:
    survey = parse_survey(SURVEY)
    often = survey.question("often")
    assert often is not None
    assert often.text.written_in("sv") == "sv"
    assert often.text.written_in("en") == "fi" and often.text.get("en") == "Kuinka usein?"
