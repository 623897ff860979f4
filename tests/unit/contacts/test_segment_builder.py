"""The segment builder's form state and the JSON rule: each turns into the other unchanged,
and what the builder makes is a rule the engine accepts."""

from __future__ import annotations

from typing import Any, get_args

import pytest
from contacts.memberships.domain import ECOSYSTEM_ROLES, MembershipState
from contacts.onboarding.domain.onboarding import OnboardingState
from contacts.organisations.domain.organisation import ORGANISATION_TYPES
from contacts.people.domain.person import EmailStatus, Language, SubscriptionState
from contacts.segments.builder import (
    BuilderError,
    Condition,
    Group,
    apply_action,
    form_of_state,
    rule_of,
    state_of_form,
    state_of_rule,
)
from contacts.segments.fields import BUILDER_FIELDS, OPERATORS, VALUE_LABELS

from shared.segments import parse_rule

NESTED = Group(
    "any",
    [
        Condition("region", "is", ("01",)),
        Condition("topics", "includes_any", ("webinars", "ai")),
        Group(
            "not_any",
            [
                Condition("onboarding_state", "one_of", ("requested", "approved")),
                Condition("last_engaged_on", "within", ("90",)),
                Group("all", [Condition("newsletter_consent", "no")]),
            ],
        ),
        Condition("municipality", "is_not", ("091",)),
        Condition("confirmed_at", "before", ("2025-01-01",)),
        Condition("email", "contains", ("kirjasto",)),
        Condition("tags", "none_set"),
    ],
)
NESTED_RULE = {
    "any": [
        {"field": "region", "op": "eq", "value": "01"},
        {"field": "topics", "op": "in", "value": ["webinars", "ai"]},
        {
            "not": {
                "any": [
                    {"field": "onboarding_state", "op": "in", "value": ["requested", "approved"]},
                    {"field": "last_engaged_on", "op": "within_days", "value": 90},
                    {"all": [{"field": "newsletter_consent", "op": "eq", "value": False}]},
                ]
            }
        },
        {"not": {"field": "municipality", "op": "eq", "value": "091"}},
        {"field": "confirmed_at", "op": "before", "value": "2025-01-01"},
        {"field": "email", "op": "contains", "value": "kirjasto"},
        {"field": "tags", "op": "exists", "value": False},
    ]
}


def test_a_nested_state_becomes_the_rule_the_engine_runs() -> None:
    rule, _places = rule_of(NESTED)
    assert rule == NESTED_RULE
    parse_rule(rule)  # the engine accepts it


def test_state_to_rule_to_state_is_the_same_state() -> None:
    assert state_of_rule(rule_of(NESTED)[0]) == NESTED


def test_rule_to_state_to_rule_is_the_same_rule() -> None:
    state = state_of_rule(NESTED_RULE)
    assert state is not None
    assert rule_of(state)[0] == NESTED_RULE


def test_state_to_form_fields_to_state_is_the_same_state() -> None:
    form = form_of_state(NESTED)
    assert form["n.2.1.field"] == ["last_engaged_on"]
    assert form["n.2.kind"] == ["not_any"]
    assert state_of_form(form) == NESTED


def test_every_operator_of_every_field_round_trips() -> None:
    values = {"one": ("x",), "many": ("x", "y"), "text": ("x",), "date": ("2025-03-31",)}
    for key, field in BUILDER_FIELDS.items():
        for op, operator in OPERATORS[field.ops].items():
            cond = Condition(key, op, values.get(operator.value, ("7",)))
            if operator.value == "none":
                cond = Condition(key, op)
            state = Group("all", [cond])
            rule = rule_of(state)[0]
            parse_rule(rule)
            assert state_of_rule(rule) == state, (key, op)
            assert state_of_form(form_of_state(state)) == state, (key, op)


def test_a_single_condition_or_a_negated_one_shows_as_a_group() -> None:
    cond = {"field": "language", "op": "eq", "value": "sv"}
    assert state_of_rule(cond) == Group("all", [Condition("language", "is", ("sv",))])
    negated_bool = {"not": {"field": "survey_consent", "op": "eq", "value": True}}
    shown = state_of_rule(negated_bool)
    assert shown == Group("all", [Group("not_all", [Condition("survey_consent", "yes")])])
    assert shown is not None
    assert rule_of(shown)[0] == {"all": [{"not": {"all": [negated_bool["not"]]}}]}


@pytest.mark.parametrize(
    "rule",
    [
        {"field": "organisation_id", "op": "eq", "value": "00000000-0000-0000-0000-000000000001"},
        {"field": "region", "op": "contains", "value": "0"},
        {"field": "created_at", "op": "after", "value": "2025-01-01T10:00:00+02:00"},
        {"field": "newsletter_consent", "op": "exists", "value": True},
    ],
    ids=["organisation-id", "text-contains-on-codes", "datetime-value", "exists-on-a-bool"],
)
def test_a_rule_the_builder_cannot_show_is_left_to_the_json_editor(rule: dict[str, Any]) -> None:
    assert state_of_rule({"all": [rule]}) is None


def test_a_changed_field_starts_again_with_its_first_operator_and_no_values() -> None:
    form = {
        "root.kind": ["all"],
        "n.0.field": ["topics"],
        "n.0.was": ["region"],
        "n.0.op": ["is"],
        "n.0.value": ["01"],
    }
    assert state_of_form(form) == Group("all", [Condition("topics", "includes")])


def test_unknown_fields_kinds_and_orphans_are_dropped() -> None:
    form = {
        "root.kind": ["sometimes"],
        "n.0.field": ["shoe_size"],
        "n.1.field": ["language"],
        "n.1.op": ["is"],
        "n.1.value": ["fi", "sv"],  # "is" takes one value
        "n.5.3.field": ["region"],  # its group was not posted
    }
    assert state_of_form(form) == Group("all", [Condition(), Condition("language", "is", ("fi",))])


def test_buttons_add_and_remove_conditions_and_groups() -> None:
    state = Group("all", [Condition("language", "is", ("fi",))])
    assert apply_action(state, "group:")
    assert apply_action(state, "add:1")
    assert state.items[1] == Group("all", [Condition(), Condition()])
    assert apply_action(state, "remove:1.0")
    assert apply_action(state, "remove:0")
    assert state == Group("all", [Group("all", [Condition()])])
    assert not apply_action(state, "count")
    assert apply_action(state, "remove:7.7")  # nothing there: nothing happens
    assert state == Group("all", [Group("all", [Condition()])])


@pytest.mark.parametrize(
    ("cond", "message"),
    [
        (Condition(), "Choose a field."),
        (Condition("region", "is"), "Choose a value."),
        (Condition("topics", "includes_any"), "Choose at least one value."),
        (Condition("last_engaged_on", "within", ("soon",)), "Give the number of days"),
        (Condition("created_at", "after"), "Choose a date."),
    ],
    ids=["no-field", "no-value", "no-values", "days-not-a-number", "no-date"],
)
def test_an_unfinished_condition_is_named_by_its_place(cond: Condition, message: str) -> None:
    with pytest.raises(BuilderError) as caught:
        rule_of(Group("all", [Condition("language", "is", ("fi",)), Group("any", [cond])]))
    assert caught.value.node == "1.0"
    assert caught.value.message.startswith(message)


def test_rule_paths_lead_back_to_the_builder_parts() -> None:
    _rule, places = rule_of(NESTED)
    assert places["/any/0"] == "0"
    assert places["/any/2/not/any/1"] == "2.1"
    assert places["/any/3/not"] == "3"


def test_every_fixed_vocabulary_has_a_label_for_each_stored_value() -> None:
    assert set(VALUE_LABELS["organisation_type"]) == set(ORGANISATION_TYPES)
    assert set(VALUE_LABELS["ecosystem_role"]) == set(ECOSYSTEM_ROLES)
    assert set(VALUE_LABELS["membership_state"]) == {"none", *get_args(MembershipState)}
    assert set(VALUE_LABELS["onboarding_state"]) == set(get_args(OnboardingState))
    assert set(VALUE_LABELS["subscription_state"]) == set(get_args(SubscriptionState))
    assert set(VALUE_LABELS["email_status"]) == set(get_args(EmailStatus))
    assert set(VALUE_LABELS["language"]) == set(get_args(Language))


def test_every_label_the_builder_shows_has_its_finnish_translation() -> None:
    from contacts.rendering import HERE
    from contacts.segments.fields import GROUP_KINDS

    from shared.i18n import SHARED_LOCALE, translator

    _ = translator([HERE / "locale", SHARED_LOCALE], "fi")
    labels = {f.label for f in BUILDER_FIELDS.values()} | set(GROUP_KINDS.values())
    labels |= {o.label for ops in OPERATORS.values() for o in ops.values()}
    labels |= {label for values in VALUE_LABELS.values() for label in values.values()}
    labels |= {"and", "or", "not", "everyone", "nobody", "Choose a field.", "Choose a value."}
    labels |= {"Choose at least one value.", "Choose a date."}
    labels |= {"Give the number of days as a whole number."}
    assert sorted(label for label in labels if _(label) == label) == []
    assert "N" in _("within the last N days").split()
