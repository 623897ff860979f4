"""Contacts' typed unit of work: named repositories over one transaction and its outbox.

A use case receives a `ContactsUnitOfWork`, enters it (`async with uow:`), works through its
repositories and commits; nothing it queued leaves unless it commits. Production uses
`SqlContactsUnitOfWork` (a connection of contacts' database and its outbox); unit tests use the
in-memory fake of `tests/unit/fakes/contacts.py`. Routes get one through `deps.Uow`.

`unit_of_work(engine)` is the untyped shared one, for the use cases not yet moved over.
"""

from __future__ import annotations

import uuid
from datetime import date, datetime
from types import TracebackType
from typing import Any, Protocol, Self

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from contacts.activity.repository import (
    ActivityRepository,
    FigureCounts,
    SqlActivity,
    SqlFigureCounts,
)
from contacts.assessments.repository import AssessmentRepository, SqlAssessments
from contacts.audit.domain import Actor
from contacts.audit.repository import SqlAuditLog, SqlStaffActions, StaffActionRepository
from contacts.consents.domain import ConsentEntry
from contacts.dashboard.repository import DashboardRepository, SqlDashboard
from contacts.enquiries.domain import Enquiry
from contacts.impact.repository import ImpactRepository, SqlImpact
from contacts.imports.repository.store import ImportRepository
from contacts.jobs.repository.store import JobRepository
from contacts.legal.repository import LegalTextRepository, SqlLegalTexts
from contacts.memberships.domain import Membership, Transition
from contacts.merging.repository import MergingRepository, SqlMerging
from contacts.notes.domain import Note
from contacts.onboarding.repository import OnboardingRepository, SqlOnboarding
from contacts.organisations.domain.organisation import Organisation
from contacts.participation.repository import ParticipationRepository, SqlParticipation
from contacts.people.domain.person import Person
from contacts.people.repository.directory import PeopleDirectory, SqlPeopleDirectory
from contacts.retention.repository import RetentionRepository, SqlRetention
from contacts.segments.domain import Segment
from contacts.staff.repository import SqlStaff, StaffRepository
from contacts.tables import contact_snapshot, outbox
from contacts.topics.domain import Topic
from contacts.visits.domain import VisitRequest
from shared.events.envelope import CloudEvent
from shared.events.topics import MAIL_REQUESTED, consumed_topic
from shared.outbox.unit_of_work import OutboxUnitOfWork, UnitOfWork
from shared.segments.compiler import count_matching
from shared.segments.rules import Rule


class PeopleRepository(Protocol):
    async def add(self, person: Person) -> None:
        """Store a new person; Conflict if the address is taken."""

    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Person | None: ...

    async def find_by_email(self, email: str, *, for_update: bool = False) -> Person | None: ...

    async def save(self, person: Person) -> None:
        """Store a changed person; Conflict if the new address is taken."""

    async def remove(self, person_id: uuid.UUID) -> None: ...


class OrganisationRepository(Protocol):
    async def add(self, org: Organisation) -> None:
        """Store a new organisation; Conflict if its business ID is taken."""

    async def save(self, org: Organisation) -> None: ...

    async def get(self, org_id: uuid.UUID, *, for_update: bool = False) -> Organisation | None: ...

    async def remove(self, org_id: uuid.UUID) -> None:
        """Conflict while people are linked to it."""

    async def search(self, **filters: Any) -> tuple[list[Organisation], int]: ...

    async def link(
        self,
        *,
        person_id: uuid.UUID,
        organisation_id: uuid.UUID,
        role: str = "",
        start: date | None = None,
        end: date | None = None,
    ) -> uuid.UUID: ...

    async def end_link(self, link_id: uuid.UUID, person_id: uuid.UUID, end: date) -> bool:
        """Whether the person had this link."""

    async def people_of(self, org_id: uuid.UUID) -> list[uuid.UUID]: ...

    async def by_name(self, name: str) -> Organisation | None:
        """The organisation of exactly this name (any case), preferring a reviewed one."""

    async def links_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]:
        """The person's links, current ones first, each with its organisation's name and type."""

    async def active_names(self, *, lang: str = "fi", limit: int = 1000) -> list[str]:
        """The names of the current, reviewed organisations in `lang`'s order (the public
        forms' suggestions), at most `limit`."""


class ConsentRepository(Protocol):
    """The append-only consent log, and the signups waiting for their confirmation."""

    async def append(self, entries: list[ConsentEntry]) -> None: ...

    async def add_signup(
        self,
        *,
        signup_id: uuid.UUID,
        person_id: uuid.UUID,
        details: dict[str, Any],
        wording_version: str,
        ip: str | None,
    ) -> None: ...

    async def signup(
        self, signup_id: uuid.UUID, *, for_update: bool = False
    ) -> dict[str, Any] | None: ...

    async def mark_confirmed(self, signup_id: uuid.UUID, at: datetime) -> None: ...

    async def last_signup_at(self, person_id: uuid.UUID) -> datetime | None: ...

    async def newest_pending_signup(self, person_id: uuid.UUID) -> uuid.UUID | None:
        """The person's newest signup not confirmed yet."""


class SegmentRepository(Protocol):
    async def add(self, segment: Segment) -> None: ...

    async def save(self, segment: Segment) -> None: ...

    async def get(self, segment_id: uuid.UUID, *, for_update: bool = False) -> Segment | None: ...

    async def all_segments(
        self, *, include_archived: bool = False, lang: str = "fi"
    ) -> list[Segment]: ...

    async def area_names(self, lang: str = "fi") -> dict[str, str]:
        """Self-assessment area key -> its name in `lang` (the `weak_areas` field's words)."""


class Audience(Protocol):
    """Who a rule selects, over contacts' own snapshot projection (never erased rows)."""

    async def count(self, rule: Rule, now: datetime) -> int: ...

    async def sample(
        self, rule: Rule, now: datetime, *, limit: int, lang: str = "fi"
    ) -> list[dict[str, Any]]:
        """Up to `limit` matching people in name order (of `lang`), so a sample is stable."""


class TopicRepository(Protocol):
    async def all_topics(self, *, include_archived: bool = False) -> list[Topic]: ...

    async def get(self, key: str) -> Topic | None: ...

    async def add(self, topic: Topic) -> None:
        """Conflict if the key is taken."""

    async def save(self, topic: Topic) -> None: ...


class TagRepository(Protocol):
    async def ensure(self, name: str) -> str:
        """The stored spelling of a tag, created when no tag matches case-insensitively."""

    async def all_with_counts(self, lang: str = "fi") -> list[tuple[str, int]]:
        """Every tag with how many people carry it, alphabetically (in `lang`)."""

    async def names(self, lang: str = "fi") -> list[str]:
        """Every tag, alphabetically (no counting: the forms that offer tags need no more)."""


class EventSeriesRepository(Protocol):
    async def names(self) -> list[tuple[str, dict[str, str]]]:
        """Every event series the catalogue knows: (series id, language -> name)."""


class MembershipRepository(Protocol):
    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Membership | None: ...

    async def put(self, membership: Membership) -> None: ...

    async def record(self, step: Transition) -> None:
        """Keep one step of the membership's history (from, to, by whom, why)."""


class PersonEvents(Protocol):
    """What others learn about a person: snapshots, tombstones and timeline events."""

    async def publish_snapshot(self, person: Person) -> None: ...

    async def publish_erasure(
        self, person: Person, *, merged_into: uuid.UUID | None = None
    ) -> None: ...

    async def record_activity(
        self,
        person_id: uuid.UUID,
        kind: str,
        details: dict[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> None: ...


class AuditLog(Protocol):
    async def record(
        self,
        actor: Actor | None,
        action: str,
        *,
        target_type: str,
        target_id: str,
        details: dict[str, Any] | None = None,
    ) -> None: ...


class GroupInvitations(Protocol):
    async def invite_new_member(self, person: Person, *, at: datetime) -> None:
        """A membership became active: invite to the group once, never after a decision."""


class EnquiryRepository(Protocol):
    """Enquiries from the public contact form and their replies."""

    async def add(self, enquiry: Enquiry) -> None: ...

    async def save(self, before: Enquiry, after: Enquiry) -> None:
        """The state and any reply `after` has that `before` had not."""

    async def get(self, enquiry_id: uuid.UUID, *, for_update: bool = False) -> Enquiry | None: ...

    async def listed(self, *, state: str | None = None) -> list[Enquiry]:
        """Newest first (at most 200), without their replies."""

    async def counts(self) -> dict[str, int]: ...

    async def remove(self, enquiry_ids: list[uuid.UUID]) -> None:
        """The enquiries, their replies and any reply mail not yet handed to Kafka."""


class NoteRepository(Protocol):
    """Staff notes on people and organisations, newest first when read (at most 500)."""

    async def add(self, note: Note) -> None: ...

    async def of_person(self, person_id: uuid.UUID) -> list[Note]: ...

    async def of_organisation(self, organisation_id: uuid.UUID) -> list[Note]: ...


class VisitRepository(Protocol):
    """Visit requests ("Kutsu meidät kylään") and the staff queue's reads."""

    async def add(self, visit: VisitRequest) -> None: ...

    async def save_state(self, visit: VisitRequest) -> None: ...

    async def get(
        self, visit_id: uuid.UUID, *, for_update: bool = False
    ) -> VisitRequest | None: ...

    async def listed(
        self, *, state: str | None = None, organisation_id: uuid.UUID | None = None
    ) -> list[VisitRequest]:
        """Newest first (at most 200)."""


class ContactsUnitOfWork(OutboxUnitOfWork, Protocol):
    people: PeopleRepository
    organisations: OrganisationRepository
    consents: ConsentRepository
    topics: TopicRepository
    tags: TagRepository
    event_series: EventSeriesRepository
    memberships: MembershipRepository
    segments: SegmentRepository
    audience: Audience
    events: PersonEvents
    audit: AuditLog
    group: GroupInvitations
    visits: VisitRepository
    notes: NoteRepository
    enquiries: EnquiryRepository
    legal: LegalTextRepository
    retention: RetentionRepository
    merging: MergingRepository
    assessments: AssessmentRepository
    activity: ActivityRepository
    figures: FigureCounts
    participation: ParticipationRepository
    staff_actions: StaffActionRepository
    onboarding: OnboardingRepository
    dashboard: DashboardRepository
    impact: ImpactRepository
    imports: ImportRepository
    jobs: JobRepository
    staff: StaffRepository
    directory: PeopleDirectory


def unit_of_work(engine: AsyncEngine, *, send_mail: bool = True) -> UnitOfWork:
    if send_mail:
        return UnitOfWork(engine, outbox=outbox, service="contacts")
    return _WithoutMail(engine, outbox=outbox, service="contacts")


class _WithoutMail(UnitOfWork):
    """Everything as usual except mail: requests for it are dropped (demo data, on request)."""

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None:
        if consumed_topic(topic) != MAIL_REQUESTED.name:
            super().publish(topic, key, event)


class _SqlPeople:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, person: Person) -> None:
        await people_store.add(self._conn, person)

    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Person | None:
        return await people_store.get(self._conn, person_id, for_update=for_update)

    async def find_by_email(self, email: str, *, for_update: bool = False) -> Person | None:
        return await people_store.find_by_email(self._conn, email, for_update=for_update)

    async def save(self, person: Person) -> None:
        await people_store.save(self._conn, person)

    async def remove(self, person_id: uuid.UUID) -> None:
        await people_store.remove(self._conn, person_id)


class _SqlOrganisations:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, org: Organisation) -> None:
        await organisation_store.add(self._conn, org)

    async def save(self, org: Organisation) -> None:
        await organisation_store.save(self._conn, org)

    async def get(self, org_id: uuid.UUID, *, for_update: bool = False) -> Organisation | None:
        return await organisation_store.get(self._conn, org_id, for_update=for_update)

    async def remove(self, org_id: uuid.UUID) -> None:
        await organisation_store.remove(self._conn, org_id)

    async def search(self, **filters: Any) -> tuple[list[Organisation], int]:
        return await organisation_store.search(self._conn, **filters)

    async def link(
        self,
        *,
        person_id: uuid.UUID,
        organisation_id: uuid.UUID,
        role: str = "",
        start: date | None = None,
        end: date | None = None,
    ) -> uuid.UUID:
        return await organisation_store.link(
            self._conn,
            person_id=person_id,
            organisation_id=organisation_id,
            role=role,
            start=start,
            end=end,
        )

    async def end_link(self, link_id: uuid.UUID, person_id: uuid.UUID, end: date) -> bool:
        return await organisation_store.end_link(self._conn, link_id, person_id, end)

    async def people_of(self, org_id: uuid.UUID) -> list[uuid.UUID]:
        return await organisation_store.people_of(self._conn, org_id)

    async def by_name(self, name: str) -> Organisation | None:
        return await organisation_store.by_name(self._conn, name)

    async def links_of(self, person_id: uuid.UUID) -> list[dict[str, Any]]:
        return await organisation_store.links_of(self._conn, person_id)

    async def active_names(self, *, lang: str = "fi", limit: int = 1000) -> list[str]:
        return await organisation_store.active_names(self._conn, limit=limit, lang=lang)


class _SqlConsents:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def append(self, entries: list[ConsentEntry]) -> None:
        await consent_store.append(self._conn, entries)

    async def add_signup(
        self,
        *,
        signup_id: uuid.UUID,
        person_id: uuid.UUID,
        details: dict[str, Any],
        wording_version: str,
        ip: str | None,
    ) -> None:
        await consent_store.add_signup(
            self._conn,
            signup_id=signup_id,
            person_id=person_id,
            details=details,
            wording_version=wording_version,
            ip=ip,
        )

    async def signup(
        self, signup_id: uuid.UUID, *, for_update: bool = False
    ) -> dict[str, Any] | None:
        return await consent_store.signup(self._conn, signup_id, for_update=for_update)

    async def mark_confirmed(self, signup_id: uuid.UUID, at: datetime) -> None:
        await consent_store.mark_confirmed(self._conn, signup_id, at)

    async def last_signup_at(self, person_id: uuid.UUID) -> datetime | None:
        return await consent_store.last_signup_at(self._conn, person_id)

    async def newest_pending_signup(self, person_id: uuid.UUID) -> uuid.UUID | None:
        return await consent_store.newest_pending_signup(self._conn, person_id)


class _SqlSegments:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def area_names(self, lang: str = "fi") -> dict[str, str]:
        return await assessment_store.area_names(self._conn, lang)

    async def add(self, segment: Segment) -> None:
        await segment_store.add(self._conn, segment)

    async def save(self, segment: Segment) -> None:
        await segment_store.save(self._conn, segment)

    async def get(self, segment_id: uuid.UUID, *, for_update: bool = False) -> Segment | None:
        return await segment_store.get(self._conn, segment_id, for_update=for_update)

    async def all_segments(
        self, *, include_archived: bool = False, lang: str = "fi"
    ) -> list[Segment]:
        return await segment_store.all_segments(
            self._conn, include_archived=include_archived, lang=lang
        )


class _SqlAudience:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def count(self, rule: Rule, now: datetime) -> int:
        return await count_matching(self._conn, contact_snapshot, rule, now)

    async def sample(
        self, rule: Rule, now: datetime, *, limit: int, lang: str = "fi"
    ) -> list[dict[str, Any]]:
        return await segment_store.sample(self._conn, rule, now, limit=limit, lang=lang)


class _SqlTopics:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def all_topics(self, *, include_archived: bool = False) -> list[Topic]:
        return await topic_store.all_topics(self._conn, include_archived=include_archived)

    async def get(self, key: str) -> Topic | None:
        return await topic_store.get(self._conn, key)

    async def add(self, topic: Topic) -> None:
        await topic_store.add(self._conn, topic)

    async def save(self, topic: Topic) -> None:
        await topic_store.save(self._conn, topic)


class _SqlEventSeries:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def names(self) -> list[tuple[str, dict[str, str]]]:
        return [(str(sid), names) for sid, names in await participation_store.series(self._conn)]


class _SqlTags:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def ensure(self, name: str) -> str:
        return await tag_store.ensure(self._conn, name)

    async def all_with_counts(self, lang: str = "fi") -> list[tuple[str, int]]:
        return await tag_store.all_with_counts(self._conn, lang)

    async def names(self, lang: str = "fi") -> list[str]:
        return await tag_store.names(self._conn, lang)


class _SqlMemberships:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def get(self, person_id: uuid.UUID, *, for_update: bool = False) -> Membership | None:
        return await membership_store.get(self._conn, person_id, for_update=for_update)

    async def put(self, membership: Membership) -> None:
        await membership_store.put(self._conn, membership)

    async def record(self, step: Transition) -> None:
        await membership_store.add_transition(self._conn, step)


class _SqlPersonEvents:
    def __init__(self, uow: UnitOfWork) -> None:
        self._uow = uow

    async def publish_snapshot(self, person: Person) -> None:
        await snapshots.publish_snapshot(self._uow, person)

    async def publish_erasure(
        self, person: Person, *, merged_into: uuid.UUID | None = None
    ) -> None:
        await snapshots.publish_erasure(self._uow, person, merged_into=merged_into)

    async def record_activity(
        self,
        person_id: uuid.UUID,
        kind: str,
        details: dict[str, Any] | None = None,
        *,
        at: datetime | None = None,
    ) -> None:
        await snapshots.record_activity(self._uow, person_id, kind, details, at=at)


class _SqlGroupInvitations:
    def __init__(self, uow: ContactsUnitOfWork) -> None:
        self._uow = uow

    async def invite_new_member(self, person: Person, *, at: datetime) -> None:
        await onboarding_service.invite_new_member(self._uow, person, at=at)


class _SqlVisits:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, visit: VisitRequest) -> None:
        await visit_store.add(self._conn, visit)

    async def save_state(self, visit: VisitRequest) -> None:
        await visit_store.save_state(self._conn, visit)

    async def get(self, visit_id: uuid.UUID, *, for_update: bool = False) -> VisitRequest | None:
        return await visit_store.get(self._conn, visit_id, for_update=for_update)

    async def listed(
        self, *, state: str | None = None, organisation_id: uuid.UUID | None = None
    ) -> list[VisitRequest]:
        return await visit_store.listed(self._conn, state=state, organisation_id=organisation_id)


class _SqlEnquiries:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, enquiry: Enquiry) -> None:
        await enquiry_store.add(self._conn, enquiry)

    async def save(self, before: Enquiry, after: Enquiry) -> None:
        await enquiry_store.save(self._conn, before, after)

    async def get(self, enquiry_id: uuid.UUID, *, for_update: bool = False) -> Enquiry | None:
        return await enquiry_store.get(self._conn, enquiry_id, for_update=for_update)

    async def listed(self, *, state: str | None = None) -> list[Enquiry]:
        return await enquiry_store.listed(self._conn, state=state)

    async def counts(self) -> dict[str, int]:
        return await enquiry_store.counts(self._conn)

    async def remove(self, enquiry_ids: list[uuid.UUID]) -> None:
        await enquiry_store.remove(self._conn, enquiry_ids)


class _SqlNotes:
    def __init__(self, conn: AsyncConnection) -> None:
        self._conn = conn

    async def add(self, note: Note) -> None:
        await note_store.add(self._conn, note)

    async def of_person(self, person_id: uuid.UUID) -> list[Note]:
        return await note_store.of_person(self._conn, person_id)

    async def of_organisation(self, organisation_id: uuid.UUID) -> list[Note]:
        return await note_store.of_organisation(self._conn, organisation_id)


class SqlContactsUnitOfWork(ContactsUnitOfWork):
    """The real unit of work: one connection of contacts' database, its outbox on commit. The
    repositories are the Protocol's, declared once there."""

    def __init__(self, engine: AsyncEngine, *, send_mail: bool = True) -> None:
        self._uow = unit_of_work(engine, send_mail=send_mail)

    @property
    def conn(self) -> AsyncConnection:
        """For a feature whose queries are not behind a named repository yet."""
        return self._uow.conn

    async def __aenter__(self) -> Self:
        await self._uow.__aenter__()
        conn = self._uow.conn
        self.people = _SqlPeople(conn)
        self.organisations = _SqlOrganisations(conn)
        self.consents = _SqlConsents(conn)
        self.topics = _SqlTopics(conn)
        self.tags = _SqlTags(conn)
        self.event_series = _SqlEventSeries(conn)
        self.memberships = _SqlMemberships(conn)
        self.segments = _SqlSegments(conn)
        self.audience = _SqlAudience(conn)
        self.events = _SqlPersonEvents(self._uow)
        self.audit = SqlAuditLog(conn)
        self.group = _SqlGroupInvitations(self)
        self.visits = _SqlVisits(conn)
        self.notes = _SqlNotes(conn)
        self.enquiries = _SqlEnquiries(conn)
        self.legal = SqlLegalTexts(conn)
        self.retention = SqlRetention(conn)
        self.merging = SqlMerging(conn)
        self.assessments = SqlAssessments(conn)
        self.activity = SqlActivity(conn)
        self.figures = SqlFigureCounts(conn)
        self.participation = SqlParticipation(conn)
        self.staff_actions = SqlStaffActions(conn)
        self.onboarding = SqlOnboarding(conn)
        self.dashboard = SqlDashboard(conn)
        self.impact = SqlImpact(conn)
        self.imports = SqlImports(conn)
        self.jobs = SqlJobs(self._uow)
        self.staff = SqlStaff(conn)
        self.directory = SqlPeopleDirectory(conn)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self._uow.__aexit__(exc_type, exc, tb)

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None:
        self._uow.publish(topic, key, event)

    async def commit(self) -> None:
        await self._uow.commit()

    @classmethod
    async def joined(cls, uow: UnitOfWork) -> SqlContactsUnitOfWork:
        """A typed view of an untyped unit of work the caller holds open: its transaction and
        its outbox, for code not moved over yet that calls a step of a moved use case inside
        it (the caller commits; entering or committing the view does nothing)."""
        typed = cls.__new__(cls)
        typed._uow = _Held(uow)
        return await typed.__aenter__()


class _Held(UnitOfWork):
    """An open unit of work lent to a typed view: the lender enters, commits and leaves it."""

    def __init__(self, lender: UnitOfWork) -> None:
        self._lender = lender

    @property
    def conn(self) -> AsyncConnection:
        return self._lender.conn

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None:
        self._lender.publish(topic, key, event)

    async def commit(self) -> None:
        pass

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        pass


# The SQL side imports at the end: these modules import `unit_of_work` above themselves.
from contacts import snapshots  # noqa: E402
from contacts.assessments import repository as assessment_store  # noqa: E402
from contacts.consents import repository as consent_store  # noqa: E402
from contacts.enquiries import repository as enquiry_store  # noqa: E402
from contacts.imports.repository.store import SqlImports  # noqa: E402
from contacts.jobs.repository.store import SqlJobs  # noqa: E402
from contacts.memberships import repository as membership_store  # noqa: E402
from contacts.notes import repository as note_store  # noqa: E402
from contacts.onboarding.service import onboarding as onboarding_service  # noqa: E402
from contacts.organisations import repository as organisation_store  # noqa: E402
from contacts.participation import repository as participation_store  # noqa: E402
from contacts.people import repository as people_store  # noqa: E402
from contacts.segments import repository as segment_store  # noqa: E402
from contacts.tags import repository as tag_store  # noqa: E402
from contacts.topics import repository as topic_store  # noqa: E402
from contacts.visits import repository as visit_store  # noqa: E402
