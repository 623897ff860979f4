"""Every Kafka topic of the system, with its partitions and configuration.

Topics are created by the project (the broker refuses auto-creation) and never
re-partitioned, because that would move keys between partitions and break per-key order.
"""

from __future__ import annotations

from dataclasses import dataclass, field

KEYED_PARTITIONS = 6
REPLAY_SUFFIX = ".replay"
DLQ_SUFFIX = ".dlq"
ONE_DAY_MS = 24 * 60 * 60 * 1000


@dataclass(frozen=True)
class Topic:
    name: str
    partitions: int = KEYED_PARTITIONS
    compacted: bool = False
    config: dict[str, str] = field(default_factory=dict)
    has_dlq: bool = True

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


CONTACT_SNAPSHOTS = Topic(
    "contacts.contact.v1",
    compacted=True,
    # Erased people must leave the log too, not only the replicas.
    config={"max.compaction.lag.ms": str(ONE_DAY_MS), "min.cleanable.dirty.ratio": "0.1"},
)
SEGMENTS = Topic("contacts.segment.v1", compacted=True)
CONTACT_EVENTS = Topic("contacts.events.v1")
MAIL_REQUESTED = Topic("mail.requested.v1")
MAIL_EVENTS = Topic("mail.events.v1")
SURVEY_RESPONSES = Topic("surveys.responses.v1")
STAFF_AUDIT = Topic("staff.audit.v1")

TOPICS: dict[str, Topic] = {
    t.name: t
    for t in (
        CONTACT_SNAPSHOTS,
        SEGMENTS,
        CONTACT_EVENTS,
        MAIL_REQUESTED,
        MAIL_EVENTS,
        SURVEY_RESPONSES,
        STAFF_AUDIT,
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
            out.append((topic_name(t.dlq, prefix), DLQ_PARTITIONS, {}))
            out.append((topic_name(t.replay, prefix), DLQ_PARTITIONS, {}))
    return out
