"""Background jobs: what a bulk action is, its states and its progress (plain Python)."""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Literal

from contacts.errors import InvalidInput
from contacts.memberships.domain import TRANSITIONS
from contacts.tags.domain import clean_tag

JobState = Literal["queued", "running", "done", "failed", "cancelled"]
FINISHED: frozenset[str] = frozenset({"done", "failed", "cancelled"})

# Bulk actions over a fixed set of people; the label is the staff's name for it.
BULK_KINDS: dict[str, str] = {
    "topic_add": "Add a topic",
    "topic_remove": "Remove a topic",
    "tag_add": "Add a tag",
    "tag_remove": "Remove a tag",
    "membership": "Change membership state",
    "onboarding_invite": "Invite to the Facebook group",
    "export": "Export",
    "erase": "Erase",
}
JOB_KINDS: dict[str, str] = {**BULK_KINDS, "import": "Import people"}
EXPORT_FORMATS = ("csv", "xlsx")


@dataclass(frozen=True)
class Job:
    id: uuid.UUID
    kind: str
    parameters: dict[str, Any]
    state: str
    total: int
    done_count: int
    failed_count: int
    error: str | None
    created_by: str | None
    created_at: datetime
    started_at: datetime | None
    finished_at: datetime | None
    has_result: bool = False

    @property
    def finished(self) -> bool:
        return self.state in FINISHED

    @property
    def handled(self) -> int:
        return self.done_count + self.failed_count

    @property
    def percent(self) -> int:
        if self.total <= 0:
            return 100 if self.finished else 0
        return min(100, self.handled * 100 // self.total)


def bulk_parameters(
    kind: str,
    *,
    topic: str = "",
    action: str = "",
    fmt: str = "",
    tag: str = "",
    known_topics: frozenset[str],
) -> dict[str, str]:
    """The parameters one kind needs, checked before any person is touched."""
    if kind not in BULK_KINDS:
        raise InvalidInput("Choose a bulk action.", field="action")
    if kind in ("topic_add", "topic_remove"):
        if topic not in known_topics:
            raise InvalidInput("Choose a topic.", field="topic")
        return {"topic": topic}
    if kind in ("tag_add", "tag_remove"):
        return {"tag": clean_tag(tag)}  # raises with field "tag"
    if kind == "membership":
        if action not in TRANSITIONS or action == "apply":
            raise InvalidInput("Choose a membership change.", field="membership_action")
        return {"action": action}
    if kind == "export":
        if fmt not in EXPORT_FORMATS:
            raise InvalidInput("The format must be csv or xlsx.", field="format")
        return {"format": fmt}
    return {}


def check_erase_confirmation(typed: str, count: int) -> None:
    """Erasing needs the number of people typed by hand: a slip of the mouse erases nobody."""
    if typed.strip().replace(" ", "") != str(count):
        raise InvalidInput(
            f"Type the number of people to erase ({count}) to confirm.", field="confirmation"
        )
