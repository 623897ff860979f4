"""Known values of the fields with a vocabulary, and the check that refuses unknown ones.

A rule saying `region eq "Uusimaa"` is valid in the rule language but matches nobody, since
regions are stored as codes ("01"). `check_values` refuses such a value with its JSON pointer
and, for a near miss (a name instead of a code, another case, a typo), the code meant:
"did you mean Uusimaa (01)?". Plain Python: the service feeds the vocabularies in.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from contacts.classification import fold
from contacts.segments.fields import BUILDER_FIELDS, GROUP_KINDS, operators_of
from shared.segments.rules import RuleError

CHECKED_OPS = ("eq", "in")  # and `contains` on lists: the operators that compare whole values


@dataclass(frozen=True)
class Terms:
    """A field's known values: code -> name shown to staff, and other names (aliases)."""

    names: Mapping[str, str]
    aliases: Mapping[str, str] = field(default_factory=dict)  # any name -> code

    def name(self, code: str) -> str:
        return self.names.get(code, code)

    def options(self) -> list[tuple[str, str]]:
        """(code, name) sorted by name, for a picker."""
        return sorted(self.names.items(), key=lambda item: (fold(item[1]), item[0]))

    def suggestion(self, value: str) -> str | None:
        """The code a near miss meant, if one is close enough."""
        wanted = fold(value)
        candidates: dict[str, str] = {}
        for code, name in self.names.items():
            candidates.setdefault(fold(name), code)
            candidates.setdefault(fold(code), code)
        for alias, code in self.aliases.items():
            candidates.setdefault(fold(alias), code)
        if wanted in candidates:
            return candidates[wanted]
        close = difflib.get_close_matches(wanted, list(candidates), n=1, cutoff=0.75)
        return candidates[close[0]] if close else None


def terms(names: Iterable[tuple[str, str]], aliases: Iterable[tuple[str, str]] = ()) -> Terms:
    return Terms(dict(names), {alias: code for alias, code in aliases})


Vocabulary = Mapping[str, Terms]  # field -> its terms


def _pointer(path: str, key: str | int) -> str:
    return f"{path}/{str(key).replace('~', '~0').replace('/', '~1')}"


def check_values(rule: Any, vocabulary: Vocabulary) -> None:
    """RuleError(message, path) for the first value a known vocabulary lacks.

    `rule` must already have passed `parse_rule` (its shape is trusted here).
    """
    _check(rule, vocabulary, "")


def _check(rule: Any, vocabulary: Vocabulary, path: str) -> None:
    if not isinstance(rule, Mapping):
        return
    for key in ("all", "any"):
        if isinstance(rule.get(key), list):
            for i, item in enumerate(rule[key]):
                _check(item, vocabulary, _pointer(_pointer(path, key), i))
            return
    if "not" in rule:
        _check(rule["not"], vocabulary, _pointer(path, "not"))
        return
    found = vocabulary.get(str(rule.get("field")))
    op = rule.get("op")
    if found is None or not (op in CHECKED_OPS or (op == "contains" and rule["field"] in LISTS)):
        return
    value = rule.get("value")
    at = _pointer(path, "value")
    values = [(_pointer(at, i), v) for i, v in enumerate(value)] if isinstance(value, list) else []
    for where, item in values or [(at, value)]:
        if isinstance(item, str) and item not in found.names:
            raise RuleError(_unknown(str(rule["field"]), item, found), where)


LISTS = ("topics", "tags", "weak_areas", "registered_series")
_DAYS = re.compile(r"\bN\b")  # where the number of days goes in "within the last N days"


def _unknown(field_key: str, value: str, found: Terms) -> str:
    message = f"unknown {field_key.replace('_', ' ')} {value!r}"
    code = found.suggestion(value)
    if code is None:
        return message
    name = found.name(code)
    meant = name if name == code else f"{name} ({code})"
    return f"{message}: did you mean {meant}?"


# --- the rule as a sentence with names ---------------------------------------------------


def describe(
    rule: Any, vocabulary: Vocabulary, translate: Callable[[str], str] = lambda s: s
) -> str:
    """The rule in words with names, e.g. "Region is Uusimaa and Topics includes Webinars"."""
    return _sentence(rule, vocabulary, translate, top=True)


def _sentence(rule: Any, vocab: Vocabulary, _: Callable[[str], str], *, top: bool) -> str:
    if not isinstance(rule, Mapping):
        return "?"
    if "not" in rule:
        return _negation(rule["not"], vocab, _)
    for key, joiner in (("all", "and"), ("any", "or")):
        if isinstance(rule.get(key), list):
            parts = [_sentence(r, vocab, _, top=False) for r in rule[key]]
            if not parts:
                return _("everyone") if key == "all" else _("nobody")
            text = f" {_(joiner)} ".join(parts)
            return text if top or len(parts) == 1 else f"({text})"
    return _condition_sentence(rule, vocab, _, negate=False) or "?"


def _negation(inner: Any, vocab: Vocabulary, _: Callable[[str], str]) -> str:
    cond = _condition_sentence(inner, vocab, _, negate=True)
    if cond is not None:
        return cond
    if isinstance(inner, Mapping) and set(inner) == {"any"}:
        return f"{_(GROUP_KINDS['not_any'])}: ({_sentence(inner, vocab, _, top=True)})"
    return f"{_('not')} ({_sentence(inner, vocab, _, top=True)})"


def _condition_sentence(
    rule: Any, vocab: Vocabulary, _: Callable[[str], str], *, negate: bool
) -> str | None:
    if not isinstance(rule, Mapping) or "field" not in rule:
        return None
    field_key, op, value = str(rule.get("field")), rule.get("op"), rule.get("value")
    builder_field = BUILDER_FIELDS.get(field_key)
    label = _(builder_field.label) if builder_field else field_key
    for operator in operators_of(field_key).values():
        if operator.op != op or operator.negate != negate:
            continue
        if operator.value == "none" and value is not operator.fixed:
            continue
        words = _(operator.label)
        if operator.value == "none":
            return f"{label} {words}"
        if operator.value == "days":
            return f"{label} {_DAYS.sub(str(value), words, count=1)}"
        return f"{label} {words} {_names(field_key, value, vocab)}"
    if negate:
        return None
    return f"{label} {op} {_names(field_key, value, vocab)}"


def _names(field_key: str, value: Any, vocab: Vocabulary) -> str:
    found = vocab.get(field_key)
    items = value if isinstance(value, list) else [value]
    shown = [found.name(str(v)) if found else str(v) for v in items]
    return ", ".join(shown)
