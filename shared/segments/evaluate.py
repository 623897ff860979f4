"""The same rules evaluated in Python over one row (a dict of contact_snapshot columns).

Used as the oracle of the compiler's tests and for previews. NULL semantics as in SQL (see
`compiler.py`): a condition on a missing value (None) is false and `not` negates plainly;
erased rows never match. Datetimes in rows must be timezone-aware, as the database returns
them. Text `contains` lowercases with `str.lower`, PostgreSQL with `lower()` under the
database's (UTF-8) locale: they agree on the Finnish, Swedish and English alphabets.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any

from shared.segments.rules import (
    All,
    AnyOf,
    Condition,
    Not,
    Rule,
    RuleLike,
    as_rule,
    check_now,
    time_range,
)


def evaluate(rule: RuleLike, row: Mapping[str, Any], now: datetime) -> bool:
    """Whether the rule selects this person (never when the row is erased)."""
    check_now(now)
    if row.get("erased"):
        return False
    return _evaluate(as_rule(rule), row, now)


def count_in(rule: RuleLike, rows: Iterable[Mapping[str, Any]], now: datetime) -> int:
    """How many of the rows the rule selects."""
    parsed = as_rule(rule)
    return sum(1 for row in rows if evaluate(parsed, row, now))


def _evaluate(rule: Rule, row: Mapping[str, Any], now: datetime) -> bool:
    match rule:
        case All(rules=rules):
            return all(_evaluate(r, row, now) for r in rules)
        case AnyOf(rules=rules):
            return any(_evaluate(r, row, now) for r in rules)
        case Not(rule=inner):
            return not _evaluate(inner, row, now)
        case Condition():
            return _condition(rule, row.get(rule.field), now)
    raise TypeError(f"not a rule: {rule!r}")  # pragma: no cover


def _condition(cond: Condition, actual: Any, now: datetime) -> bool:  # noqa: PLR0911
    value: Any = cond.value
    if cond.op == "exists":
        found = actual is not None
        if cond.type in ("text", "array"):
            found = found and len(actual) > 0
        return found is value
    if actual is None:
        return False
    match cond.op:
        case "eq":
            return bool(actual == value)
        case "in" if cond.type == "array":
            return not set(actual).isdisjoint(value)
        case "in":
            return bool(actual in value)
        case "contains" if cond.type == "array":
            return bool(value in actual)
        case "contains":
            return str(value).lower() in str(actual).lower()
    bounds = time_range(cond, now)
    if bounds.lower is not None and (
        actual < bounds.lower or (actual == bounds.lower and not bounds.lower_inclusive)
    ):
        return False
    return bounds.upper is None or not (
        actual > bounds.upper or (actual == bounds.upper and not bounds.upper_inclusive)
    )
