"""The builder's catalogue: the fields staff choose by name and the operators in words.

Labels are English source strings; pages translate them. Each builder operator is a rule
operator of `shared/segments`, maybe negated (`{"not": condition}`), with the kind of value
its picker takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from shared.segments.rules import FIELDS, FieldType

ValueKind = Literal["one", "many", "text", "date", "days", "none"]
GroupKind = Literal["all", "any", "not_all", "not_any"]
GROUP_KINDS: dict[str, str] = {
    "all": "all of these",
    "any": "any of these",
    "not_any": "none of these",
    "not_all": "not all of these",
}
ROOT_KINDS = ("all", "any")
MAX_NODES = 60  # conditions and groups a form may hold
MAX_LEVELS = 4  # nesting of groups in the builder (the JSON editor allows more)


@dataclass(frozen=True)
class Operator:
    """An operator in words: a rule operator, maybe negated, and what kind of value it takes."""

    key: str
    label: str
    op: str
    value: ValueKind
    negate: bool = False
    fixed: bool | None = None  # the value of exists and of a yes/no condition


def _ops(*ops: Operator) -> dict[str, Operator]:
    return {o.key: o for o in ops}


KNOWN = Operator("known", "is known", "exists", "none", fixed=True)
UNKNOWN = Operator("unknown", "is not known", "exists", "none", fixed=False)
WITHIN = Operator("within", "within the last N days", "within_days", "days")
NOT_WITHIN = Operator("not_within", "not within the last N days", "within_days", "days", True)
BEFORE = Operator("before", "before", "before", "date")
AFTER = Operator("after", "after", "after", "date")

OPERATORS: dict[str, dict[str, Operator]] = {
    "choice": _ops(
        Operator("is", "is", "eq", "one"),
        Operator("is_not", "is not", "eq", "one", True),
        Operator("one_of", "is one of", "in", "many"),
        Operator("none_of", "is none of", "in", "many", True),
        KNOWN,
        UNKNOWN,
    ),
    "text": _ops(
        Operator("is", "is", "eq", "text"),
        Operator("contains", "contains", "contains", "text"),
        Operator("not_contains", "does not contain", "contains", "text", True),
        KNOWN,
        UNKNOWN,
    ),
    "list": _ops(
        Operator("includes", "includes", "contains", "one"),
        Operator("not_includes", "does not include", "contains", "one", True),
        Operator("includes_any", "includes any of", "in", "many"),
        Operator("includes_none", "includes none of", "in", "many", True),
        Operator("any_set", "has some", "exists", "none", fixed=True),
        Operator("none_set", "has none", "exists", "none", fixed=False),
    ),
    # Self-assessed weak areas: a list, in words that read "Self-assessed weak in <area>".
    "weak": _ops(
        Operator("includes", "in", "contains", "one"),
        Operator("not_includes", "not in", "contains", "one", True),
        Operator("includes_any", "in any of", "in", "many"),
        Operator("includes_none", "in none of", "in", "many", True),
        Operator("any_set", "in some area", "exists", "none", fixed=True),
        Operator("none_set", "in no area", "exists", "none", fixed=False),
    ),
    "yesno": _ops(
        Operator("yes", "is yes", "eq", "none", fixed=True),
        Operator("no", "is no", "eq", "none", fixed=False),
    ),
    "date": _ops(
        Operator("on", "is on", "eq", "date"),
        BEFORE,
        AFTER,
        WITHIN,
        NOT_WITHIN,
        KNOWN,
        UNKNOWN,
    ),
    "datetime": _ops(BEFORE, AFTER, WITHIN, NOT_WITHIN, KNOWN, UNKNOWN),
}


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    ops: str  # a key of OPERATORS


# The fields the builder offers, in the order staff see them (English source labels).
BUILDER_FIELDS: dict[str, Field] = {
    f.key: f
    for f in (
        Field("region", "Region", "choice"),
        Field("municipality", "Municipality", "choice"),
        Field("organisation_type", "Organisation type", "choice"),
        Field("organisation_name", "Organisation name", "text"),
        Field("topics", "Topics", "list"),
        Field("tags", "Tags", "list"),
        Field("weak_areas", "Self-assessed weak", "weak"),
        Field("language", "Language", "choice"),
        Field("membership_state", "Membership", "choice"),
        Field("ecosystem_role", "Ecosystem role", "choice"),
        Field("onboarding_state", "Facebook group", "choice"),
        Field("subscription_state", "Subscription", "choice"),
        Field("email_status", "Email status", "choice"),
        Field("newsletter_consent", "Newsletter consent", "yesno"),
        Field("survey_consent", "Survey consent", "yesno"),
        Field("last_engaged_on", "Last engagement", "date"),
        Field("last_attended_on", "Last attended an event", "date"),
        Field("registered_series", "Registered for an event series", "list"),
        Field("created_at", "Created", "datetime"),
        Field("confirmed_at", "Confirmed", "datetime"),
        Field("email", "Email address", "text"),
        Field("first_name", "First name", "text"),
        Field("last_name", "Last name", "text"),
    )
}
_TYPES: dict[str, tuple[FieldType, ...]] = {
    "choice": ("text",),
    "text": ("text",),
    "list": ("array",),
    "weak": ("array",),
    "yesno": ("bool",),
    "date": ("date",),
    "datetime": ("datetime",),
}
assert all(FIELDS[f.key] in _TYPES[f.ops] for f in BUILDER_FIELDS.values())


def operators_of(field_key: str) -> dict[str, Operator]:
    found = BUILDER_FIELDS.get(field_key)
    return OPERATORS[found.ops] if found else {}


# English source labels of the values of fields with a fixed vocabulary (pages translate them).
VALUE_LABELS: dict[str, dict[str, str]] = {
    "organisation_type": {
        "library": "Library",
        "service_point": "Service point",
        "authority": "Authority",
        "ngo": "NGO or association",
        "municipality": "Municipality",
        "wellbeing_county": "Wellbeing services county",
        "citizen_advice": "Citizen advice",
        "education": "Education",
        "company": "Company",
        "project": "Project",
        "other": "Other",
    },
    "language": {"fi": "Finnish", "sv": "Swedish", "en": "English"},
    "membership_state": {
        "none": "Not a member",
        "pending": "Applied",
        "active": "Member",
        "paused": "Paused",
        "left": "Left",
        "declined": "Declined",
    },
    "ecosystem_role": {
        "provider_developer": "Service provider or developer",
        "influencer_funder": "Influencer or funder",
        "national_developer": "National developer",
    },
    "onboarding_state": {
        "not_invited": "Not invited",
        "invited": "Invited",
        "requested": "Asked to join",
        "approved": "In the group",
        "declined": "Declined",
        "left": "Left the group",
    },
    "subscription_state": {
        "pending": "Not confirmed",
        "subscribed": "Subscriber",
        "unsubscribed": "Unsubscribed",
    },
    "email_status": {
        "ok": "Mail delivered",
        "bounced": "Mail bounced",
        "complained": "Marked mail as spam",
    },
}
