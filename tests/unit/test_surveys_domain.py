"""The survey domain: definitions, conditions, answer checks and results, in plain Python."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from surveys.builder.domain.survey import dump_survey, parse_survey
from surveys.errors import InvalidInput
from surveys.responding.domain import check_complete, clean_page
from surveys.results.domain import breakdown, summarise

DEFINITION: dict[str, Any] = {
    "title": {"fi": "Tukitarpeet", "sv": "Stödbehov", "en": "Support needs"},
    "intro": {"fi": "Kerro tarpeistanne."},
    "pages": [
        {
            "questions": [
                {
                    "id": "uses",
                    "type": "single",
                    "text": {"fi": "Käytättekö palvelua?", "sv": "Använder ni tjänsten?"},
                    "required": True,
                    "choices": [
                        {"value": "yes", "text": {"fi": "Kyllä", "sv": "Ja"}},
                        {"value": "no", "text": {"fi": "Ei", "sv": "Nej"}},
                    ],
                },
                {
                    "id": "channels",
                    "type": "multiple",
                    "text": "Kanavat",
                    "other": True,
                    "choices": [
                        {"value": "web", "text": "Verkko"},
                        {"value": "phone", "text": "Puhelin"},
                    ],
                },
            ]
        },
        {
            "questions": [
                {
                    "id": "why_not",
                    "type": "long_text",
                    "text": "Miksi ei?",
                    "required": True,
                    "show_if": {"question": "uses", "op": "eq", "value": "no"},
                },
                {
                    "id": "ease",
                    "type": "scale",
                    "text": "Helppous",
                    "min_label": "Vaikea",
                    "max_label": "Helppo",
                },
                {"id": "recommend", "type": "nps", "text": "Suosittelisitko?"},
                {
                    "id": "grid",
                    "type": "matrix",
                    "text": "Arvioi",
                    "required": True,
                    "rows": [
                        {"value": "speed", "text": "Nopeus"},
                        {"value": "help", "text": "Apu"},
                    ],
                },
                {"id": "staff", "type": "number", "text": "Henkilöstö", "min": 0, "max": 500},
                {"id": "since", "type": "date", "text": "Alkaen"},
            ]
        },
    ],
}


def test_definition_survives_export_and_import_unchanged() -> None:
    survey = parse_survey(DEFINITION)
    assert parse_survey(dump_survey(survey)) == survey
    assert survey.title.get("sv") == "Stödbehov"
    assert survey.question("channels") is not None
    assert survey.question("channels").text.get("en") == "Kanavat"  # type: ignore[union-attr]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        (lambda d: d["pages"][0]["questions"][0].update(type="essay"), "/pages/0/questions/0/type"),
        (
            lambda d: d["pages"][1]["questions"][0]["show_if"].update(question="ease"),
            "/pages/1/questions/0/show_if/question",
        ),
        (lambda d: d["pages"][0]["questions"][1].update(id="uses"), "/pages/0/questions/1/id"),
        (lambda d: d.update(title=""), "/title"),
        (
            lambda d: d["pages"][0]["questions"][0].update(choices=[]),
            "/pages/0/questions/0/choices",
        ),
    ],
)
def test_bad_definitions_are_refused_with_the_place_named(change: Any, field: str) -> None:
    broken = copy.deepcopy(DEFINITION)
    change(broken)
    with pytest.raises(InvalidInput) as caught:
        parse_survey(broken)
    assert caught.value.field == field


def test_question_hidden_by_its_condition_is_not_required_and_its_answer_is_dropped() -> None:
    survey = parse_survey(DEFINITION)
    answers, errors = check_complete(
        survey,
        {"uses": "yes", "why_not": "stale answer", "grid": {"speed": 4, "help": 5}},
    )
    assert errors == []
    assert "why_not" not in answers
    _, errors = check_complete(survey, {"uses": "no", "grid": {"speed": 4, "help": 5}})
    assert [(e.question, e.code) for e in errors] == [("why_not", "required")]


def test_page_answers_are_cleaned_and_wrong_ones_explained() -> None:
    survey = parse_survey(DEFINITION)
    cleaned, errors = clean_page(
        survey,
        survey.pages[0],
        {"uses": "yes", "channels": ["phone", "other"], "channels.other": " kirje "},
        {},
    )
    assert errors == []
    assert cleaned == {"uses": "yes", "channels": ["phone", "other"], "channels.other": "kirje"}
    _, errors = clean_page(survey, survey.pages[0], {"uses": "maybe", "channels": ["other"]}, {})
    assert {(e.question, e.code) for e in errors} == {
        ("uses", "choose_listed"),
        ("channels", "other_text"),
    }
    raw = {"grid": {"speed": "3"}, "staff": "1 000", "since": "2025-02-30", "ease": "6"}
    _, errors = clean_page(survey, survey.pages[1], raw, {"uses": "yes"})
    assert {(e.question, e.code) for e in errors} == {
        ("grid", "matrix_incomplete"),
        ("staff", "number_max"),
        ("since", "date"),
        ("ease", "choose_listed"),
    }


def test_results_give_percentages_means_medians_and_nps() -> None:
    survey = parse_survey(DEFINITION)
    responses = [
        {"uses": "yes", "recommend": 10, "ease": 5, "grid": {"speed": 4, "help": 2}},
        {"uses": "yes", "recommend": 9, "ease": 4, "grid": {"speed": 2, "help": 2}},
        {"uses": "no", "why_not": "Ei tarvetta", "recommend": 3, "ease": 1},
        {"uses": "yes", "recommend": 7},
    ]
    summary = summarise(survey, responses, "fi")
    by_id = {q["id"]: q for q in summary["questions"]}
    assert by_id["uses"]["options"][0] == {
        "value": "yes",
        "text": "Kyllä",
        "count": 3,
        "percent": 75.0,
    }
    assert by_id["recommend"]["nps"] == {
        "promoters": 50.0,
        "passives": 25.0,
        "detractors": 25.0,
        "score": 25,
    }
    assert (by_id["ease"]["mean"], by_id["ease"]["median"]) == (3.33, 4)
    assert by_id["grid"]["rows"][0]["mean"] == 3
    assert by_id["why_not"]["answers"] == ["Ei tarvetta"]


def test_breakdown_hides_groups_smaller_than_five() -> None:
    survey = parse_survey(DEFINITION)
    groups = [("library", {"uses": "yes"})] * 5 + [("ngo", {"uses": "no"})] * 4
    result = breakdown(survey, groups, "fi")
    assert [g["group"] for g in result["groups"]] == ["library"]
    assert result["hidden_groups"] == 1
