"""Every Kafka topic of the system, with its partitions and configuration.

Topics are created by the project (the broker refuses auto-creation) and never
re-partitioned, because that would move keys between partitions and break per-key order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from shared.events.audit import StaffActionV1
from shared.events.contacts import ContactActivityV1, ContactSnapshotV1, SegmentV1
from shared.events.envelope import EventData
from shared.events.events import EventPublishedV1, FeedbackRequestedV1, RegistrationChangedV1
from shared.events.mail import MailEventV1, MailRequestedV1
from shared.events.materials import MaterialV1
from shared.events.newsletter_signup import NewsletterSignupRequestedV1
from shared.events.surveys import (
    AssessmentResultV1,
    EventFeedbackV1,
    ResponseSubmittedV1,
    SurveyV1,
)

KEYED_PARTITIONS = 6
REPLAY_SUFFIX = ".replay"
DLQ_SUFFIX = ".dlq"
ONE_DAY_MS = 24 * 60 * 60 * 1000
# How long Kafka keeps a mail request or a delivery outcome: one day is enough for every
# consumer to catch up after an outage, and an erased person's address, name and links are
# gone from the log at most a day (plus one log segment's roll, `segment.ms`) later.
PERSONAL_RETENTION_MS = ONE_DAY_MS
# A parked record waits for an operator's replay; a week covers a holiday weekend.
PERSONAL_DLQ_RETENTION_MS = 7 * ONE_DAY_MS
# Kafka deletes whole segments only: a segment rolls at least hourly on these topics.
PERSONAL_SEGMENT_MS = 60 * 60 * 1000


def _short_lived() -> dict[str, str]:
    return {"retention.ms": str(PERSONAL_RETENTION_MS), "segment.ms": str(PERSONAL_SEGMENT_MS)}


@dataclass(frozen=True)
class Topic:
    name: str
    # What every record's value is (CloudEvents binary mode: the event's data; its attributes
    # travel as ce_* headers): the AsyncAPI documents and the consumers' parsing use it.
    payload: type[EventData]
    partitions: int = KEYED_PARTITIONS
    compacted: bool = False
    config: dict[str, str] = field(default_factory=dict)
    has_dlq: bool = True
    # Records carry personal data (an address, a name, a live link): the topic and its
    # dead-letter topic keep them no longer than the periods below (docs/privacy.md).
    personal: bool = False

    def configs(self) -> dict[str, str]:
        base = {"cleanup.policy": "compact"} if self.compacted else {}
        return base | self.config

    @property
    def dlq(self) -> str:
        return f"{self.name}.dlq"

    @property
    def replay(self) -> str:
        """Where `digituki dlq replay` puts a parked record back, addressed to the one
        consumer group that parked it (the topic itself would reach every group again)."""
        return f"{self.name}{REPLAY_SUFFIX}"

    def dlq_configs(self) -> dict[str, str]:
        return {"retention.ms": str(PERSONAL_DLQ_RETENTION_MS)} if self.personal else {}


CONTACT_SNAPSHOTS = Topic(
    "contacts.contact.v1",
    ContactSnapshotV1,
    compacted=True,
    personal=True,
    # Erased people must leave the log too, not only the replicas.
    config={"max.compaction.lag.ms": str(ONE_DAY_MS), "min.cleanable.dirty.ratio": "0.1"},
)
SEGMENTS = Topic("contacts.segment.v1", SegmentV1, compacted=True)
CONTACT_EVENTS = Topic("contacts.events.v1", ContactActivityV1)
MAIL_REQUESTED = Topic("mail.requested.v1", MailRequestedV1, personal=True, config=_short_lived())
MAIL_EVENTS = Topic("mail.events.v1", MailEventV1, personal=True, config=_short_lived())
SURVEY_RESPONSES = Topic("surveys.responses.v1", ResponseSubmittedV1)
# Identified self-assessment results, keyed by contact (surveys.assessment).
SURVEY_ASSESSMENTS = Topic("surveys.assessment.v1", AssessmentResultV1)
STAFF_AUDIT = Topic("staff.audit.v1", StaffActionV1)
# Published events for the newsletter's event card and the dashboard (key = event id).
EVENTS = Topic("events.event.v1", EventPublishedV1, compacted=True)
# Registrations, waiting list, cancellations, attendance (key = event id: in order per event).
EVENT_REGISTRATIONS = Topic("events.registration.v1", RegistrationChangedV1)
# Surveys staff may offer elsewhere (events' feedback survey), by title (key = survey id).
SURVEYS = Topic("surveys.survey.v1", SurveyV1, compacted=True)
# After an event, one personal request per attendee for its feedback survey (key = event id).
EVENT_FEEDBACK_REQUESTS = Topic(
    "events.feedback_requested.v1", FeedbackRequestedV1, personal=True, config=_short_lived()
)
# An event's feedback survey: invited and answered counts (compacted, key = event id).
EVENT_FEEDBACK = Topic("surveys.event_feedback.v1", EventFeedbackV1, compacted=True)
# "Also subscribe to the newsletter" on an event's registration form: contacts runs the
# double opt-in of /join (key = registration id; an address and a name: kept a day).
EVENT_NEWSLETTER_SIGNUPS = Topic(
    "events.newsletter-signup.v1",
    NewsletterSignupRequestedV1,
    personal=True,
    config=_short_lived(),
)
# The programme's materials (newsletter.materials; key = material id): surveys links them
# from self-assessment results (docs/materials.md).
MATERIALS = Topic("newsletter.material.v1", MaterialV1, compacted=True)

TOPICS: dict[str, Topic] = {
    t.name: t
    for t in (
        CONTACT_SNAPSHOTS,
        SEGMENTS,
        CONTACT_EVENTS,
        MAIL_REQUESTED,
        MAIL_EVENTS,
        SURVEY_RESPONSES,
        SURVEY_ASSESSMENTS,
        STAFF_AUDIT,
        EVENTS,
        EVENT_REGISTRATIONS,
        SURVEYS,
        EVENT_FEEDBACK_REQUESTS,
        EVENT_FEEDBACK,
        EVENT_NEWSLETTER_SIGNUPS,
        MATERIALS,
    )
}

DLQ_PARTITIONS = 1


def consumed_topic(physical: str) -> str:
    """The topic a record belongs to, also when it arrives again from the replay topic."""
    return physical.removesuffix(REPLAY_SUFFIX)


def topic_name(base: str, prefix: str = "") -> str:
    """The physical name: a per-run prefix keeps test runs apart on a shared broker."""
    return f"{prefix}{base}"


def all_physical_topics(prefix: str = "") -> list[tuple[str, int, dict[str, str]]]:
    """(name, partitions, configs) for every topic and its dead-letter and replay topics."""
    out: list[tuple[str, int, dict[str, str]]] = []
    for t in TOPICS.values():
        out.append((topic_name(t.name, prefix), t.partitions, t.configs()))
        if t.has_dlq:
            out.append((topic_name(t.dlq, prefix), DLQ_PARTITIONS, t.dlq_configs()))
            # Replayed records are the parked ones again: they are kept as briefly.
            out.append((topic_name(t.replay, prefix), DLQ_PARTITIONS, t.dlq_configs()))
    return out
