"""A segment: a named, versioned rule in the shared segment language (docs/segments.md)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from datetime import UTC, datetime
from typing import Any

from contacts.errors import InvalidInput
from shared.segments.rules import parse_rule

MAX_SEGMENT_NAME = 200
MAX_SEGMENT_DESCRIPTION = 2000


def clean_segment_name(raw: str) -> str:
    name = " ".join(raw.split())
    if not name or len(name) > MAX_SEGMENT_NAME:
        raise InvalidInput(f"name must be 1-{MAX_SEGMENT_NAME} characters.", field="name")
    return name


def clean_description(raw: str) -> str:
    text = raw.strip()
    if len(text) > MAX_SEGMENT_DESCRIPTION:
        raise InvalidInput(
            f"description must be at most {MAX_SEGMENT_DESCRIPTION} characters.",
            field="description",
        )
    return text


def checked_rule(rule: Any) -> dict[str, Any]:
    """The rule as stored and published; RuleError (with its JSON pointer) if it is bad."""
    parse_rule(rule)
    if not isinstance(rule, dict):  # parse_rule accepts only objects; this keeps mypy sure
        raise InvalidInput("rule must be a JSON object.", field="rule")
    return rule


@dataclass(frozen=True)
class Segment:
    id: uuid.UUID
    name: str
    rule: dict[str, Any]
    description: str = ""
    version: int = 1
    archived: bool = False
    created_by: str | None = None
    updated_by: str | None = None
    created_at: datetime = field(default_factory=lambda: datetime.now(UTC))
    updated_at: datetime = field(default_factory=lambda: datetime.now(UTC))

    @classmethod
    def new(cls, *, name: str, rule: Any, description: str = "", by: str | None = None) -> Segment:
        return cls(
            id=uuid.uuid4(),
            name=clean_segment_name(name),
            rule=checked_rule(rule),
            description=clean_description(description),
            created_by=by,
            updated_by=by,
        )

    def changed(self, *, by: str | None, **changes: Any) -> Segment:
        """A new version; replicas of contacts.segment.v1 keep the highest."""
        if "name" in changes:
            changes["name"] = clean_segment_name(changes["name"])
        if "description" in changes:
            changes["description"] = clean_description(changes["description"])
        if "rule" in changes:
            changes["rule"] = checked_rule(changes["rule"])
        return replace(
            self,
            version=self.version + 1,
            updated_by=by,
            updated_at=datetime.now(UTC),
            **changes,
        )
