"""The relay's own batches put every record where aiokafka's `send` would have put it."""

from __future__ import annotations

import random
import uuid

from aiokafka.partitioner import DefaultPartitioner
from aiokafka.partitioner import murmur2 as aiokafka_murmur2

from shared.outbox.batches import murmur2, partition_for


def test_murmur2_is_kafkas_for_every_length_and_for_contact_ids() -> None:
    rng = random.Random(19)
    keys = [rng.randbytes(n) for n in range(0, 70) for _ in range(20)]
    keys += [str(uuid.UUID(int=rng.getrandbits(128))).encode() for _ in range(2000)]
    keys += [b"", b"a", "ääkköset".encode()]
    for key in keys:
        assert murmur2(key) == aiokafka_murmur2(key), key


def test_a_keyed_record_goes_to_the_partition_of_the_default_partitioner() -> None:
    rng = random.Random(6)
    for count in (1, 3, 6, 12):
        partitions = list(range(count))
        for _ in range(300):
            key = str(uuid.UUID(int=rng.getrandbits(128))).encode()
            expected = DefaultPartitioner()(key, partitions, partitions)
            assert partition_for(key, partitions, partitions[:1]) == expected


def test_a_keyless_record_goes_to_an_available_partition() -> None:
    for _ in range(50):
        assert partition_for(None, [0, 1, 2, 3], [2, 3]) in (2, 3)
        assert partition_for(None, [0, 1], []) in (0, 1)
