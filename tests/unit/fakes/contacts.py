"""In-memory contacts unit of work: repositories holding dicts, published events collected.

It keeps the real one's transaction rule: what a use case changed or published is kept only if
it commits; leaving the `async with` without a commit restores the state it found.
"""

from __future__ import annotations

import copy
import uuid
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any, Self

from contacts.audit.domain import Actor
from contacts.errors import Conflict
from contacts.memberships.domain import Membership
from contacts.people.domain.person import Person
from contacts.snapshots import SOURCE, snapshot_of
from contacts.topics.domain import Topic

from shared.events.contacts import CONTACT_ERASED, ContactActivityV1, ContactSnapshotV1
from shared.events.envelope import CloudEvent, new_event
from shared.events.topics import CONTACT_EVENTS, CONTACT_SNAPSHOTS

TAKEN = "A person with this email address already exists."


class FakePeople:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Person] = {}

    def _taken(self, person: Person) -> bool:
        return any(
            p.email.lower() == person.email.lower() and p.id != person.id
            for p in self.rows.values()
        )

    async def add(self, person: Person) -> None:
        if self._taken(person):
            raise Conflict(TAKEN, field="email")
        self.rows[person.id] = person

    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Person | None:
        return self.rows.get(person_id)

    async def find_by_email(self, email: str, *, for_update: bool = False) -> Person | None:
        return next((p for p in self.rows.values() if p.email.lower() == email.lower()), None)

    async def save(self, person: Person) -> None:
        if self._taken(person):
            raise Conflict(TAKEN, field="email")
        self.rows[person.id] = person

    async def remove(self, person_id: uuid.UUID) -> None:
        self.rows.pop(person_id, None)


class FakeTopics:
    def __init__(self, *topics: Topic) -> None:
        self.rows: dict[str, Topic] = {t.key: t for t in topics}

    async def all_topics(self, *, include_archived: bool = False) -> list[Topic]:
        found = [t for t in self.rows.values() if include_archived or not t.archived]
        return sorted(found, key=lambda t: (t.position, t.key))


class FakeMemberships:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Membership] = {}

    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Membership | None:
        return self.rows.get(person_id)

    async def put(self, membership: Membership) -> None:
        self.rows[membership.person_id] = membership


@dataclass(frozen=True)
class Activity:
    person_id: uuid.UUID
    kind: str
    details: dict[str, Any]
    at: datetime


class FakePersonEvents:
    """Snapshots, tombstones and timeline events, published through the fake unit of work."""

    def __init__(self, uow: FakeContactsUnitOfWork) -> None:
        self._uow = uow
        self.timeline: list[Activity] = []

    async def publish_snapshot(self, person: Person) -> None:
        snapshot = snapshot_of(
            person,
            membership=self._uow.memberships.rows.get(person.id),
            onboarding_state="invited" if person.id in self._uow.group.invited else "not_invited",
        )
        self._uow.publish(
            CONTACT_SNAPSHOTS.name,
            str(person.id),
            new_event(source=SOURCE, data=snapshot, subject=str(person.id), version=person.version),
        )

    async def publish_erasure(
        self, person: Person, *, merged_into: uuid.UUID | None = None
    ) -> None:
        self._uow.publish(
            CONTACT_SNAPSHOTS.name,
            str(person.id),
            new_event(
                source=SOURCE,
                data=None,
                event_type=CONTACT_ERASED,
                subject=str(person.id),
                version=person.version + 1,
                merged_into=str(merged_into) if merged_into else None,
            ),
        )

    async def record_activity(
        self,
        person_id: uuid.UUID,
        kind: str,
        details: dict[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> None:
        at = at or datetime.now(UTC)
        details = details or {}
        self.timeline.append(Activity(person_id, kind, details, at))
        data = ContactActivityV1(contact_id=person_id, kind=kind, occurred_at=at, details=details)
        self._uow.publish(
            CONTACT_EVENTS.name,
            str(person_id),
            new_event(source=SOURCE, data=data, subject=str(person_id)),
        )


@dataclass(frozen=True)
class AuditEntry:
    actor: Actor | None
    action: str
    target_type: str
    target_id: str
    details: dict[str, Any]


class FakeAuditLog:
    def __init__(self) -> None:
        self.entries: list[AuditEntry] = []

    async def record(
        self,
        actor: Actor | None,
        action: str,
        *,
        target_type: str,
        target_id: str,
        details: dict[str, Any] | None = None,
    ) -> None:
        self.entries.append(AuditEntry(actor, action, target_type, target_id, details or {}))


class FakeGroupInvitations:
    def __init__(self) -> None:
        self.invited: dict[uuid.UUID, datetime] = {}

    async def invite_new_member(self, person: Person, *, at: datetime) -> None:
        self.invited.setdefault(person.id, at)


@dataclass
class Published:
    topic: str
    key: str | None
    event: CloudEvent


@dataclass
class FakeContactsUnitOfWork:
    people: FakePeople = field(default_factory=FakePeople)
    topics: FakeTopics = field(default_factory=FakeTopics)
    memberships: FakeMemberships = field(default_factory=FakeMemberships)
    audit: FakeAuditLog = field(default_factory=FakeAuditLog)
    group: FakeGroupInvitations = field(default_factory=FakeGroupInvitations)
    published: list[Published] = field(default_factory=list)
    commits: int = 0

    def __post_init__(self) -> None:
        self.events = FakePersonEvents(self)
        self._pending: list[Published] = []
        self._kept: dict[str, dict[str, Any]] | None = None

    def _state(self) -> dict[str, dict[str, Any]]:
        parts = (self.people, self.topics, self.memberships, self.audit, self.group, self.events)
        return {
            type(part).__name__: copy.deepcopy({k: v for k, v in vars(part).items() if k != "_uow"})
            for part in parts
        }

    def _restore(self, state: dict[str, dict[str, Any]]) -> None:
        parts = (self.people, self.topics, self.memberships, self.audit, self.group, self.events)
        for part in parts:
            vars(part).update(copy.deepcopy(state[type(part).__name__]))

    async def __aenter__(self) -> Self:
        self._kept = self._state()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        """Like a rolled-back transaction: back to the state of the last commit (or the start)."""
        if self._kept is not None:
            self._restore(self._kept)
        self._kept = None
        self._pending.clear()

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None:
        self._pending.append(Published(topic, key, event))

    async def commit(self) -> None:
        self.published.extend(self._pending)
        self._pending.clear()
        self.commits += 1
        self._kept = self._state()

    # -- reading what happened, for assertions
    def snapshots(self) -> list[ContactSnapshotV1]:
        return [
            ContactSnapshotV1.model_validate(p.event.data)
            for p in self.published
            if p.topic == CONTACT_SNAPSHOTS.name and p.event.data is not None
        ]

    def tombstones(self) -> list[CloudEvent]:
        return [
            p.event
            for p in self.published
            if p.topic == CONTACT_SNAPSHOTS.name and p.event.type == CONTACT_ERASED
        ]

    def activity_kinds(self) -> list[str]:
        return [
            p.event.data["kind"]
            for p in self.published
            if p.topic == CONTACT_EVENTS.name and p.event.data is not None
        ]
