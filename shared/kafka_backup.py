"""Back up and restore the compacted Kafka topics that replicas are rebuilt from.

`contacts.contact.v1` (every person's newest snapshot, tombstones for erased people) and
`contacts.segment.v1` are the source of truth for newsletter's and surveys' replicas; after a
loss of Kafka they could otherwise only be refilled by contacts republishing everything.

    python -m shared.kafka_backup dump FILE      # every compacted topic, beginning to end
    python -m shared.kafka_backup restore FILE   # into empty topics, before the services start

FILE holds JSON lines: topic (without the installation's prefix), partition, offset,
timestamp, key, value and headers, bytes as base64 (value null = tombstone). Restore produces
each record to the same partition in the original order, so per-key order and compaction
results are the same; it refuses a topic that already holds records (no duplicates).
Addresses come from KAFKA_BOOTSTRAP_SERVERS and KAFKA_TOPIC_PREFIX, as for the services.
"""

from __future__ import annotations

import argparse
import asyncio
import base64
import json
import os
import sys
from pathlib import Path
from typing import Any

from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition

from shared.events.topics import TOPICS, Topic, topic_name
from shared.kafka import ensure_topics

BACKED_UP: tuple[Topic, ...] = tuple(t for t in TOPICS.values() if t.compacted)


def _b64(data: bytes | None) -> str | None:
    return None if data is None else base64.b64encode(data).decode("ascii")


def _bytes(text: str | None) -> bytes | None:
    return None if text is None else base64.b64decode(text)


def _consumer(bootstrap: str) -> AIOKafkaConsumer:
    # "earliest": assign() starts a background position reset; with the default "latest" it
    # could land after our seek and silently skip every record (seen under load).
    return AIOKafkaConsumer(
        bootstrap_servers=bootstrap,
        group_id=None,
        enable_auto_commit=False,
        auto_offset_reset="earliest",
    )


async def _partitions(
    consumer: AIOKafkaConsumer, topic: Topic, prefix: str
) -> tuple[list[TopicPartition], dict[TopicPartition, int], dict[TopicPartition, int]]:
    partitions = [
        TopicPartition(topic_name(topic.name, prefix), p) for p in range(topic.partitions)
    ]
    consumer.assign(partitions)
    start = await consumer.beginning_offsets(partitions)
    end = await consumer.end_offsets(partitions)
    return partitions, start, end


async def dump(bootstrap: str, prefix: str, out: Path) -> dict[str, int]:
    """Every backed-up topic from its first offset to the end offsets seen at the start."""
    counts: dict[str, int] = {}
    consumer = _consumer(bootstrap)
    await consumer.start()
    try:
        existing = await consumer.topics()
        with out.open("w", encoding="utf-8") as f:
            for topic in BACKED_UP:
                counts[topic.name] = 0
                if topic_name(topic.name, prefix) not in existing:
                    continue  # never created (nothing published yet): nothing to keep
                partitions, start, end = await _partitions(consumer, topic, prefix)
                for tp in partitions:
                    consumer.seek(tp, start[tp])
                remaining = {tp for tp in partitions if end[tp] > start[tp]}
                while remaining:
                    batches = await consumer.getmany(*remaining, timeout_ms=1000)
                    for tp, records in batches.items():
                        for r in records:
                            if r.offset >= end[tp]:
                                continue  # newer than the dump's snapshot of the topic
                            line: dict[str, Any] = {
                                "topic": topic.name,
                                "partition": r.partition,
                                "offset": r.offset,
                                "timestamp": r.timestamp,
                                "key": _b64(r.key),
                                "value": _b64(r.value),
                                "headers": [[k, _b64(v)] for k, v in r.headers],
                            }
                            f.write(json.dumps(line) + "\n")
                            counts[topic.name] += 1
                    for tp in list(remaining):
                        if await consumer.position(tp) >= end[tp]:
                            remaining.discard(tp)
    finally:
        await consumer.stop()
    return counts


class NotEmpty(Exception):
    """A backed-up topic already holds records: restoring would duplicate them."""


class Incomplete(Exception):
    """After producing, a partition does not hold the records sent to it."""


async def _record_counts(bootstrap: str, prefix: str) -> dict[TopicPartition, int]:
    """How many records each partition of the backed-up topics holds now."""
    consumer = _consumer(bootstrap)
    await consumer.start()
    try:
        counts: dict[TopicPartition, int] = {}
        for topic in BACKED_UP:
            _, start, end = await _partitions(consumer, topic, prefix)
            counts |= {tp: end[tp] - start[tp] for tp in end}
        return counts
    finally:
        await consumer.stop()


async def restore(bootstrap: str, prefix: str, source: Path) -> dict[str, int]:
    created = set(await ensure_topics(bootstrap, prefix))
    # A topic created just now is empty by definition; asking a partition that is still
    # being set up for its offsets is exactly when a broker may answer with stale ones.
    before = await _record_counts(bootstrap, prefix)
    for topic in BACKED_UP:
        if topic_name(topic.name, prefix) in created:
            continue
        if any(n > 0 for tp, n in before.items() if tp.topic == topic_name(topic.name, prefix)):
            raise NotEmpty(f"{topic.name} is not empty: restore only into an empty Kafka")
    counts = {t.name: 0 for t in BACKED_UP}
    sent: dict[TopicPartition, int] = {}
    producer = AIOKafkaProducer(bootstrap_servers=bootstrap, enable_idempotence=True)
    await producer.start()
    try:
        with source.open(encoding="utf-8") as f:
            for raw in f:
                line = json.loads(raw)
                headers = [(k, _bytes(v) or b"") for k, v in line["headers"]]
                name = topic_name(line["topic"], prefix)
                await producer.send_and_wait(  # one at a time: keeps the original order
                    name,
                    key=_bytes(line["key"]),
                    value=_bytes(line["value"]),
                    partition=line["partition"],
                    timestamp_ms=line["timestamp"],
                    headers=headers,
                )
                counts[line["topic"]] = counts.get(line["topic"], 0) + 1
                tp = TopicPartition(name, line["partition"])
                sent[tp] = sent.get(tp, 0) + 1
    finally:
        await producer.stop()
    # Acknowledged is not yet proof: read the partitions back before calling it restored.
    after = await _record_counts(bootstrap, prefix)
    short = {
        f"{tp.topic}[{tp.partition}]": (after.get(tp, 0), n)
        for tp, n in sent.items()
        if after.get(tp, 0) < before.get(tp, 0) + n
    }
    if short:
        raise Incomplete(f"partitions hold fewer records than were restored: {short}")
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m shared.kafka_backup")
    parser.add_argument("action", choices=["dump", "restore"])
    parser.add_argument("file", type=Path)
    parser.add_argument(
        "--skip-if-not-empty",
        action="store_true",
        help="restore: leave topics that hold records alone (Kafka survived) and exit 0",
    )
    args = parser.parse_args(argv)
    # Read directly: the services' settings would also demand their secrets here.
    bootstrap = os.environ.get("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:9092")
    prefix = os.environ.get("KAFKA_TOPIC_PREFIX", "")
    if args.action == "dump":
        counts = asyncio.run(dump(bootstrap, prefix, args.file))
    else:
        try:
            counts = asyncio.run(restore(bootstrap, prefix, args.file))
        except NotEmpty as exc:
            print(json.dumps({"action": "restore", "skipped": str(exc)}))
            return 0 if args.skip_if_not_empty else 1
        except Incomplete as exc:
            print(json.dumps({"action": "restore", "failed": str(exc)}))
            return 1
    print(json.dumps({"action": args.action, "records": counts}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
