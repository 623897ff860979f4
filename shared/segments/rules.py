"""The segment rule language: its typed model and the validation staff see in the editor.

A rule is JSON: `{"all": [rule, ...]}`, `{"any": [rule, ...]}`, `{"not": rule}` or a field
condition `{"field": "region", "op": "eq", "value": "01"}`. `parse_rule` turns it into the
frozen dataclasses below or raises `RuleError(message, path)`, where `path` is a JSON pointer
("" is the whole rule, "/all/2/value" the value of the third condition).

Dates on datetime fields are days in `TIMEZONE` (the programme works in Finnish time).
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any, Literal, TypeAlias
from zoneinfo import ZoneInfo

TIMEZONE = ZoneInfo("Europe/Helsinki")
MAX_DEPTH, MAX_CONDITIONS, MAX_LIST_ITEMS, MAX_TEXT, MAX_DAYS = 10, 200, 500, 500, 36_500
EARLIEST, LATEST = date(1900, 1, 1), date(2999, 12, 31)

FieldType = Literal["text", "bool", "array", "date", "datetime", "uuid"]
Op = Literal["eq", "in", "contains", "exists", "before", "after", "within_days"]

# The fields a rule may name: contact_snapshot columns, each with its type.
_TEXT_FIELDS = """language organisation_type region municipality subscription_state membership_state
ecosystem_role onboarding_state email_status email first_name last_name organisation_name"""
FIELDS: dict[str, FieldType] = {
    **dict.fromkeys(_TEXT_FIELDS.split(), "text"),
    "topics": "array",
    "tags": "array",
    "weak_areas": "array",  # self-assessed weak in: area keys of the latest result
    "registered_series": "array",
    "newsletter_consent": "bool",
    "survey_consent": "bool",
    "last_engaged_on": "date",
    "last_attended_on": "date",
    "confirmed_at": "datetime",
    "created_at": "datetime",
    "organisation_id": "uuid",
}

OPERATORS: dict[FieldType, tuple[Op, ...]] = {
    "text": ("eq", "in", "contains", "exists"),
    "bool": ("eq", "exists"),
    "array": ("contains", "in", "exists"),
    "date": ("eq", "before", "after", "within_days", "exists"),
    "datetime": ("before", "after", "within_days", "exists"),
    "uuid": ("eq", "in", "exists"),
}

Value: TypeAlias = str | bool | int | date | datetime | uuid.UUID | tuple[str | uuid.UUID, ...]


class RuleError(ValueError):
    """A rule that cannot be used; `path` points at the bad part (JSON pointer)."""

    def __init__(self, message: str, path: str = "") -> None:
        super().__init__(f"{path or '/'}: {message}")
        self.message = message
        self.path = path


@dataclass(frozen=True, slots=True)
class Condition:
    field: str
    type: FieldType
    op: Op
    value: Value


@dataclass(frozen=True, slots=True)
class All:
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class AnyOf:
    rules: tuple[Rule, ...]


@dataclass(frozen=True, slots=True)
class Not:
    rule: Rule


Rule: TypeAlias = All | AnyOf | Not | Condition
RuleLike: TypeAlias = Rule | Mapping[str, Any]


def as_rule(rule: RuleLike) -> Rule:
    """A parsed rule as is; JSON validated by `parse_rule`."""
    if isinstance(rule, All | AnyOf | Not | Condition):
        return rule
    return parse_rule(rule)


def parse_rule(raw: object) -> Rule:
    """Validate JSON (already decoded) and return the rule model, or raise RuleError."""
    return _Parser().node(raw, "", 1)


def _ptr(path: str, key: str | int) -> str:
    return f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"


class _Parser:
    def __init__(self) -> None:
        self.conditions = 0

    def node(self, raw: object, path: str, depth: int) -> Rule:
        if depth > MAX_DEPTH:
            raise RuleError(f"rules may be nested at most {MAX_DEPTH} levels deep", path)
        if not isinstance(raw, Mapping):
            raise RuleError("a rule must be an object", path)
        keys = set(raw)
        if keys in ({"all"}, {"any"}):
            (key,) = keys
            items = raw[key]
            if not isinstance(items, list):
                raise RuleError(f'"{key}" takes a list of rules', _ptr(path, key))
            rules = tuple(
                self.node(item, _ptr(_ptr(path, key), i), depth + 1) for i, item in enumerate(items)
            )
            return All(rules) if key == "all" else AnyOf(rules)
        if keys == {"not"}:
            return Not(self.node(raw["not"], _ptr(path, "not"), depth + 1))
        if "field" in keys or "op" in keys:
            return self.condition(raw, path)
        raise RuleError('expected one of "all", "any", "not", or a field condition', path)

    def condition(self, raw: Mapping[str, Any], path: str) -> Condition:
        extra = sorted(str(k) for k in set(raw) - {"field", "op", "value"})
        if extra:
            raise RuleError(f'unknown key "{extra[0]}" in a condition', _ptr(path, extra[0]))
        for key in ("field", "op", "value"):
            if key not in raw:
                raise RuleError(f'a condition needs "{key}"', path)
        self.conditions += 1
        if self.conditions > MAX_CONDITIONS:
            raise RuleError(f"a rule may have at most {MAX_CONDITIONS} conditions", path)
        field, op = raw["field"], raw["op"]
        if not isinstance(field, str) or field not in FIELDS:
            raise RuleError(f"unknown field {field!r}", _ptr(path, "field"))
        kind = FIELDS[field]
        if op not in OPERATORS[kind]:
            allowed = ", ".join(OPERATORS[kind])
            raise RuleError(f"{field} ({kind}) takes the operators {allowed}", _ptr(path, "op"))
        value = _value(kind, op, raw["value"], _ptr(path, "value"))
        return Condition(field, kind, op, value)


_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")


def _value(kind: FieldType, op: Op, raw: object, path: str) -> Value:  # noqa: PLR0911
    if op == "exists":
        return _bool(raw, path)
    if op == "within_days":
        if isinstance(raw, bool) or not isinstance(raw, int) or not 0 <= raw <= MAX_DAYS:
            raise RuleError(f"expected a whole number of days from 0 to {MAX_DAYS}", path)
        return raw
    if op in ("before", "after"):
        return _when(raw, path, datetimes=kind == "datetime")
    if op == "in":
        if not isinstance(raw, list) or not raw or len(raw) > MAX_LIST_ITEMS:
            raise RuleError(f"expected a list of 1 to {MAX_LIST_ITEMS} values", path)
        item = _uuid if kind == "uuid" else _text
        return tuple(dict.fromkeys(item(v, _ptr(path, i)) for i, v in enumerate(raw)))
    if kind == "bool":
        return _bool(raw, path)
    if kind == "uuid":
        return _uuid(raw, path)
    if kind == "date":
        return _when(raw, path, datetimes=False)
    text = _text(raw, path)
    if op == "contains" and not text:
        raise RuleError("expected a non-empty text", path)
    return text


def _bool(raw: object, path: str) -> bool:
    if not isinstance(raw, bool):
        raise RuleError("expected true or false", path)
    return raw


def _text(raw: object, path: str) -> str:
    if not isinstance(raw, str) or len(raw) > MAX_TEXT or "\x00" in raw:
        raise RuleError(f"expected a text of at most {MAX_TEXT} characters", path)
    return raw


def _uuid(raw: object, path: str) -> uuid.UUID:
    if isinstance(raw, str):
        try:
            return uuid.UUID(raw)
        except ValueError:
            pass
    raise RuleError("expected an id (UUID)", path)


def _when(raw: object, path: str, *, datetimes: bool) -> date | datetime:
    expected = "an ISO date (2025-03-31)" + (" or a datetime with a time zone" if datetimes else "")
    if isinstance(raw, str):
        try:
            if _DATE.fullmatch(raw):
                day = date.fromisoformat(raw)
                if EARLIEST <= day <= LATEST:
                    return day
            elif datetimes:
                moment = datetime.fromisoformat(raw)
                if moment.tzinfo is not None and EARLIEST.year <= moment.year <= LATEST.year:
                    return moment
        except ValueError:
            pass
    raise RuleError(f"expected {expected}", path)


@dataclass(frozen=True, slots=True)
class Range:
    """An interval for before/after/within_days; a None end is open."""

    lower: date | datetime | None = None
    lower_inclusive: bool = False
    upper: date | datetime | None = None
    upper_inclusive: bool = False


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), TIMEZONE)


def check_now(now: datetime) -> None:
    if now.tzinfo is None:
        raise ValueError("now must be a timezone-aware datetime")


def time_range(cond: Condition, now: datetime) -> Range:
    """The interval a before/after/within_days condition accepts (shared by SQL and Python)."""
    value, on_datetime = cond.value, cond.type == "datetime"
    if cond.op == "within_days":
        assert isinstance(value, int)
        if on_datetime:
            return Range(now - timedelta(days=value), True, now, True)
        today = now.astimezone(TIMEZONE).date()
        return Range(today - timedelta(days=value), True, today, True)
    assert isinstance(value, date)
    if not on_datetime or isinstance(value, datetime):
        return Range(upper=value) if cond.op == "before" else Range(lower=value)
    if cond.op == "before":  # a day on a datetime field: before it starts / after it ends
        return Range(upper=day_start(value))
    return Range(lower=day_start(value + timedelta(days=1)), lower_inclusive=True)
