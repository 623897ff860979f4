"""The segment builder's form state and its conversion to and from the JSON rule (plain Python).

Staff build a rule by choosing a field by name, an operator in words and values from a picker;
the page posts the whole builder as flat form fields (`root.kind`, `n.0.field`, `n.0.op`,
`n.0.value` ..., `n.1.kind` for a nested group, `n.1.0.field` for its first condition), so it
works without JavaScript. `state_of_form` reads them, `rule_of` turns the state into the rule
the engine runs (`shared/segments`), `state_of_rule` goes back (None when the rule uses
something the builder cannot show, then only the JSON editor edits it).
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeAlias

from contacts.segments.fields import (
    BUILDER_FIELDS,
    GROUP_KINDS,
    MAX_LEVELS,
    MAX_NODES,
    ROOT_KINDS,
    Operator,
    operators_of,
)
from shared.segments.rules import MAX_DAYS


@dataclass
class Condition:
    field: str = ""
    op: str = ""
    values: tuple[str, ...] = ()

    @property
    def operator(self) -> Operator | None:
        return operators_of(self.field).get(self.op)


@dataclass
class Group:
    kind: str = "all"
    items: list[Node] = field(default_factory=list)


Node: TypeAlias = Condition | Group


class BuilderError(ValueError):
    """A condition the builder cannot turn into a rule; `node` is its path ("0", "1.2")."""

    def __init__(self, message: str, node: str) -> None:
        super().__init__(f"{node}: {message}")
        self.message = message
        self.node = node


# --- form fields -> state ----------------------------------------------------------------

_NODE_KEY = re.compile(rf"n\.(\d{{1,3}}(?:\.\d{{1,3}}){{0,{MAX_LEVELS - 1}}})\.(field|kind)")


def _first(form: Mapping[str, Sequence[str]], key: str) -> str:
    found = form.get(key) or [""]
    return found[0].strip()


def state_of_form(form: Mapping[str, Sequence[str]]) -> Group:
    """The builder as posted; unknown or misplaced parts are dropped, never guessed.

    A condition whose field changed (`was` differs) starts again with that field's first
    operator and no values, since the old ones belong to another field.
    """
    kind = _first(form, "root.kind")
    root = Group(kind=kind if kind in ROOT_KINDS else "all")
    nodes: dict[tuple[int, ...], tuple[str, str]] = {}
    for key in form:
        if m := _NODE_KEY.fullmatch(key):
            path = tuple(int(p) for p in m.group(1).split("."))
            nodes.setdefault(path, (m.group(1), m.group(2)))
    built: dict[tuple[int, ...], Group] = {(): root}
    for path in sorted(nodes)[:MAX_NODES]:
        name, role = nodes[path]
        parent = built.get(path[:-1])
        if parent is None:
            continue  # its group was not posted
        if role == "kind":
            kind = _first(form, f"n.{name}.kind")
            group = Group(kind=kind if kind in GROUP_KINDS else "all")
            parent.items.append(group)
            built[path] = group
        else:
            parent.items.append(_condition_of_form(form, name))
    return root


def _condition_of_form(form: Mapping[str, Sequence[str]], name: str) -> Condition:
    field_key = _first(form, f"n.{name}.field")
    if field_key not in BUILDER_FIELDS:
        return Condition()
    ops = operators_of(field_key)
    op = _first(form, f"n.{name}.op")
    was = form.get(f"n.{name}.was")
    if op not in ops or (was is not None and _first(form, f"n.{name}.was") != field_key):
        return Condition(field_key, next(iter(ops)))
    kind = ops[op].value
    raw = [v.strip() for v in form.get(f"n.{name}.value", []) if v.strip()]
    if kind == "none":
        raw = []
    elif kind != "many":
        raw = raw[:1]
    return Condition(field_key, op, tuple(dict.fromkeys(raw)))


def form_of_state(state: Group) -> dict[str, list[str]]:
    """The form fields that post this state back (the inverse of `state_of_form`)."""
    form: dict[str, list[str]] = {"root.kind": [state.kind]}

    def walk(group: Group, prefix: str) -> None:
        for i, item in enumerate(group.items):
            name = f"{prefix}{i}"
            if isinstance(item, Group):
                form[f"n.{name}.kind"] = [item.kind]
                walk(item, f"{name}.")
            else:
                form[f"n.{name}.field"] = [item.field]
                form[f"n.{name}.was"] = [item.field]
                form[f"n.{name}.op"] = [item.op]
                if item.values:
                    form[f"n.{name}.value"] = list(item.values)

    walk(state, "")
    return form


# --- editing actions (the buttons that work without JavaScript) ---------------------------


def node_at(state: Group, name: str) -> Node | None:
    node: Node = state
    for part in name.split(".") if name else []:
        if not isinstance(node, Group) or not part.isdigit() or int(part) >= len(node.items):
            return None
        node = node.items[int(part)]
    return node


def count_nodes(state: Group) -> int:
    return sum(1 + (count_nodes(i) if isinstance(i, Group) else 0) for i in state.items)


def apply_action(state: Group, action: str) -> bool:
    """Add a condition or group ("add:1", "group:", ...) or remove a part ("remove:1.0").

    Returns whether the action was one of these (so no count or save is wanted).
    """
    verb, _, name = action.partition(":")
    if verb not in ("add", "group", "remove"):
        return False
    target = node_at(state, name)
    if verb == "remove":
        parent = node_at(state, name.rpartition(".")[0]) if name else None
        if isinstance(parent, Group) and target is not None:
            parent.items.remove(target)
        return True
    depth = len(name.split(".")) if name else 0
    if isinstance(target, Group) and count_nodes(state) < MAX_NODES:
        if verb == "add":
            target.items.append(Condition())
        elif depth < MAX_LEVELS - 1:
            target.items.append(Group(items=[Condition()]))
    return True


# --- state -> rule ------------------------------------------------------------------------


def rule_of(state: Group) -> tuple[dict[str, Any], dict[str, str]]:
    """The JSON rule, and which builder part each rule path came from (to place errors)."""
    places: dict[str, str] = {}
    return _group_rule(state, "", "", places), places


def _group_rule(group: Group, name: str, pointer: str, places: dict[str, str]) -> dict[str, Any]:
    key = "any" if group.kind in ("any", "not_any") else "all"
    negate = group.kind.startswith("not_")
    inner = f"{pointer}/not" if negate else pointer
    rules = []
    for i, item in enumerate(group.items):
        child, at = f"{name}.{i}" if name else str(i), f"{inner}/{key}/{i}"
        if isinstance(item, Group):
            rules.append(_group_rule(item, child, at, places))
        else:
            rules.append(_condition_rule(item, child, at, places))
    rule: dict[str, Any] = {key: rules}
    return {"not": rule} if negate else rule


def _condition_rule(
    cond: Condition, name: str, pointer: str, places: dict[str, str]
) -> dict[str, Any]:
    operator = cond.operator
    if operator is None:
        raise BuilderError("Choose a field.", name)
    value: Any
    match operator.value:
        case "none":
            value = operator.fixed
        case "many":
            if not cond.values:
                raise BuilderError("Choose at least one value.", name)
            value = list(cond.values)
        case "days":
            raw = cond.values[0] if cond.values else ""
            if not raw.isdigit() or int(raw) > MAX_DAYS:
                raise BuilderError("Give the number of days as a whole number.", name)
            value = int(raw)
        case _:
            if not cond.values:
                raise BuilderError(
                    "Choose a date." if operator.value == "date" else "Choose a value.", name
                )
            value = cond.values[0]
    condition = {"field": cond.field, "op": operator.op, "value": value}
    places[f"{pointer}/not" if operator.negate else pointer] = name
    return {"not": condition} if operator.negate else condition


# --- rule -> state ------------------------------------------------------------------------


def state_of_rule(rule: Any) -> Group | None:
    """The builder state showing this rule, or None when the builder cannot show it.

    Not lossless in form: `{"not": condition}` becomes a negated operator where one exists,
    and a rule that is a single condition becomes a group "all" with it; the rule's meaning
    is kept exactly.
    """
    try:
        node = _node_of_rule(rule, 0)
    except _Unshowable:
        return None
    if isinstance(node, Group) and node.kind in ROOT_KINDS:
        return node
    return Group(items=[node])


class _Unshowable(Exception):
    pass


def _node_of_rule(rule: Any, depth: int) -> Node:
    if not isinstance(rule, Mapping) or depth >= MAX_LEVELS + 1:
        raise _Unshowable
    if set(rule) in ({"all"}, {"any"}) and isinstance(rule.get("all", rule.get("any")), list):
        key = "all" if "all" in rule else "any"
        return Group(key, [_node_of_rule(r, depth + 1) for r in rule[key]])
    if set(rule) == {"not"}:
        inner = rule["not"]
        if isinstance(inner, Mapping) and "field" in inner:
            cond = _condition_of_rule(inner, negate=True)
            if cond is not None:
                return cond
        node = _node_of_rule(inner, depth)
        if isinstance(node, Group) and node.kind in ROOT_KINDS:
            return Group(f"not_{node.kind}", node.items)
        return Group("not_all", [node])
    cond = _condition_of_rule(rule, negate=False)
    if cond is None:
        raise _Unshowable
    return cond


def _condition_of_rule(rule: Mapping[str, Any], *, negate: bool) -> Condition | None:
    if set(rule) != {"field", "op", "value"}:
        return None
    for operator in operators_of(str(rule["field"])).values():
        if operator.op == rule["op"] and operator.negate == negate:
            values = _values_of_rule(operator, rule["value"])
            if values is not None:
                return Condition(rule["field"], operator.key, values)
    return None


def _values_of_rule(operator: Operator, value: Any) -> tuple[str, ...] | None:
    """The picker's values showing a rule's value, or None if this operator cannot show it."""
    match operator.value:
        case "none":
            return () if value is operator.fixed else None
        case "many":
            ok = isinstance(value, list) and all(isinstance(v, str) for v in value)
            return tuple(value) if ok else None
        case "days":
            ok = isinstance(value, int) and not isinstance(value, bool)
            return (str(value),) if ok else None
        case "date":
            return (value,) if isinstance(value, str) and len(value) == 10 else None
    return (value,) if isinstance(value, str) else None
