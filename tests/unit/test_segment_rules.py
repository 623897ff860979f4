"""The segment rule language: validation errors point at the bad part; the evaluator's answers."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from sqlalchemy import ARRAY, Boolean, Date, DateTime, Text, Uuid

from shared.db import new_metadata
from shared.segments import FIELDS, RuleError, count_in, evaluate, parse_rule
from shared.snapshot import contact_snapshot_table

NOW = datetime(2025, 6, 15, 9, 30, tzinfo=UTC)  # 12:30 in Helsinki
ORG = uuid.UUID("00000000-0000-0000-0000-0000000000aa")
WEEK_2027 = "00000000-0000-0000-0000-000000002027"  # an event series (Digitaitoviikko 2027)
CIRCLE = "00000000-0000-0000-0000-0000000000cc"  # another series


def cond(field: str, op: str, value: Any) -> dict[str, Any]:
    return {"field": field, "op": op, "value": value}


def person(**values: Any) -> dict[str, Any]:
    row: dict[str, Any] = {c.name: None for c in contact_snapshot_table(new_metadata()).columns}
    row.update(erased=False, topics=[], tags=[], newsletter_consent=False, survey_consent=False)
    row.update(registered_series=[])
    row.update(values)
    return row


def test_every_field_is_a_snapshot_column_of_its_type() -> None:
    columns = contact_snapshot_table(new_metadata()).c
    expected = {
        "text": Text,
        "bool": Boolean,
        "array": ARRAY,
        "date": Date,
        "datetime": DateTime,
        "uuid": Uuid,
    }
    for field, kind in FIELDS.items():
        assert isinstance(columns[field].type, expected[kind]), field
    assert "erased" not in FIELDS and "contact_id" not in FIELDS


@pytest.mark.parametrize(
    ("rule", "path", "words"),
    [
        ([], "", "must be an object"),
        ({"all": {}}, "/all", "list of rules"),
        ({"all": [], "any": []}, "", "expected one of"),
        ({"all": [cond("shoe_size", "eq", "42")]}, "/all/0/field", "unknown field"),
        ({"any": [{"not": cond("region", "before", "2025-01-01")}]}, "/any/0/not/op", "region"),
        ({"all": [cond("topics", "eq", "webinars")]}, "/all/0/op", "contains, in, exists"),
        (cond("region", "eq", 1), "/value", "text"),
        (cond("region", "in", []), "/value", "list"),
        (cond("tags", "in", ["a", 7]), "/value/1", "text"),
        (cond("newsletter_consent", "eq", "yes"), "/value", "true or false"),
        (cond("email", "exists", 1), "/value", "true or false"),
        (cond("last_engaged_on", "within_days", True), "/value", "whole number"),
        (cond("last_engaged_on", "within_days", -1), "/value", "whole number"),
        (cond("last_engaged_on", "after", "2025-02-30"), "/value", "ISO date"),
        (cond("last_engaged_on", "after", "2025-02-01T00:00:00+00:00"), "/value", "ISO date"),
        (cond("created_at", "after", "2025-02-01T00:00:00"), "/value", "time zone"),
        (cond("organisation_id", "eq", "acme"), "/value", "UUID"),
        (cond("first_name", "contains", ""), "/value", "non-empty"),
        ({"field": "region", "op": "eq"}, "", 'needs "value"'),
        ({"field": "region", "op": "eq", "value": "01", "note": 1}, "/note", "unknown key"),
        (
            {"not": {"all": [{}, {"field": "x/y", "op": "eq", "value": 1}]}},
            "/not/all/0",
            "expected",
        ),
    ],
)
def test_invalid_rules_are_refused_with_a_path(rule: Any, path: str, words: str) -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule(rule)
    assert caught.value.path == path
    assert words in caught.value.message


def test_pointer_escapes_keys() -> None:
    with pytest.raises(RuleError) as caught:
        parse_rule({"field": "region", "op": "eq", "value": "01", "a/b~c": 1})
    assert caught.value.path == "/a~1b~0c"


def test_nesting_deeper_than_ten_levels_is_refused() -> None:
    rule: dict[str, Any] = cond("region", "eq", "01")
    for _ in range(9):
        rule = {"not": rule}
    parse_rule(rule)  # ten levels
    with pytest.raises(RuleError) as caught:
        parse_rule({"all": [rule]})
    assert caught.value.path == "/all/0" + "/not" * 9
    assert "10 levels" in caught.value.message


def test_more_than_two_hundred_conditions_are_refused() -> None:
    parse_rule({"any": [cond("region", "eq", f"{i:02}") for i in range(200)]})
    with pytest.raises(RuleError) as caught:
        parse_rule({"any": [cond("region", "eq", f"{i:02}") for i in range(201)]})
    assert caught.value.path == "/any/200"


PEOPLE = {
    "aino": person(
        region="06",
        first_name="Äijä",
        membership_state="active",
        topics=["webinars", "ai"],
        onboarding_state="not_invited",
        last_engaged_on=date(2025, 6, 10),
        last_attended_on=date(2024, 12, 17),  # 180 days before 15 June 2025
        registered_series=[WEEK_2027],
        created_at=datetime(2025, 5, 31, 21, 30, tzinfo=UTC),  # 1 June 00:30 in Helsinki
        newsletter_consent=True,
        organisation_id=ORG,
    ),
    "bertil": person(
        region="01",
        first_name="",
        membership_state="active",
        topics=["webinars"],
        onboarding_state="approved",
        last_engaged_on=date(2025, 5, 1),
        last_attended_on=date(2024, 12, 16),  # 181 days before
        registered_series=[CIRCLE, WEEK_2027],
        created_at=datetime(2025, 5, 31, 20, 59, tzinfo=UTC),  # 31 May 23:59 in Helsinki
    ),
    "cecilia": person(first_name="50%_off", tags=["vip"]),  # region, dates etc. unknown
    "dora": person(created_at=datetime(2025, 5, 31, 21, tzinfo=UTC)),  # midnight in Helsinki
    "gone": person(erased=True, region="06", topics=["webinars"]),
}


def selected(rule: Any) -> set[str]:
    return {name for name, row in PEOPLE.items() if evaluate(rule, row, NOW)}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"all": []}, {"aino", "bertil", "cecilia", "dora"}),
        ({"any": []}, set()),
        (cond("region", "eq", "06"), {"aino"}),
        ({"not": cond("region", "eq", "01")}, {"aino", "cecilia", "dora"}),
        ({"not": cond("region", "in", ["01", "06"])}, {"cecilia", "dora"}),
        (cond("topics", "contains", "webinars"), {"aino", "bertil"}),
        (cond("topics", "in", ["ai", "events"]), {"aino"}),
        (cond("tags", "exists", True), {"cecilia"}),
        (cond("tags", "exists", False), {"aino", "bertil", "dora"}),
        (cond("region", "exists", False), {"cecilia", "dora"}),
        (cond("first_name", "exists", True), {"aino", "cecilia"}),  # "" is no name
        (cond("first_name", "contains", "äIJ"), {"aino"}),
        (cond("first_name", "contains", "%_"), {"cecilia"}),
        (cond("newsletter_consent", "eq", False), {"bertil", "cecilia", "dora"}),
        (cond("organisation_id", "eq", str(ORG)), {"aino"}),
        (cond("last_engaged_on", "within_days", 5), {"aino"}),
        (cond("last_engaged_on", "within_days", 4), set()),
        (cond("last_engaged_on", "before", "2025-06-10"), {"bertil"}),
        (cond("last_engaged_on", "after", "2025-06-10"), set()),
        (cond("last_engaged_on", "eq", "2025-06-10"), {"aino"}),
        (cond("last_attended_on", "within_days", 180), {"aino"}),
        (cond("last_attended_on", "within_days", 181), {"aino", "bertil"}),
        ({"not": cond("last_attended_on", "within_days", 180)}, {"bertil", "cecilia", "dora"}),
        (cond("last_attended_on", "exists", False), {"cecilia", "dora"}),
        (cond("registered_series", "contains", WEEK_2027), {"aino", "bertil"}),
        (cond("registered_series", "contains", CIRCLE), {"bertil"}),
        ({"not": cond("registered_series", "contains", CIRCLE)}, {"aino", "cecilia", "dora"}),
        (cond("registered_series", "exists", False), {"cecilia", "dora"}),
        (cond("created_at", "before", "2025-06-01"), {"bertil"}),  # days are Helsinki days
        (cond("created_at", "after", "2025-05-31"), {"aino", "dora"}),
        (cond("created_at", "after", "2025-06-01"), set()),
        (cond("created_at", "after", "2025-05-31T21:00:00+00:00"), {"aino"}),
        (cond("created_at", "before", "2025-06-01T00:00:00.000001+03:00"), {"bertil", "dora"}),
        (cond("created_at", "within_days", 15), {"aino", "bertil", "dora"}),
        (cond("created_at", "within_days", 14), set()),
        ({"not": cond("created_at", "within_days", 15)}, {"cecilia"}),
        (cond("first_name", "exists", False), {"bertil", "dora"}),
        (
            {
                "all": [
                    cond("membership_state", "eq", "active"),
                    cond("topics", "contains", "webinars"),
                    {"not": cond("onboarding_state", "in", ["requested", "approved"])},
                ]
            },
            {"aino"},
        ),
    ],
)
def test_evaluator_selects_the_expected_people(rule: Any, expected: set[str]) -> None:
    assert selected(rule) == expected
    assert count_in(rule, PEOPLE.values(), NOW) == len(expected)


def test_now_must_be_timezone_aware() -> None:
    with pytest.raises(ValueError, match="timezone-aware"):
        evaluate({"all": []}, PEOPLE["aino"], datetime(2025, 6, 15))


SELF_ASSESSED = {
    "weak_in_security": person(weak_areas=["digital_security"]),
    "weak_in_two": person(weak_areas=["data_protection", "digital_security"]),
    "strong": person(weak_areas=[]),  # took the test, no area in the lowest band
    "gone": person(erased=True, weak_areas=["digital_security"]),
}


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        (cond("weak_areas", "contains", "digital_security"), {"weak_in_security", "weak_in_two"}),
        (cond("weak_areas", "contains", "data_protection"), {"weak_in_two"}),
        (
            {"not": cond("weak_areas", "contains", "data_protection")},
            {"weak_in_security", "strong"},
        ),
        (cond("weak_areas", "in", ["devices", "data_protection"]), {"weak_in_two"}),
        (cond("weak_areas", "exists", True), {"weak_in_security", "weak_in_two"}),
        (cond("weak_areas", "exists", False), {"strong"}),
    ],
)
def test_self_assessed_weak_in_an_area(rule: Any, expected: set[str]) -> None:
    found = {name for name, row in SELF_ASSESSED.items() if evaluate(rule, row, NOW)}
    assert found == expected


def test_weak_areas_take_area_keys_as_text() -> None:
    with pytest.raises(RuleError):
        parse_rule(cond("weak_areas", "contains", 3))
