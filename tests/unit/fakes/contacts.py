"""In-memory contacts unit of work: repositories holding dicts, published events collected.

It keeps the real one's transaction rule: what a use case changed or published is kept only if
it commits; leaving the `async with` without a commit restores the state it found.
"""

from __future__ import annotations

import copy
import uuid
from collections import Counter
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import TracebackType
from typing import Any, Self

from contacts.audit.domain import Actor
from contacts.consents.domain import ConsentEntry
from contacts.enquiries.domain import Enquiry
from contacts.errors import Conflict
from contacts.memberships.domain import Membership, Transition
from contacts.notes.domain import Note
from contacts.organisations.domain.organisation import Organisation
from contacts.people.domain.person import Person
from contacts.segments.domain import Segment
from contacts.segments.repository import SAMPLE_COLUMNS
from contacts.snapshots import SOURCE, snapshot_of
from contacts.topics.domain import Topic
from contacts.visits.domain import VisitRequest

from shared.collation import sort_key
from shared.events.contacts import CONTACT_ERASED, ContactActivityV1, ContactSnapshotV1
from shared.events.envelope import CloudEvent, new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import CONTACT_EVENTS, CONTACT_SNAPSHOTS, MAIL_REQUESTED, SEGMENTS
from shared.segments.evaluate import count_in, evaluate
from shared.segments.rules import Rule
from shared.snapshot import erased_row, snapshot_row
from tests.unit.fakes.contacts_activity import FakeActivity, FakeFigureCounts
from tests.unit.fakes.contacts_assessments import FakeAssessments
from tests.unit.fakes.contacts_audit import FakeStaffActions
from tests.unit.fakes.contacts_dashboard import FakeDashboard
from tests.unit.fakes.contacts_impact import FakeImpact
from tests.unit.fakes.contacts_imports import FakeImports, FakeJobs
from tests.unit.fakes.contacts_legal import FakeLegalTexts
from tests.unit.fakes.contacts_merging import FakeMerging
from tests.unit.fakes.contacts_onboarding import FakeOnboarding
from tests.unit.fakes.contacts_participation import FakeParticipation
from tests.unit.fakes.contacts_people import FakePeopleDirectory
from tests.unit.fakes.contacts_retention import FakeRetention
from tests.unit.fakes.contacts_staff import FakeStaff

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


@dataclass
class Link:
    id: uuid.UUID
    person_id: uuid.UUID
    organisation_id: uuid.UUID
    role: str
    start_date: date | None
    end_date: date | None


class FakeOrganisations:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Organisation] = {}
        self.links: dict[uuid.UUID, Link] = {}

    def _check_business_id(self, org: Organisation) -> None:
        if org.business_id and any(
            o.business_id == org.business_id and o.id != org.id for o in self.rows.values()
        ):
            raise Conflict("An organisation with this business ID exists.", field="business_id")

    async def add(self, org: Organisation) -> None:
        self._check_business_id(org)
        self.rows[org.id] = org

    async def save(self, org: Organisation) -> None:
        self._check_business_id(org)
        self.rows[org.id] = org

    async def get(self, org_id: uuid.UUID, *, for_update: bool = False) -> Organisation | None:
        return self.rows.get(org_id)

    async def remove(self, org_id: uuid.UUID) -> None:
        if any(link.organisation_id == org_id for link in self.links.values()):
            raise Conflict("People are linked to this organisation.", field="id")
        self.rows.pop(org_id, None)

    async def search(
        self,
        *,
        text: str = "",
        limit: int = 50,
        offset: int = 0,
        sort: str = "name",
        descending: bool = False,
        archived: bool | None = False,
        lang: str = "fi",
        **equal: str | None,
    ) -> tuple[list[Organisation], int]:
        found = [
            o
            for o in self.rows.values()
            if (not text or text.lower() in o.name.lower() or o.business_id == text.strip())
            and all(getattr(o, k) == v for k, v in equal.items() if v)
            and (archived is None or o.archived == archived)
        ]
        found.sort(key=lambda o: (sort_key(o.name, lang), str(o.id)), reverse=descending)
        return found[offset : offset + limit], len(found)

    async def link(
        self,
        *,
        person_id: uuid.UUID,
        organisation_id: uuid.UUID,
        role: str = "",
        start: date | None = None,
        end: date | None = None,
    ) -> uuid.UUID:
        link = Link(uuid.uuid4(), person_id, organisation_id, role, start, end)
        self.links[link.id] = link
        return link.id

    async def end_link(self, link_id: uuid.UUID, person_id: uuid.UUID, end: date) -> bool:
        link = self.links.get(link_id)
        if link is None or link.person_id != person_id:
            return False
        link.end_date = end
        return True

    async def people_of(self, org_id: uuid.UUID) -> list[uuid.UUID]:
        return list(
            dict.fromkeys(k.person_id for k in self.links.values() if k.organisation_id == org_id)
        )

    async def by_name(self, name: str) -> Organisation | None:
        same = [o for o in self.rows.values() if o.name.lower() == name.lower()]
        # current before archived, "active" before "pending_review"
        same.sort(key=lambda o: (o.archived, o.status, o.created_at))
        return same[0] if same else None

    async def links_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]:
        mine = [k for k in reversed(self.links.values()) if k.person_id == person_id]
        mine.sort(key=lambda k: k.end_date is not None)
        return [
            {
                "id": k.id,
                "person_id": k.person_id,
                "organisation_id": k.organisation_id,
                "role": k.role,
                "start_date": k.start_date,
                "end_date": k.end_date,
                "organisation_name": self.rows[k.organisation_id].name,
                "organisation_type": self.rows[k.organisation_id].type,
            }
            for k in mine
        ]

    async def active_names(self, *, lang: str = "fi", limit: int = 1000) -> list[str]:
        found = [o.name for o in self.rows.values() if o.status == "active" and not o.archived]
        return sorted(found, key=lambda name: sort_key(name, lang))[:limit]

    def current_of(self, person_id: uuid.UUID) -> dict[str, Any] | None:
        """As the snapshot reads it: the person's newest link that has not ended."""
        for link in reversed(self.links.values()):
            if link.person_id == person_id and link.end_date is None:
                org = self.rows[link.organisation_id]
                return {
                    "organisation_id": org.id,
                    "organisation_name": org.name,
                    "organisation_type": org.type,
                    "organisation_region": org.region,
                    "organisation_municipality": org.municipality,
                }
        return None


class FakeConsents:
    def __init__(self) -> None:
        self.log: list[ConsentEntry] = []
        self.signups: dict[uuid.UUID, dict[str, Any]] = {}
        self.now: datetime | None = None  # the database's clock; None = the real one

    async def append(self, entries: list[ConsentEntry]) -> None:
        self.log.extend(entries)

    async def add_signup(
        self,
        *,
        signup_id: uuid.UUID,
        person_id: uuid.UUID,
        details: dict[str, Any],
        wording_version: str,
        ip: str | None,
    ) -> None:
        self.signups[signup_id] = {
            "id": signup_id,
            "person_id": person_id,
            "details": details,
            "wording_version": wording_version,
            "ip": ip,
            "confirmed_at": None,
            "created_at": self.now or datetime.now(UTC),
        }

    async def signup(
        self, signup_id: uuid.UUID, *, for_update: bool = False
    ) -> dict[str, Any] | None:
        found = self.signups.get(signup_id)
        return dict(found) if found else None

    async def mark_confirmed(self, signup_id: uuid.UUID, at: datetime) -> None:
        self.signups[signup_id]["confirmed_at"] = at

    async def last_signup_at(self, person_id: uuid.UUID) -> datetime | None:
        times = [s["created_at"] for s in self.signups.values() if s["person_id"] == person_id]
        return max(times, default=None)

    async def newest_pending_signup(self, person_id: uuid.UUID) -> uuid.UUID | None:
        pending = [
            s
            for s in self.signups.values()
            if s["person_id"] == person_id and not s["confirmed_at"]
        ]
        return max(pending, key=lambda s: s["created_at"])["id"] if pending else None


class FakeSegments:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Segment] = {}
        self.areas: dict[str, dict[str, str]] = {}  # lang -> self-assessment area key -> name

    async def area_names(self, lang: str = "fi") -> dict[str, str]:
        return dict(self.areas.get(lang) or self.areas.get("fi", {}))

    async def add(self, segment: Segment) -> None:
        self.rows[segment.id] = segment

    async def save(self, segment: Segment) -> None:
        self.rows[segment.id] = segment

    async def get(self, segment_id: uuid.UUID, *, for_update: bool = False) -> Segment | None:
        return self.rows.get(segment_id)

    async def all_segments(
        self, *, include_archived: bool = False, lang: str = "fi"
    ) -> list[Segment]:
        found = [s for s in self.rows.values() if include_archived or not s.archived]
        return sorted(found, key=lambda s: (sort_key(s.name, lang), str(s.id)))


class FakeAudience:
    """Contacts' snapshot projection as rows; rules evaluated with the Python evaluator.

    `shared/segments/evaluate.py` is proven equal to the SQL compiler by a property test, so
    an audience counted here is the audience production counts.
    """

    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, dict[str, Any]] = {}

    async def count(self, rule: Rule, now: datetime) -> int:
        return count_in(rule, self.rows.values(), now)

    async def sample(
        self, rule: Rule, now: datetime, *, limit: int, lang: str = "fi"
    ) -> list[dict[str, Any]]:
        found = [r for r in self.rows.values() if evaluate(rule, r, now)]
        found.sort(
            key=lambda r: (
                sort_key(r["last_name"], lang),
                sort_key(r["first_name"], lang),
                str(r["contact_id"]),
            )
        )
        return [{c: r[c] for c in SAMPLE_COLUMNS} for r in found[:limit]]


class FakeTopics:
    def __init__(self, *topics: Topic) -> None:
        self.rows: dict[str, Topic] = {t.key: t for t in topics}

    async def all_topics(self, *, include_archived: bool = False) -> list[Topic]:
        found = [t for t in self.rows.values() if include_archived or not t.archived]
        return sorted(found, key=lambda t: (t.position, t.key))

    async def get(self, key: str) -> Topic | None:
        return self.rows.get(key)

    async def add(self, topic: Topic) -> None:
        if topic.key in self.rows:
            raise Conflict("A topic with this key exists.", field="key")
        self.rows[topic.key] = topic

    async def save(self, topic: Topic) -> None:
        self.rows[topic.key] = topic


class FakeTags:
    """The tag vocabulary; who carries a tag is read from the fake people."""

    def __init__(self, uow: FakeContactsUnitOfWork) -> None:
        self._uow = uow
        self.stored: list[str] = []

    async def ensure(self, name: str) -> str:
        found = next((n for n in self.stored if n.lower() == name.lower()), None)
        if found is None:
            self.stored.append(name)
            return name
        return found

    async def names(self, lang: str = "fi") -> list[str]:
        return sorted(self.stored, key=lambda n: sort_key(n, lang))

    async def all_with_counts(self, lang: str = "fi") -> list[tuple[str, int]]:
        people = self._uow.people.rows.values()
        return [
            (name, sum(1 for p in people if name in p.tags))
            for name in sorted(self.stored, key=lambda n: sort_key(n, lang))
        ]


class FakeMemberships:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Membership] = {}
        self.transitions: list[Transition] = []

    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Membership | None:
        return self.rows.get(person_id)

    async def put(self, membership: Membership) -> None:
        self.rows[membership.person_id] = membership

    async def record(self, step: Transition) -> None:
        self.transitions.append(step)


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
            organisation=self._uow.organisations.current_of(person.id),
            membership=self._uow.memberships.rows.get(person.id),
            onboarding_state="invited" if person.id in self._uow.group.invited else "not_invited",
            events=self._uow.participation.engagement_now(person.id),
        )
        self._uow.audience.rows[person.id] = snapshot_row(snapshot)
        self._uow.publish(
            CONTACT_SNAPSHOTS.name,
            str(person.id),
            new_event(source=SOURCE, data=snapshot, subject=str(person.id), version=person.version),
        )

    async def publish_erasure(
        self, person: Person, *, merged_into: uuid.UUID | None = None
    ) -> None:
        self._uow.audience.rows[person.id] = erased_row(person.id, person.version + 1)
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


class FakeEnquiries:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, Enquiry] = {}

    async def add(self, enquiry: Enquiry) -> None:
        self.rows[enquiry.id] = enquiry

    async def save(self, before: Enquiry, after: Enquiry) -> None:
        self.rows[after.id] = after

    async def get(self, enquiry_id: uuid.UUID, *, for_update: bool = False) -> Enquiry | None:
        return self.rows.get(enquiry_id)

    async def listed(self, *, state: str | None = None) -> list[Enquiry]:
        found = [e for e in self.rows.values() if state is None or e.state == state]
        return sorted(found, key=lambda e: e.created_at, reverse=True)[:200]

    async def counts(self) -> dict[str, int]:
        return dict(Counter(e.state for e in self.rows.values()))

    async def remove(self, enquiry_ids: list[uuid.UUID]) -> None:
        for enquiry_id in enquiry_ids:
            self.rows.pop(enquiry_id, None)


class FakeNotes:
    def __init__(self) -> None:
        self.rows: list[Note] = []

    async def add(self, note: Note) -> None:
        self.rows.append(note)

    def _newest(self, found: list[Note]) -> list[Note]:
        return sorted(found, key=lambda n: n.created_at, reverse=True)[:500]

    async def of_person(self, person_id: uuid.UUID) -> list[Note]:
        return self._newest([n for n in self.rows if n.person_id == person_id])

    async def of_organisation(self, organisation_id: uuid.UUID) -> list[Note]:
        return self._newest([n for n in self.rows if n.organisation_id == organisation_id])


class FakeVisits:
    def __init__(self) -> None:
        self.rows: dict[uuid.UUID, VisitRequest] = {}

    async def add(self, visit: VisitRequest) -> None:
        self.rows[visit.id] = visit

    async def save_state(self, visit: VisitRequest) -> None:
        self.rows[visit.id] = visit

    async def get(self, visit_id: uuid.UUID, *, for_update: bool = False) -> VisitRequest | None:
        return self.rows.get(visit_id)

    async def listed(
        self, *, state: str | None = None, organisation_id: uuid.UUID | None = None
    ) -> list[VisitRequest]:
        found = [
            v
            for v in self.rows.values()
            if (state is None or v.state == state)
            and (organisation_id is None or v.organisation_id == organisation_id)
        ]
        return sorted(found, key=lambda v: v.created_at, reverse=True)[:200]


@dataclass
class FakeEventSeries:
    """The event series of the catalogue: id -> language -> name."""

    series: dict[str, dict[str, str]] = field(default_factory=dict)

    async def names(self) -> list[tuple[str, dict[str, str]]]:
        return sorted(self.series.items())


@dataclass
class FakeContactsUnitOfWork:
    people: FakePeople = field(default_factory=FakePeople)
    organisations: FakeOrganisations = field(default_factory=FakeOrganisations)
    consents: FakeConsents = field(default_factory=FakeConsents)
    topics: FakeTopics = field(default_factory=FakeTopics)
    memberships: FakeMemberships = field(default_factory=FakeMemberships)
    segments: FakeSegments = field(default_factory=FakeSegments)
    audience: FakeAudience = field(default_factory=FakeAudience)
    audit: FakeAuditLog = field(default_factory=FakeAuditLog)
    group: FakeGroupInvitations = field(default_factory=FakeGroupInvitations)
    visits: FakeVisits = field(default_factory=FakeVisits)
    notes: FakeNotes = field(default_factory=FakeNotes)
    enquiries: FakeEnquiries = field(default_factory=FakeEnquiries)
    event_series: FakeEventSeries = field(default_factory=FakeEventSeries)
    legal: FakeLegalTexts = field(default_factory=FakeLegalTexts)
    assessments: FakeAssessments = field(default_factory=FakeAssessments)
    activity: FakeActivity = field(default_factory=FakeActivity)
    figures: FakeFigureCounts = field(default_factory=FakeFigureCounts)
    staff: FakeStaff = field(default_factory=FakeStaff)
    published: list[Published] = field(default_factory=list)
    commits: int = 0

    def __post_init__(self) -> None:
        self.events = FakePersonEvents(self)
        self.staff_actions = FakeStaffActions(self)
        self.tags = FakeTags(self)
        self.retention = FakeRetention(self)
        self.merging = FakeMerging(self)
        self.participation = FakeParticipation(self)
        self.onboarding = FakeOnboarding(self)
        self.dashboard = FakeDashboard()
        self.impact = FakeImpact()
        self.imports, self.jobs = FakeImports(self), FakeJobs(self)
        self.directory = FakePeopleDirectory(self)
        self._pending: list[Published] = []
        self._kept: dict[str, dict[str, Any]] | None = None

    def _parts(self) -> tuple[Any, ...]:
        return (
            self.people,
            self.organisations,
            self.consents,
            self.topics,
            self.tags,
            self.memberships,
            self.segments,
            self.audience,
            self.audit,
            self.group,
            self.visits,
            self.notes,
            self.enquiries,
            self.events,
            self.legal,
            self.retention,
            self.merging,
            self.assessments,
            self.activity,
            self.figures,
            self.participation,
            self.staff_actions,
            self.onboarding,
            self.dashboard,
            self.impact,
            self.imports,
            self.jobs,
            self.staff,
            self.directory,
        )

    def _state(self) -> dict[str, dict[str, Any]]:
        return {
            type(part).__name__: copy.deepcopy({k: v for k, v in vars(part).items() if k != "_uow"})
            for part in self._parts()
        }

    def _restore(self, state: dict[str, dict[str, Any]]) -> None:
        for part in self._parts():
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

    def mail_requests(self) -> list[MailRequestedV1]:
        return [
            MailRequestedV1.model_validate(p.event.data)
            for p in self.published
            if p.topic == MAIL_REQUESTED.name
        ]

    def segment_events(self) -> list[CloudEvent]:
        return [p.event for p in self.published if p.topic == SEGMENTS.name]

    def activity_kinds(self) -> list[str]:
        return [
            p.event.data["kind"]
            for p in self.published
            if p.topic == CONTACT_EVENTS.name and p.event.data is not None
        ]
