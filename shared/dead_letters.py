"""Parking failed records on `<topic>.dlq`, and reading or replaying them (the CLI)."""

from __future__ import annotations

from dataclasses import dataclass

from aiokafka import AIOKafkaConsumer, TopicPartition
from faststream.kafka import KafkaBroker

from shared.consuming import Record, dead_letter_headers
from shared.outbox.relay import make_producer


class BrokerDeadLetters:
    def __init__(self, broker: KafkaBroker, consumer: str) -> None:
        self._broker = broker
        self._consumer = consumer

    async def park(self, record: Record, error: BaseException, attempts: int) -> None:
        headers = dead_letter_headers(record, error, attempts, self._consumer)
        await self._broker.publish(
            record.value or b"",
            topic=f"{record.topic}.dlq",
            key=record.key,
            headers={k: v.decode(errors="replace") for k, v in headers},
        )


@dataclass(frozen=True)
class ParkedMessage:
    dlq_topic: str
    offset: int
    key: bytes | None
    value: bytes | None
    headers: dict[str, str]

    @property
    def original_topic(self) -> str:
        return self.headers.get("dlq_original_topic", self.dlq_topic.removesuffix(".dlq"))


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
                        headers={k: v.decode(errors="replace") for k, v in r.headers},
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
    """Send parked messages back to their original topic, without the dlq_* headers."""
    producer = make_producer(bootstrap_servers, client_id="digituki-dlq-replay")
    await producer.start()
    try:
        for m in messages:
            await producer.send_and_wait(
                m.original_topic,
                value=m.value if m.value else None,
                key=m.key,
                headers=[(k, v.encode()) for k, v in m.headers.items() if not k.startswith("dlq_")],
            )
        return len(messages)
    finally:
        await producer.stop()


async def _behind(
    consumer: AIOKafkaConsumer, parts: list[TopicPartition], ends: dict[TopicPartition, int]
) -> bool:
    positions = [await consumer.position(p) for p in parts]
    return any(pos < ends[p] for pos, p in zip(positions, parts, strict=True))
