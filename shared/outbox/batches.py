"""Record batches per partition, filled by the relay and handed to the producer whole.

`AIOKafkaProducer.send` costs a coroutine, a partitioner call in pure Python and a future per
record; the relay publishes thousands of rows a second, so it fills one `BatchBuilder` per
(topic, partition) itself and submits each with `send_batch`. Records land exactly where
`send` would put them (Kafka's murmur2 of the key, as the Java client and aiokafka's default
partitioner compute it; a keyless record on a random available partition), in the outbox's
order within each partition, with the same key, value and headers. The idempotent producer
still numbers the batches when it sends them, so a retry cannot duplicate or reorder one.
"""

from __future__ import annotations

import asyncio
import random
import struct
from typing import Any

from aiokafka import AIOKafkaProducer

_SEED = 0x9747B28C
_M = 0x5BD1E995
_MASK = 0xFFFFFFFF


def murmur2(data: bytes) -> int:
    """Kafka's murmur2 (org.apache.kafka.common.utils.Utils.murmur2), as aiokafka's
    `partitioner.murmur2` returns it, a word at a time instead of a byte at a time."""
    length = len(data)
    h = _SEED ^ length
    words = length // 4
    for word in struct.unpack_from(f"<{words}I", data):
        k = (word * _M) & _MASK
        k ^= k >> 24
        k = (k * _M) & _MASK
        h = ((h * _M) & _MASK) ^ k
    tail = length & 3
    base = words * 4
    if tail >= 3:
        h ^= data[base + 2] << 16
    if tail >= 2:
        h ^= data[base + 1] << 8
    if tail >= 1:
        h ^= data[base]
        h = (h * _M) & _MASK
    h ^= h >> 13
    h = (h * _M) & _MASK
    return h ^ (h >> 15)


def partition_for(key: bytes | None, partitions: list[int], available: list[int]) -> int:
    """The partition aiokafka's `DefaultPartitioner` chooses (`partitions` sorted)."""
    if key is None:
        return random.choice(available or partitions)
    return partitions[(murmur2(key) & 0x7FFFFFFF) % len(partitions)]


class PartitionBatches:
    """Appends records to a batch per (topic, partition), submitting each as it fills up."""

    def __init__(self, producer: AIOKafkaProducer) -> None:
        self._producer = producer
        self._open: dict[tuple[str, int], Any] = {}
        self._partitions: dict[str, tuple[list[int], list[int]]] = {}
        self.deliveries: list[asyncio.Future[Any]] = []

    async def add(
        self, topic: str, key: bytes | None, value: bytes | None, headers: list[tuple[str, bytes]]
    ) -> None:
        known = self._partitions.get(topic)
        if known is None:
            known = self._partitions[topic] = await self._topic_partitions(topic)
        tp = (topic, partition_for(key, *known))
        builder = self._open.get(tp)
        if builder is None:
            builder = self._open[tp] = self._producer.create_batch()
        if builder.append(key=key, value=value, timestamp=None, headers=headers) is None:
            # Full: send it (in order: send_batch waits for the partition's previous batch
            # to be drained) and start the next with this record.
            await self._submit(tp, builder)
            builder = self._open[tp] = self._producer.create_batch()
            if builder.append(key=key, value=value, timestamp=None, headers=headers) is None:
                raise ValueError(f"a record for {topic} is larger than a whole batch")

    async def flush(self) -> None:
        """Submit every batch still open; `deliveries` then holds one future per batch."""
        open_batches, self._open = self._open, {}
        for tp, builder in open_batches.items():
            await self._submit(tp, builder)

    async def _submit(self, tp: tuple[str, int], builder: Any) -> None:
        builder.close()
        topic, partition = tp
        self.deliveries.append(await self._producer.send_batch(builder, topic, partition=partition))

    async def _topic_partitions(self, topic: str) -> tuple[list[int], list[int]]:
        partitions = sorted(await self._producer.partitions_for(topic))
        available = sorted(self._producer.client.cluster.available_partitions_for_topic(topic))
        return partitions, available
