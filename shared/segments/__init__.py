"""Segments: the JSON rule language and its Python evaluator, plain Python.

The SQL compiler (`shared.segments.compiler`: `compile_rule`, `count_matching`) and the segment
replica (`shared.segments.replica`) need SQLAlchemy, so only persistence code imports them and
this package does not: a domain may use rules without reaching a database library.
See docs/segments.md for the language and its NULL semantics.
"""

from __future__ import annotations

from shared.segments.evaluate import count_in, evaluate
from shared.segments.rules import (
    FIELDS,
    OPERATORS,
    All,
    AnyOf,
    Condition,
    Not,
    Rule,
    RuleError,
    RuleLike,
    parse_rule,
)

__all__ = [
    "FIELDS",
    "OPERATORS",
    "All",
    "AnyOf",
    "Condition",
    "Not",
    "Rule",
    "RuleError",
    "RuleLike",
    "count_in",
    "evaluate",
    "parse_rule",
]
