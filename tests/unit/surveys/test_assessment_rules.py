"""The self-assessment's rules in plain Python: scoring, bands, change between attempts, the
weakest areas, the definition's checks and the suppression of small groups."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from surveys.assessment.defaults import default_definition
from surveys.assessment.domain import (
    MIN_GROUP,
    Definition,
    DefinitionError,
    aggregate,
    band_of,
    change,
    percent_of,
    score,
    weakest,
)
from surveys.assessment.forms import NEW_AREA, definition_of

pytestmark = pytest.mark.unit


def default() -> Definition:
    return Definition.parse(default_definition())


def answers(points: dict[str, int]) -> dict[str, str]:
    """Every default question answered with the choice worth `points[area]` (scale 0-3)."""
    d = default()
    return {q.id: f"c{points.get(q.area, 0)}" for q in d.questions}


def test_the_default_test_has_the_five_competence_areas_in_three_languages() -> None:
    d = default()
    assert [a.name["fi"] for a in d.areas] == [
        "Digitaalinen turvallisuus",
        "Asiointipalvelut",
        "Laitteet ja yhteydet",
        "Ohjaus ja opastus",
        "Tietosuoja",
    ]
    for area in d.areas:
        assert set(area.name) == {"fi", "sv", "en"}
        assert set(area.feedback) == {"low", "mid", "high"}
        assert all(set(f.text) == {"fi", "sv", "en"} for f in area.feedback.values())
        assert len(d.questions_of(area.key)) == 2


@pytest.mark.parametrize(
    ("percent", "band"),
    [(0, "low"), (39, "low"), (40, "mid"), (69, "mid"), (70, "high"), (100, "high")],
)
def test_score_bands_meet_at_40_and_70_percent(percent: int, band: str) -> None:
    assert band_of(percent) == band


def test_a_percent_outside_0_to_100_has_no_band() -> None:
    with pytest.raises(ValueError):
        band_of(101)


@pytest.mark.parametrize(
    ("points", "maximum", "percent"), [(2, 3, 67), (1, 3, 33), (1, 8, 13), (0, 6, 0), (6, 6, 100)]
)
def test_percent_is_whole_with_halves_rounded_up(points: int, maximum: int, percent: int) -> None:
    assert percent_of(points, maximum) == percent


def test_points_add_up_per_area_against_the_area_maximum() -> None:
    scored = score(default(), answers({"digital_security": 3, "e_services": 1, "devices": 2}))
    assert scored.missing == []
    security = scored.scores["digital_security"]
    assert (security.points, security.max_points, security.percent) == (6, 6, 100)
    assert scored.percents() == {
        "digital_security": 100,
        "e_services": 33,
        "devices": 67,
        "guidance": 0,
        "data_protection": 0,
    }
    assert scored.scores["e_services"].band == "low"
    assert scored.scores["devices"].band == "mid"


def test_one_answer_per_area_question_mixes_points() -> None:
    given = answers({})
    given["phishing"] = "c3"
    given["passwords"] = "c1"
    assert score(default(), given).percents()["digital_security"] == 67  # 4 of 6


def test_every_question_must_be_answered_with_one_of_its_choices() -> None:
    given = answers({"guidance": 2})
    del given["phishing"]
    given["referral"] = "c9"  # not a choice of the question
    scored = score(default(), given)
    assert scored.missing == ["phishing", "referral"]
    assert scored.scores == {}


def test_change_is_percentage_points_per_area_and_none_for_a_new_area() -> None:
    assert change({"a": 33, "b": 80}, {"a": 67, "b": 70, "c": 50}) == {"a": 34, "b": -10, "c": None}
    assert change(None, {"a": 10}) == {"a": None}


def test_the_weakest_areas_are_the_lowest_below_the_top_band() -> None:
    percents = {"a": 50, "b": 20, "c": 90, "d": 20, "e": 69}
    assert weakest(percents) == ["b", "d"]
    assert weakest({"a": 70, "b": 100}) == []
    assert weakest(percents, limit=3) == ["b", "d", "a"]


def test_a_definition_needs_texts_in_every_language() -> None:
    raw = default_definition()
    raw["areas"][0]["feedback"]["mid"]["text"]["sv"] = " "
    with pytest.raises(DefinitionError) as caught:
        Definition.parse(raw)
    assert caught.value.where == "area-0-mid-text-sv"


@pytest.mark.parametrize(
    ("change_it", "where"),
    [
        (lambda r: r["questions"][0]["choices"][1].update(points=11), "q-0-c1-points"),
        (lambda r: r["questions"][0]["choices"][1].update(points="2"), "q-0-c1-points"),
        (lambda r: r["questions"][2].update(area="nowhere"), "q-2-area"),
        (lambda r: r["questions"][3]["choices"].__delitem__(slice(1, None)), "q-3-choices"),
        (lambda r: r.update(events_url="javascript:alert(1)"), "events_url"),
        (lambda r: r["areas"][1]["feedback"]["low"].update(link="ftp://x"), "area-1-low-link"),
        (lambda r: r.update(questions=r["questions"][2:]), "area-digital_security"),
    ],
    ids=["points-too-high", "points-text", "unknown-area", "one-choice", "script-link",
         "ftp-link", "area-without-questions"],
)  # fmt: skip
def test_a_definition_that_breaks_a_rule_names_the_part(change_it: Any, where: str) -> None:
    raw = copy.deepcopy(default_definition())
    change_it(raw)
    with pytest.raises(DefinitionError) as caught:
        Definition.parse(raw)
    assert caught.value.where == where


def test_a_definition_survives_its_json() -> None:
    d = default()
    assert Definition.parse(d.to_json()) == d


def test_groups_under_five_are_suppressed_and_only_counted() -> None:
    rows: list[tuple[str | None, dict[str, int]]] = [("01", {"a": 40, "b": 80})] * MIN_GROUP
    rows += [("02", {"a": 100, "b": 0})] * (MIN_GROUP - 1)
    rows += [(None, {"a": 0, "b": 0})]
    result = aggregate(rows, ["a", "b"])
    assert [(g.group, g.attempts, g.averages) for g in result.groups] == [
        ("01", 5, {"a": 40, "b": 80})
    ]
    assert result.hidden_groups == 2  # "02" (four) and the unknown group (one)
    assert result.total is not None and result.total.attempts == 10
    assert result.total.averages == {"a": 60, "b": 40}


def test_fewer_than_five_results_in_all_show_nothing() -> None:
    result = aggregate([("01", {"a": 50})] * (MIN_GROUP - 1), ["a"])
    assert result.groups == [] and result.total is None and result.hidden_groups == 1


def test_averages_round_halves_up() -> None:
    rows = [("x", {"a": 50})] * 3 + [("x", {"a": 51})] * 3  # 50.5
    assert aggregate(rows, ["a"], min_group=1).groups[0].averages == {"a": 51}


def form_of(d: dict[str, Any]) -> dict[str, str]:
    """The staff form as a browser sends it for definition `d` (plus the blank rows)."""
    form = {"area-count": str(len(d["areas"]) + 1), "q-count": str(len(d["questions"]) + 1)}
    for lang in ("fi", "sv", "en"):
        form[f"title-{lang}"] = d["title"][lang]
        form[f"intro-{lang}"] = d["intro"].get(lang, "")
    for i, a in enumerate(d["areas"]):
        form[f"area-{i}-key"] = a["key"]
        for lang in ("fi", "sv", "en"):
            form[f"area-{i}-name-{lang}"] = a["name"][lang]
            for band, f in a["feedback"].items():
                form[f"area-{i}-{band}-text-{lang}"] = f["text"][lang]
        for band, f in a["feedback"].items():
            form[f"area-{i}-{band}-link"] = f["link"]
    for j, q in enumerate(d["questions"]):
        form[f"q-{j}-id"] = q["id"]
        form[f"q-{j}-area"] = q["area"]
        for lang in ("fi", "sv", "en"):
            form[f"q-{j}-text-{lang}"] = q["text"][lang]
        for k, c in enumerate(q["choices"]):
            form[f"q-{j}-c{k}-id"] = c["id"]
            form[f"q-{j}-c{k}-points"] = str(c["points"])
            for lang in ("fi", "sv", "en"):
                form[f"q-{j}-c{k}-text-{lang}"] = c["text"][lang]
    return form


def test_the_staff_form_round_trips_the_definition() -> None:
    raw = Definition.parse(default_definition()).to_json()
    assert Definition.parse(definition_of(form_of(raw))) == Definition.parse(raw)


def test_the_staff_form_adds_an_area_with_its_question_and_removes_one() -> None:
    raw = Definition.parse(default_definition()).to_json()
    form = form_of(raw)
    n, m = len(raw["areas"]), len(raw["questions"])
    for lang, name in (("fi", "Tekoäly"), ("sv", "AI"), ("en", "AI")):
        form[f"area-{n}-name-{lang}"] = name
        for band in ("low", "mid", "high"):
            form[f"area-{n}-{band}-text-{lang}"] = f"{band} {lang}"
        form[f"q-{m}-text-{lang}"] = "Osaan kertoa tekoälystä."
        form[f"q-{m}-c0-text-{lang}"] = "Ei"
        form[f"q-{m}-c1-text-{lang}"] = "Kyllä"
    form[f"q-{m}-area"] = NEW_AREA
    form[f"q-{m}-c0-points"] = "0"
    form[f"q-{m}-c1-points"] = "2"
    form["q-0-remove"] = "1"
    d = Definition.parse(definition_of(form))
    assert d.areas[-1].key == "tekoaly"
    assert d.questions[-1].area == "tekoaly" and d.questions[-1].id == f"q{m + 1}"
    assert "phishing" not in {q.id for q in d.questions}


def test_ties_among_the_weakest_go_to_the_first_areas_given() -> None:
    assert weakest({"devices": 67, "digital_security": 67, "guidance": 67}) == [
        "devices",
        "digital_security",
    ]
