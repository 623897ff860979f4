"""Segment rules compiled to SQLAlchemy boolean expressions over `contact_snapshot`.

NULL semantics (the Python evaluator in `evaluate.py` agrees): a condition on a missing value
(NULL) is false, never unknown, and `not` is plain two-valued negation. So
`{"not": {"field": "region", "op": "eq", "value": "01"}}` includes people whose region is NULL.
Every condition compiles to `col IS NOT NULL AND <test>`, which is false (not NULL) when the
column is NULL and keeps the column's index usable; `exists` is the only operator that looks
at NULL itself. Erased rows are always excluded, whatever the rule.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    ColumnElement,
    Table,
    and_,
    false,
    func,
    not_,
    or_,
    select,
    true,
)
from sqlalchemy.ext.asyncio import AsyncConnection

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


def compile_rule(rule: RuleLike, table: Table, now: datetime) -> ColumnElement[bool]:
    """The WHERE clause of everyone the rule selects among non-erased rows of `table`.

    `rule` is JSON (validated here, RuleError if bad) or an already parsed rule; `now`
    (timezone-aware) anchors `within_days`.
    """
    check_now(now)
    return and_(table.c.erased.is_(False), _compile(as_rule(rule), table, now))


async def count_matching(conn: AsyncConnection, table: Table, rule: RuleLike, now: datetime) -> int:
    """How many non-erased people of `table` the rule selects."""
    stmt = select(func.count()).select_from(table).where(compile_rule(rule, table, now))
    return int((await conn.execute(stmt)).scalar_one())


def _compile(rule: Rule, table: Table, now: datetime) -> ColumnElement[bool]:
    match rule:
        case All(rules=rules):
            return and_(true(), *(_compile(r, table, now) for r in rules))
        case AnyOf(rules=rules):
            return or_(false(), *(_compile(r, table, now) for r in rules))
        case Not(rule=inner):
            return not_(_compile(inner, table, now))
        case Condition():
            return _condition(rule, table, now)
    raise TypeError(f"not a rule: {rule!r}")  # pragma: no cover


def _condition(cond: Condition, table: Table, now: datetime) -> ColumnElement[bool]:  # noqa: PLR0911
    col: Any = table.c[cond.field]
    present: ColumnElement[bool] = col.is_not(None)
    value: Any = cond.value
    match cond.op:
        case "exists":
            found = present
            if cond.type == "text":
                found = and_(present, col != "")
            elif cond.type == "array":
                found = and_(present, func.cardinality(col) > 0)
            return found if value else not_(found)
        case "eq" if cond.type == "bool":
            return col.is_(value)  # type: ignore[no-any-return]
        case "eq":
            return and_(present, col == value)
        case "in" if cond.type == "array":
            return and_(present, col.overlap(list(value)))
        case "in":
            return and_(present, col.in_(list(value)))
        case "contains" if cond.type == "array":
            return and_(present, col.contains([value]))
        case "contains":
            return and_(present, col.icontains(value, autoescape=True))
    bounds = time_range(cond, now)
    tests = [present]
    if bounds.lower is not None:
        tests.append(col >= bounds.lower if bounds.lower_inclusive else col > bounds.lower)
    if bounds.upper is not None:
        tests.append(col <= bounds.upper if bounds.upper_inclusive else col < bounds.upper)
    return and_(*tests)
