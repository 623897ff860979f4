"""A campaign and its life cycle: every status change through TRANSITIONS; its audience rule."""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from newsletter.campaigns.domain.content import Variant, parse_content
from newsletter.errors import Conflict, InvalidInput
from shared.places import region_shown

# action -> (states it may start from, state it leads to)
TRANSITIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "edit": (("draft",), "draft"),
    "schedule": (("draft", "scheduled"), "scheduled"),
    "unschedule": (("scheduled",), "draft"),
    "start": (("draft", "scheduled"), "sending"),
    "finish": (("sending",), "sent"),
    "pause": (("sending",), "paused"),
    "resume": (("paused",), "sending"),
    "cancel": (("scheduled", "sending", "paused"), "cancelled"),
}
STATUSES = ("draft", "scheduled", "sending", "sent", "paused", "cancelled")


def next_status(current: str, action: str) -> str:
    """The state `action` leads to, or Conflict when it is not allowed from `current`."""
    allowed, target = TRANSITIONS[action]
    if current not in allowed:
        raise Conflict(f"A {current} campaign cannot be {action}d.", field="status")
    return target


# How an action moves a campaign's unsent delivery rows (workers only claim `pending` ones).
DELIVERY_MOVES: dict[str, tuple[tuple[str, ...], str]] = {
    "pause": (("pending",), "paused"),
    "resume": (("paused",), "pending"),
    "cancel": (("pending", "paused"), "cancelled"),
}
# What a duplicate (and a test send's frozen copy) takes over from the campaign.
COPIED = (
    "content",
    "default_language",
    "fallback_language",
    "topics",
    "topical",
    "tracking",
    "in_archive",
    "audience",
    "included_segments",
    "excluded_segments",
)
COPY_WORD = {"fi": "kopio", "sv": "kopia", "en": "copy"}
TEST = "test"  # a test send's frozen copy: never listed, never sent to the audience


@dataclass
class Campaign:
    """A campaign and its life cycle; every change of status goes through `TRANSITIONS`."""

    id: uuid.UUID
    name: str
    content: dict[str, Any]
    default_language: str
    fallback_language: str | None = None
    topics: list[str] = field(default_factory=list)
    topical: bool = False
    tracking: bool = False
    in_archive: bool = True
    audience: dict[str, Any] = field(default_factory=lambda: {"all": []})
    included_segments: list[uuid.UUID] = field(default_factory=list)
    excluded_segments: list[uuid.UUID] = field(default_factory=list)
    status: str = "draft"
    version: int = 1
    recipients: int | None = None
    scheduled_at: datetime | None = None
    send_started_at: datetime | None = None
    finished_at: datetime | None = None
    cancelled_count: int | None = None
    test_of: uuid.UUID | None = None
    created_at: datetime | None = None

    @classmethod
    def of(cls, values: Mapping[str, Any]) -> Campaign:
        """From stored values (a row mapping), ignoring what is not a campaign field."""
        names = cls.__dataclass_fields__
        return cls(**{k: v for k, v in values.items() if k in names})

    @property
    def is_test(self) -> bool:
        return self.status == TEST

    @property
    def variants(self) -> dict[str, Variant]:
        return parse_content(self.content, self.default_language)

    @property
    def send_language(self) -> str:
        """The language of recipients whose own has no variant."""
        return self.fallback_language or self.default_language

    def _move(self, action: str) -> None:
        self.status = next_status(self.status, action)

    def edit(self, values: Mapping[str, Any]) -> None:
        """New content for a draft; the version moves so compiled templates are never stale."""
        self._move("edit")
        for name, value in values.items():
            setattr(self, name, value)
        self.version += 1

    def freeze_content(self, content: dict[str, Any]) -> None:
        """The content as it goes out (library images resolved); a change is a new version."""
        if content != self.content:
            self.content = content
            self.version += 1

    def schedule(self, at: datetime, now: datetime) -> None:
        if at <= now:
            raise InvalidInput("The send time must be in the future.", field="send_at")
        self._move("schedule")
        self.scheduled_at = at

    def unschedule(self) -> None:
        self._move("unschedule")
        self.scheduled_at = None

    def start(self, recipients: int, now: datetime) -> None:
        self._move("start")
        self.recipients = recipients
        self.send_started_at = now

    def pause(self) -> None:
        self._move("pause")

    def resume(self) -> None:
        self._move("resume")

    def cancel(self, unsent: int, now: datetime) -> None:
        """`unsent`: the delivery rows that will now never go out."""
        self._move("cancel")
        self.cancelled_count = unsent
        self.finished_at = now

    def duplicate(self, new_id: uuid.UUID, language: str = "en") -> Campaign:
        """A new draft with the same content and audience, named in the staff's language."""
        return Campaign(
            id=new_id,
            name=f"{self.name} ({COPY_WORD.get(language, COPY_WORD['en'])})",
            **{name: _copy(getattr(self, name)) for name in COPIED},
        )

    def show_in_archive(self, shown: bool) -> None:
        """Any time, also after sending: a campaign can be withdrawn from the archive."""
        if self.is_test:
            raise Conflict("A test send is never in the archive.", field="in_archive")
        self.in_archive = shown

    def test_copy(self, new_id: uuid.UUID, content: dict[str, Any]) -> Campaign:
        """A frozen copy for a test send: later edits never reach a test mail already queued."""
        copy = replace(
            self.duplicate(new_id), name=f"[TEST] {self.name}", status=TEST, in_archive=False
        )
        copy.content, copy.test_of = content, self.id
        return copy


def _copy(value: Any) -> Any:
    return (
        list(value)
        if isinstance(value, list)
        else dict(value)
        if isinstance(value, dict)
        else value
    )


@dataclass(frozen=True)
class Recipient:
    email: str
    first_name: str | None
    last_name: str | None
    language: str | None
    contact_id: uuid.UUID | None = None
    organisation_name: str | None = None
    region: str | None = None
    # The campaign version this person gets, as the materialisation picks it (the preview
    # selects it with the same SQL); None where no campaign is in view.
    reads: str | None = None

    @property
    def merge_fields(self) -> dict[str, str]:
        """The personal fields a campaign may use, as a mail to this person fills them."""
        return {
            "first_name": self.first_name or "",
            "last_name": self.last_name or "",
            "organisation_name": self.organisation_name or "",
            "region": region_shown(self.region, self.language or "fi"),
        }


@dataclass(frozen=True)
class Audience:
    """A campaign's audience now: how many per language ("none": no language) and a sample."""

    by_language: dict[str, int]
    sample: list[Recipient]

    @property
    def count(self) -> int:
        return sum(self.by_language.values())


def audience_rule(campaign: Campaign, segment_rules: Mapping[uuid.UUID, Any]) -> dict[str, Any]:
    """The campaign's own rule, any of its included segments, none of its excluded ones (a
    segment no longer defined counts as absent). Compiled to SQL for sending, evaluated in
    Python by the unit tests' fakes."""
    parts: list[Any] = [campaign.audience]
    if campaign.included_segments:
        included = campaign.included_segments
        parts.append({"any": [segment_rules[s] for s in included if s in segment_rules]})
    excluded = [segment_rules[s] for s in campaign.excluded_segments if s in segment_rules]
    if excluded:
        parts.append({"not": {"any": excluded}})
    return {"all": parts}
