"""Every worker's Kafka handlers on FastStream's in-memory test broker (no Kafka, no database).

For each service's real `build_broker`, every subscriber of every topic (and its `.replay`
twin) gets a well-formed record of that topic's payload and must run its handler inside a
transaction (the fake engine's connection reports the first thing the handler does with it),
and a record that is not a CloudEvent must be parked on `<topic>.dlq`, byte for byte, named by
the consumer group that parked it. Then the subscription rules themselves: a replayed record
addressed to another group is passed over, one addressed to this group is applied, a handler
that keeps failing is parked after its retries, an outage is raised (offset not committed),
and a batch subscriber gets records together. These are the wiring checks; what the handlers
write is checked against PostgreSQL in tests/integration.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import types
import uuid
from collections.abc import AsyncIterator, Callable
from typing import Any, Literal, Union, get_args, get_origin

import pytest
from contacts.settings import ContactsSettings
from contacts.worker import build_broker as contacts_broker
from events.settings import EventsSettings
from events.worker import build_broker as events_broker
from faststream.kafka import KafkaBroker, TestKafkaBroker
from newsletter.settings import NewsletterSettings
from newsletter.worker import build_broker as newsletter_broker
from pydantic import BaseModel
from surveys.settings import SurveysSettings
from surveys.worker import build_broker as surveys_broker

from shared import dead_letters
from shared import subscriptions as subscriptions_module
from shared.consuming import bare_connection
from shared.dead_letters import REPLAY_FOR_HEADER
from shared.events.contacts import ContactActivityV1
from shared.events.envelope import CloudEvent, EventData, new_event
from shared.events.topics import CONTACT_EVENTS, REPLAY_SUFFIX, TOPICS, consumed_topic
from shared.settings import ServiceSettings
from shared.subscriptions import subscribe_batches, subscribe_events

pytestmark = pytest.mark.unit


class HandlerReached(Exception):
    """Raised by the fake connection at the handler's first use of it."""


class TouchedConnection:
    def __init__(self, touched: list[str]) -> None:
        self._touched = touched

    def __getattr__(self, name: str) -> Any:
        self._touched.append(name)
        raise HandlerReached(name)


class FakeEngine:
    """Hands out a connection that records and refuses its first use."""

    def __init__(self) -> None:
        self.touched: list[str] = []
        self.transactions = 0

    @contextlib.asynccontextmanager
    async def begin(self) -> AsyncIterator[TouchedConnection]:
        self.transactions += 1
        yield TouchedConnection(self.touched)

    # Some wiring asks for a connection outside a transaction (e.g. a lookup before it).
    connect = begin


class Parked:
    def __init__(self) -> None:
        self.records: list[tuple[str, bytes | None, bytes | None, dict[str, bytes | None]]] = []

    async def send(
        self,
        topic: str,
        *,
        key: bytes | None,
        value: bytes | None,
        headers: list[tuple[str, bytes | None]],
    ) -> None:
        self.records.append((topic, key, value, dict(headers)))

    async def close(self) -> None:
        return None


def _sample_value(annotation: Any) -> Any:
    origin = get_origin(annotation)
    if origin is Literal:
        return get_args(annotation)[0]
    if origin in (Union, types.UnionType):
        present = [a for a in get_args(annotation) if a is not type(None)]
        return _sample_value(present[0])
    if origin in (list, tuple, set, frozenset):
        return origin()
    if origin is dict:
        return {}
    simple: dict[Any, Any] = {
        uuid.UUID: uuid.UUID(int=1),
        dt.datetime: dt.datetime(2026, 1, 1, 12, tzinfo=dt.UTC),
        dt.date: dt.date(2026, 1, 1),
        str: "x@example.fi",
        int: 1,
        float: 1.0,
        bool: False,
    }
    if annotation in simple:
        return simple[annotation]
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return sample(annotation)
    return None


def sample(model: type[BaseModel]) -> Any:
    """The smallest valid instance of a payload: every required field filled."""
    values = {
        name: _sample_value(field.annotation)
        for name, field in model.model_fields.items()
        if field.is_required()
    }
    return model(**values)


def _headers(event: CloudEvent) -> dict[str, str]:
    return {k: (v or b"").decode() for k, v in event.to_headers()}


Builder = Callable[[Any, Any], KafkaBroker]
WORKERS: dict[str, tuple[Builder, Callable[[], ServiceSettings]]] = {
    "contacts": (contacts_broker, lambda: ContactsSettings(environment="development")),
    "newsletter": (newsletter_broker, lambda: NewsletterSettings(environment="development")),
    "surveys": (surveys_broker, lambda: SurveysSettings(environment="development")),
    "events": (events_broker, lambda: EventsSettings(environment="development")),
}

# Subscribers that pass over records that are not theirs before any transaction (`wanted`),
# so a sample record may end without touching the database: what they let through is checked
# in their own tests.
FILTERED_FIRST = {"surveys.mail-events"}


def _subscriptions(broker: KafkaBroker) -> list[tuple[str, str]]:
    found = []
    for subscriber in broker.subscribers:
        for topic in subscriber.topic_names:
            found.append((topic, str(subscriber.group_id)))
    return found


@pytest.mark.parametrize("service", sorted(WORKERS))
async def test_every_subscriber_runs_its_handler_and_parks_what_is_not_an_event(
    service: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    build, make_settings = WORKERS[service]
    settings = make_settings()
    settings.consumer_backoff_s = 0.0
    engine = FakeEngine()
    parked = Parked()
    monkeypatch.setattr(subscriptions_module, "dead_letter_producer", lambda *_: parked)
    broker = build(settings, engine)
    subscriptions = _subscriptions(broker)
    assert subscriptions, f"{service} subscribes to nothing"
    for physical, group in subscriptions:
        base = consumed_topic(physical.removeprefix(settings.kafka_topic_prefix))
        assert base in TOPICS, f"{service} consumes {physical}, which the registry lacks"
        assert group.startswith(f"{settings.kafka_topic_prefix}{service}.")
        if physical.endswith(REPLAY_SUFFIX):
            assert (physical.removesuffix(REPLAY_SUFFIX), group.removesuffix(".replay")) in (
                subscriptions
            ), f"{physical} replays into a group nobody else has"
    async with TestKafkaBroker(broker) as test_broker:
        for physical, group in subscriptions:
            if physical.endswith(REPLAY_SUFFIX):
                continue
            topic = TOPICS[physical.removeprefix(settings.kafka_topic_prefix)]
            event = new_event(source="/test", data=sample(topic.payload), subject="s")
            engine.touched.clear()
            parked.records.clear()
            await test_broker.publish(
                event.value_bytes(), physical, key=b"k", headers=_headers(event)
            )
            purpose = group.removeprefix(settings.kafka_topic_prefix)
            if purpose not in FILTERED_FIRST:
                assert engine.touched, f"{group} never reached its handler for {physical}"
            # The sample is well formed, so anything parked was parked by the handler's
            # refusal of the fake connection, with this group's name on it.
            for dlq_topic, _, _, headers in parked.records:
                assert dlq_topic == f"{topic.name}.dlq"
                assert headers["dlq_consumer"] == group.encode()

            parked.records.clear()
            await test_broker.publish(
                b"\xff not json", physical, key=b"k", headers={"ce_id": "not-an-id"}
            )
            mine = [r for r in parked.records if r[3]["dlq_consumer"] == group.encode()]
            assert len(mine) == 1, f"{group} did not park a malformed record of {physical}"
            dlq_topic, key, value, headers = mine[0]
            assert (dlq_topic, key, value) == (f"{topic.name}.dlq", b"k", b"\xff not json")
            assert headers["dlq_original_topic"] == topic.name.encode()


def _activity(n: int = 7) -> CloudEvent:
    data = ContactActivityV1(
        contact_id=uuid.UUID(int=n), kind="note", occurred_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC)
    )
    return new_event(source="/test", data=data, subject="s")


class Recorded:
    def __init__(self, fail_with: BaseException | None = None) -> None:
        self.events: list[CloudEvent] = []
        self.batches: list[list[CloudEvent]] = []
        self.fail_with = fail_with

    async def one(self, conn: Any, event: CloudEvent) -> None:
        if self.fail_with is not None:
            raise self.fail_with
        self.events.append(event)

    async def batch(self, conn: Any, events: list[CloudEvent]) -> None:
        self.batches.append(list(events))


def _subscribed(recorded: Recorded) -> tuple[KafkaBroker, ServiceSettings, Parked]:
    settings = ServiceSettings(service_name="probe", environment="development")
    settings.consumer_backoff_s = 0.0
    broker = KafkaBroker("localhost:1")
    parked = Parked()
    dead_letters._PRODUCERS[broker] = parked  # type: ignore[assignment]
    subscribe_events(
        broker,
        settings=settings,
        engine=FakeEngine(),  # type: ignore[arg-type]
        topic=CONTACT_EVENTS,
        purpose="timeline",
        unit_of_work=bare_connection,
        handler=recorded.one,
        inbox=None,
        description="probe",
    )
    return broker, settings, parked


async def test_a_record_reaches_its_handler_as_the_event_it_was() -> None:
    recorded = Recorded()
    broker, settings, parked = _subscribed(recorded)
    event = _activity()
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            event.value_bytes(), settings.topic(CONTACT_EVENTS.name), headers=_headers(event)
        )
    assert [e.id for e in recorded.events] == [event.id]
    assert recorded.events[0].parse(ContactActivityV1).contact_id == uuid.UUID(int=7)
    assert parked.records == []


async def test_a_replayed_record_is_applied_only_by_the_group_it_is_addressed_to() -> None:
    recorded = Recorded()
    broker, settings, _ = _subscribed(recorded)
    mine, theirs = _activity(), _activity()
    replay = settings.topic(CONTACT_EVENTS.replay)
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            theirs.value_bytes(),
            replay,
            headers=_headers(theirs) | {REPLAY_FOR_HEADER: "someone.else"},
        )
        await test_broker.publish(
            mine.value_bytes(),
            replay,
            headers=_headers(mine) | {REPLAY_FOR_HEADER: settings.group("timeline")},
        )
    assert [e.id for e in recorded.events] == [mine.id]


async def test_a_handler_that_keeps_failing_is_parked_after_its_retries() -> None:
    recorded = Recorded(fail_with=KeyError("no such thing"))
    broker, settings, parked = _subscribed(recorded)
    event = _activity()
    async with TestKafkaBroker(broker) as test_broker:
        await test_broker.publish(
            event.value_bytes(), settings.topic(CONTACT_EVENTS.name), headers=_headers(event)
        )
    ((topic, _, value, headers),) = parked.records
    assert (topic, value) == ("contacts.events.v1.dlq", event.value_bytes())
    assert headers["dlq_attempts"] == str(settings.consumer_retries + 1).encode()
    assert headers["dlq_error_type"] == b"KeyError"
    assert headers["ce_id"] == str(event.id).encode()


async def test_an_outage_is_raised_so_the_offset_is_not_committed() -> None:
    recorded = Recorded(fail_with=ConnectionRefusedError("database down"))
    broker, settings, parked = _subscribed(recorded)
    event = _activity()
    async with TestKafkaBroker(broker) as test_broker:
        with pytest.raises(ConnectionRefusedError):
            await test_broker.publish(
                event.value_bytes(), settings.topic(CONTACT_EVENTS.name), headers=_headers(event)
            )
    assert parked.records == []


async def test_a_header_that_is_not_utf8_still_reaches_the_handler_byte_for_byte() -> None:
    """FastStream's own parser would fail the fetched batch on it (see tolerant_parser)."""
    recorded = Recorded()
    broker, settings, parked = _subscribed(recorded)
    event = _activity()
    async with TestKafkaBroker(broker) as test_broker:
        subscriber = broker.subscribers[0]
        message = _activity_record(event, settings.topic(CONTACT_EVENTS.name))
        await subscriber.consume(message)
    assert [e.id for e in recorded.events] == [event.id]
    assert parked.records == []
    assert test_broker is not None


def _activity_record(event: CloudEvent, topic: str) -> Any:
    from aiokafka.structs import ConsumerRecord

    headers = [*event.to_headers(), ("x-odd", b"\xff\xfe")]
    return ConsumerRecord(
        topic=topic,
        partition=0,
        offset=0,
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=event.value_bytes(),
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=len(event.value_bytes() or b""),
        headers=headers,
    )


async def test_a_batch_subscriber_gets_its_records_together() -> None:
    recorded = Recorded()
    settings = ServiceSettings(service_name="probe", environment="development")
    broker = KafkaBroker("localhost:1")
    dead_letters._PRODUCERS[broker] = Parked()  # type: ignore[assignment]
    subscribe_batches(
        broker,
        settings=settings,
        engine=FakeEngine(),  # type: ignore[arg-type]
        topic=CONTACT_EVENTS,
        purpose="replica",
        unit_of_work=bare_connection,
        apply_batch=recorded.batch,
        description="probe",
    )
    events = [_activity(1), _activity(2), _activity(3)]
    async with TestKafkaBroker(broker) as test_broker:
        # One set of headers for all three (the test broker's batch takes one): the bodies
        # tell the records apart.
        await test_broker.publish_batch(
            *[e.value_bytes() for e in events],
            topic=settings.topic(CONTACT_EVENTS.name),
            headers=_headers(events[0]),
        )
    (batch,) = recorded.batches
    assert [e.parse(ContactActivityV1).contact_id for e in batch] == [
        uuid.UUID(int=n) for n in (1, 2, 3)
    ]


def test_the_payload_samples_are_valid_for_every_topic() -> None:
    for topic in TOPICS.values():
        made = sample(topic.payload)
        assert isinstance(made, EventData)
        assert topic.payload.model_validate_json(made.model_dump_json()) == made
