"""Reading the segment page's post: the builder's state or the edited JSON, the buttons that
only edit, and where a refusal of the rule belongs (plain helpers of `views.py`)."""

from __future__ import annotations

import json
from typing import Any

from contacts.segments.builder import (
    BuilderError,
    Condition,
    Group,
    apply_action,
    rule_of,
    state_of_form,
    state_of_rule,
)
from shared.segments import RuleError

MAX_RULE_CHARS = 20_000


def shape(state: Group | None, node_errors: dict[str, str]) -> str:
    """What the builder's controls depend on; the script swaps the builder when it changes."""
    parts: list[str] = []

    def walk(group: Group, prefix: str) -> None:
        for i, item in enumerate(group.items):
            name = f"{prefix}{i}"
            if isinstance(item, Group):
                parts.append(f"{name}:group")
                walk(item, f"{name}.")
            else:
                parts.append(f"{name}:{item.field}:{item.op}")

    if state is not None:
        walk(state, "")
    parts.extend(f"!{k}" for k in sorted(node_errors))
    return "|".join(parts) or "-"


def json_text(rule: Any) -> str:
    return json.dumps(rule, indent=2, ensure_ascii=False)


def decode_rule(text: str) -> Any:
    if len(text) > MAX_RULE_CHARS:
        raise RuleError(f"the rule is longer than {MAX_RULE_CHARS} characters")
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise RuleError(f"not valid JSON (line {exc.lineno}, column {exc.colno})") from exc


def json_edited(text: str, shown: str) -> bool:
    if text.strip() == shown.strip():
        return False
    try:
        return bool(json.loads(text) != json.loads(shown))
    except json.JSONDecodeError:
        return True


def node_of(path: str, places: dict[str, str]) -> str | None:
    """The builder part a rule path (JSON pointer) points into, if it came from the builder."""
    best = max((p for p in places if path == p or path.startswith(p + "/")), key=len, default=None)
    return places[best] if best is not None else None


class Built:
    """What a post asks for: the builder state, the rule (None while only editing) and which
    builder part each rule path came from."""

    def __init__(self, state: Group | None, rule: Any = None, places: Any = None) -> None:
        self.state, self.rule, self.places = state, rule, places or {}


def built_of(posted: dict[str, list[str]], form: dict[str, str], action: str) -> Built:
    """Read the post: the JSON wins when staff edited it, else the builder; apply "Add" and
    "Remove". Raises BuilderError or RuleError; keeps `form`'s JSON in step."""
    if form["mode"] == "json" or json_edited(form["rule"], form["rule_shown"]):
        rule = decode_rule(form["rule"])
        state = state_of_rule(rule)
        form["mode"] = "builder" if state is not None else "json"
        built = Built(state, rule)
        if state is not None and apply_action(state, action):
            built = Built(state, *rule_of(state))
    else:
        state = state_of_form(posted)
        if apply_action(state, action):
            form["rule"] = form["rule_shown"] = json_text(safe_rule(state))
            return Built(state)
        try:
            built = Built(state, *rule_of(state))
        except BuilderError:
            form["rule"] = form["rule_shown"] = json_text(safe_rule(state))
            raise
    form["rule"] = form["rule_shown"] = json_text(built.rule)
    return built


def safe_rule(state: Group) -> Any:
    """The rule of a state still being built (its unfinished conditions left out)."""

    def finished(group: Group) -> Group:
        items: list[Condition | Group] = []
        for item in group.items:
            if isinstance(item, Group):
                items.append(finished(item))
            else:
                try:
                    rule_of(Group(items=[item]))
                    items.append(item)
                except BuilderError:
                    pass
        return Group(group.kind, items)

    return rule_of(finished(state))[0]
