"""Segments: the JSON rule language, compiled to SQLAlchemy and evaluated in Python.

See docs/segments.md for the language and its NULL semantics.
"""

from __future__ import annotations

from shared.segments.compiler import compile_rule, count_matching
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
    "compile_rule",
    "count_in",
    "count_matching",
    "evaluate",
    "parse_rule",
]
