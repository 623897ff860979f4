"""Parking failed records on `<topic>.dlq`, and reading or replaying them (the CLI)."""

from __future__ import annotations

import asyncio
import weakref
from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from faststream.kafka import KafkaBroker

from shared.consuming import Record, dead_letter_headers
from shared.events.topics import DLQ_SUFFIX, REPLAY_SUFFIX, consumed_topic
from shared.outbox.relay import make_producer

# The consumer group a replayed record is meant for; every other group passes over it.
REPLAY_FOR_HEADER = "dlq_replay_for"

Headers = list[tuple[str, bytes | None]]


class DeadLetterProducer:
    """Parks records byte for byte: FastStream's publish takes only text headers, and a
    header that is not UTF-8 is often the very reason a record is parked. Started on the
    first park (rare), stopped with the worker."""

    def __init__(self, bootstrap_servers: str, client_id: str) -> None:
        self._bootstrap = bootstrap_servers
        self._client_id = client_id
        self._producer: AIOKafkaProducer | None = None
        self._lock = asyncio.Lock()

    async def send(
        self, topic: str, *, key: bytes | None, value: bytes | None, headers: Headers
    ) -> None:
        async with self._lock:
            if self._producer is None:
                producer = make_producer(self._bootstrap, client_id=self._client_id)
                await producer.start()
                self._producer = producer
        await self._producer.send_and_wait(topic, value=value, key=key, headers=headers)

    async def close(self) -> None:
        async with self._lock:
            if self._producer is not None:
                await self._producer.stop()
                self._producer = None


_PRODUCERS: weakref.WeakKeyDictionary[KafkaBroker, DeadLetterProducer] = weakref.WeakKeyDictionary()


def dead_letter_producer(broker: KafkaBroker, bootstrap_servers: str) -> DeadLetterProducer:
    """The one DLQ producer of a worker's broker."""
    if broker not in _PRODUCERS:
        _PRODUCERS[broker] = DeadLetterProducer(bootstrap_servers, "digituki-dead-letters")
    return _PRODUCERS[broker]


async def close_dead_letters(broker: KafkaBroker) -> None:
    producer = _PRODUCERS.pop(broker, None)
    if producer is not None:
        await producer.close()


class BrokerDeadLetters:
    def __init__(self, producer: DeadLetterProducer, consumer: str) -> None:
        self._producer = producer
        self._consumer = consumer

    async def park(self, record: Record, error: BaseException, attempts: int) -> None:
        # A record replayed to `<topic>.replay` that fails again goes back to `<topic>.dlq`.
        await self._producer.send(
            f"{consumed_topic(record.topic)}{DLQ_SUFFIX}",
            key=record.key,
            # As it came (a tombstone stays one); Kafka needs a key or a value.
            value=record.value if record.key is not None else record.value or b"",
            headers=dead_letter_headers(record, error, attempts, self._consumer),
        )


@dataclass(frozen=True)
class ParkedMessage:
    dlq_topic: str
    offset: int
    key: bytes | None
    value: bytes | None
    raw_headers: tuple[tuple[str, bytes | None], ...]

    @property
    def headers(self) -> dict[str, str]:
        """For reading: values as text (bytes that are not UTF-8 shown as U+FFFD)."""
        return {k: (v or b"").decode(errors="replace") for k, v in self.raw_headers}

    @property
    def original_topic(self) -> str:
        return self.headers.get("dlq_original_topic", self.dlq_topic.removesuffix(DLQ_SUFFIX))

    @property
    def consumer(self) -> str | None:
        """The consumer group that parked it."""
        return self.headers.get("dlq_consumer")


async def read_parked(
    bootstrap_servers: str, dlq_topic: str, *, limit: int = 1000
) -> list[ParkedMessage]:
    """Everything parked on one DLQ topic, from the start (no consumer group involved)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap_servers, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        parts = [
            TopicPartition(dlq_topic, p)
            for p in consumer.partitions_for_topic(dlq_topic)
            or await _partitions(consumer, dlq_topic)
        ]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        out: list[ParkedMessage] = []
        while len(out) < limit and await _behind(consumer, parts, ends):
            batch = await consumer.getmany(*parts, timeout_ms=1000, max_records=500)
            for records in batch.values():
                out.extend(
                    ParkedMessage(
                        dlq_topic=dlq_topic,
                        offset=r.offset,
                        key=r.key,
                        value=r.value,
                        raw_headers=tuple(r.headers),
                    )
                    for r in records
                )
        return out[:limit]
    finally:
        await consumer.stop()


async def _partitions(consumer: AIOKafkaConsumer, topic: str) -> set[int]:
    await consumer._client.force_metadata_update()
    return consumer.partitions_for_topic(topic) or set()


async def replay(bootstrap_servers: str, messages: list[ParkedMessage]) -> int:
    """Deliver parked messages again to the consumer group that parked each, and no other:
    through `<topic>.replay`, which every consumer of `<topic>` also reads, addressed by a
    header. The topic itself would reach every group again (and, compacted, could let an old
    record shadow a newer one of the same key). The record's own bytes go back unchanged."""
    unaddressed = [m.offset for m in messages if not m.consumer]
    if unaddressed:
        raise ValueError(f"parked messages without a consumer group: offsets {unaddressed}")
    producer = make_producer(bootstrap_servers, client_id="digituki-dlq-replay")
    await producer.start()
    try:
        for m in messages:
            headers: Headers = [(k, v) for k, v in m.raw_headers if not k.startswith("dlq_")]
            headers.append((REPLAY_FOR_HEADER, (m.consumer or "").encode()))
            await producer.send_and_wait(
                f"{m.original_topic}{REPLAY_SUFFIX}",
                value=m.value if m.key is not None else m.value or b"",
                key=m.key,
                headers=headers,
            )
        return len(messages)
    finally:
        await producer.stop()


def meant_for_others(record: Record, consumer: str) -> bool:
    """A replayed record addressed to another consumer group (not to be applied here)."""
    if not record.topic.endswith(REPLAY_SUFFIX):
        return False
    target = dict(record.headers).get(REPLAY_FOR_HEADER)
    return target != consumer.encode()


async def _behind(
    consumer: AIOKafkaConsumer, parts: list[TopicPartition], ends: dict[TopicPartition, int]
) -> bool:
    positions = [await consumer.position(p) for p in parts]
    return any(pos < ends[p] for pos, p in zip(positions, parts, strict=True))
