"""Values a field's vocabulary lacks are refused with their path and, for a near miss, the code
meant; a rule reads as a sentence with names."""

from __future__ import annotations

from typing import Any

import pytest
from contacts.audit.domain import Actor
from contacts.segments.service import create_segment, preview, vocabulary
from contacts.segments.vocabulary import Terms, check_values, describe, terms
from contacts.topics.domain import Topic

from shared.segments.rules import RuleError
from tests.unit.fakes.contacts import FakeContactsUnitOfWork

VOCABULARY: dict[str, Terms] = {
    "region": terms(
        [("01", "Uusimaa"), ("02", "Varsinais-Suomi"), ("06", "Pirkanmaa")],
        [("Nyland", "01"), ("Egentliga Finland", "02"), ("Birkaland", "06")],
    ),
    "topics": terms([("webinars", "Webinaarit"), ("ai", "Tekoäly")], [("Webinars", "webinars")]),
    "tags": terms([("Puhuja", "Puhuja")]),
    "language": terms([("fi", "Finnish"), ("sv", "Swedish")]),
}


def refusal(rule: dict[str, Any]) -> RuleError:
    with pytest.raises(RuleError) as caught:
        check_values(rule, VOCABULARY)
    return caught.value


def test_a_region_name_instead_of_its_code_is_refused_with_the_code_meant() -> None:
    error = refusal({"all": [{"field": "region", "op": "eq", "value": "Uusimaa"}]})
    assert error.path == "/all/0/value"
    assert error.message == "unknown region 'Uusimaa': did you mean Uusimaa (01)?"


@pytest.mark.parametrize(
    ("value", "meant"),
    [
        ("uusimaa", "Uusimaa (01)"),  # case
        ("Nyland", "Uusimaa (01)"),  # the Swedish name
        ("Pirkanmaaa", "Pirkanmaa (06)"),  # a typo
        (" 01", "Uusimaa (01)"),  # a stray space
    ],
    ids=["case", "swedish-name", "typo", "space"],
)
def test_near_misses_name_the_code_meant(value: str, meant: str) -> None:
    error = refusal({"field": "region", "op": "in", "value": ["02", value]})
    assert error.path == "/value/1"
    assert error.message.endswith(f"did you mean {meant}?")


def test_a_value_far_from_any_known_one_is_refused_without_a_guess() -> None:
    error = refusal({"not": {"field": "topics", "op": "contains", "value": "knitting"}})
    assert (error.path, error.message) == ("/not/value", "unknown topics 'knitting'")


def test_a_tag_in_another_case_suggests_its_stored_spelling() -> None:
    error = refusal({"any": [{"field": "tags", "op": "in", "value": ["PUHUJA"]}]})
    assert error.message == "unknown tags 'PUHUJA': did you mean Puhuja?"


def test_known_values_free_text_and_fields_without_vocabulary_pass() -> None:
    check_values(
        {
            "all": [
                {"field": "region", "op": "in", "value": ["01", "06"]},
                {"field": "topics", "op": "contains", "value": "ai"},
                {"field": "email", "op": "contains", "value": "Uusimaa"},
                {"field": "region", "op": "exists", "value": False},
                {"field": "municipality", "op": "eq", "value": "anything"},  # no vocabulary given
            ]
        },
        VOCABULARY,
    )


def test_a_rule_reads_as_a_sentence_with_names() -> None:
    rule = {
        "all": [
            {"field": "region", "op": "eq", "value": "01"},
            {"field": "topics", "op": "in", "value": ["webinars"]},
            {
                "any": [
                    {"not": {"field": "language", "op": "eq", "value": "sv"}},
                    {"not": {"any": []}},
                ]
            },
        ]
    }
    assert describe(rule, VOCABULARY) == (
        "Region is Uusimaa and Topics includes any of Webinaarit"
        " and (Language is not Swedish or none of these: (nobody))"
    )
    assert describe({"all": []}, VOCABULARY) == "everyone"
    days = {"field": "last_engaged_on", "op": "within_days", "value": 30}
    assert describe(days, VOCABULARY, str.upper) == "LAST ENGAGEMENT WITHIN THE LAST 30 DAYS"


async def test_the_service_refuses_unknown_values_on_save_and_on_preview() -> None:
    uow = FakeContactsUnitOfWork()
    await uow.topics.add(Topic.new(key="webinars", name_fi="Webinaarit", name_en="Webinars"))
    bad = {"all": [{"field": "topics", "op": "contains", "value": "Webinars"}]}
    for call in (
        preview(uow, bad),
        create_segment(uow, actor=Actor(id="s", role="editor"), name="W", rule=bad),
    ):
        with pytest.raises(RuleError, match="did you mean Webinaarit \\(webinars\\)"):
            await call
    assert uow.segments.rows == {}
    good = {"all": [{"field": "topics", "op": "contains", "value": "webinars"}]}
    assert (await preview(uow, good)).count == 0
    names = await vocabulary(uow, lang="en")
    assert names["topics"].name("webinars") == "Webinars"
    assert names["region"].name("01") == "Uusimaa"
    assert names["municipality"].suggestion("Helsingfors") == "091"


async def test_self_assessed_weak_in_reads_with_the_area_names_of_the_staff_language() -> None:
    uow = FakeContactsUnitOfWork()
    uow.segments.areas = {
        "fi": {"digital_security": "Digitaalinen turvallisuus"},
        "en": {"digital_security": "Digital security"},
    }
    rule = {"field": "weak_areas", "op": "contains", "value": "digital_security"}
    english = await vocabulary(uow, lang="en")
    assert english["weak_areas"].options() == [("digital_security", "Digital security")]
    assert describe(rule, english) == "Self-assessed weak in Digital security"
    finnish = await vocabulary(uow, lang="fi")
    assert describe(rule, finnish) == "Self-assessed weak in Digitaalinen turvallisuus"
    # the name in any language is refused with the key meant
    with pytest.raises(RuleError, match="did you mean Digital security \\(digital_security\\)"):
        check_values({**rule, "value": "Digitaalinen turvallisuus"}, english)
    check_values(rule, english)
