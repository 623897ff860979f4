"""Reading what a topic holds so far, as tests and checks need it."""

from __future__ import annotations

import json
from typing import Any

from aiokafka import AIOKafkaConsumer, TopicPartition

# Set on the records the malformed-record sweep puts on every topic on purpose
# (tests/e2e/test_no_record_skipped.py): readers of what the services published skip them.
SWEEP_HEADER = "test_sweep"


async def read_topic(bootstrap: str, topic: str) -> list[tuple[dict[str, str], Any]]:
    """Every record of a 6-partition topic so far: (CloudEvent headers, decoded value)."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        parts = [TopicPartition(topic, p) for p in range(6)]
        consumer.assign(parts)
        await consumer.seek_to_beginning(*parts)
        ends = await consumer.end_offsets(parts)
        out: list[tuple[dict[str, str], Any]] = []

        async def behind() -> bool:
            return any([await consumer.position(tp) < ends[tp] for tp in parts])

        while await behind():
            for records in (await consumer.getmany(*parts, timeout_ms=500)).values():
                out.extend(
                    (
                        {k: v.decode() for k, v in r.headers},
                        json.loads(r.value) if r.value else None,
                    )
                    for r in records
                    if SWEEP_HEADER not in dict(r.headers)
                )
        return out
    finally:
        await consumer.stop()
