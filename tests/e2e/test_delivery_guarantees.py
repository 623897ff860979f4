"""What survives a crash, a redelivery and a poison message, with real processes."""

from __future__ import annotations

import json
import uuid
from collections import Counter

import pytest
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from contacts.tables import outbox
from sqlalchemy import func, select, text
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.events.contacts import ContactSnapshotV1
from shared.events.envelope import new_event
from tests.e2e.conftest import Workers
from tests.support.bulk import change_people, create_people
from tests.support.infra import Infra
from tests.support.polling import eventually
from tests.support.processes import wait_until_consumed

REPLICAS = ("newsletter", "surveys", "events")
PEOPLE = 1000
VERSIONS = 5  # one creation and four changes each: 5,000 outbox rows


async def outbox_size(engine: AsyncEngine) -> int:
    async with engine.connect() as conn:
        return int((await conn.execute(select(func.count()).select_from(outbox))).scalar_one())


async def versions(engine: AsyncEngine, table: str, key: str) -> dict[str, int]:
    async with engine.connect() as conn:
        rows = (await conn.execute(text(f"SELECT {key}, version FROM {table}"))).all()
    return {str(k): int(v) for k, v in rows}


async def write_changes(engine: AsyncEngine) -> None:
    """5,000 changes (1,000 people, 5 versions each) in contacts' tables, projection, outbox."""
    crowd = await create_people(engine, PEOPLE, tag=uuid.uuid4().hex[:6])
    for _ in range(1, VERSIONS):
        crowd = await change_people(engine, crowd)


@pytest.mark.timeout(600)
async def test_relay_killed_mid_publish_loses_nothing_and_applies_nothing_twice(
    workers: Workers, clean_db: dict[str, AsyncEngine]
) -> None:
    contacts = clean_db["contacts"]
    relay = workers["contacts"]
    relay.stop()
    await write_changes(contacts)
    assert await outbox_size(contacts) == PEOPLE * VERSIONS

    relay.start()
    await eventually(
        lambda: outbox_size(contacts),
        lambda n: n < PEOPLE * VERSIONS - 300,
        timeout=30,
        interval=0.02,
        what="relay started publishing",
    )
    relay.kill()
    left = await outbox_size(contacts)
    assert 0 < left < PEOPLE * VERSIONS, f"the kill did not land mid-publish ({left} left)"

    relay.start()
    await eventually(
        lambda: outbox_size(contacts),
        lambda n: n == 0,
        timeout=60,
        what="outbox drained after restart",
    )
    expected = await versions(contacts, "people", "id")
    assert set(expected.values()) == {VERSIONS}
    for service in REPLICAS:
        await eventually(
            lambda s=service: versions(clean_db[s], "contact_snapshot", "contact_id"),
            lambda got: got == expected,
            timeout=60,
            what=f"{service} replica has every person at the final version",
        )


def snapshot_record(
    contact_id: uuid.UUID, version: int, name: str, event_id: uuid.UUID | None = None
) -> tuple[bytes, bytes | None, list[tuple[str, bytes]]]:
    event = new_event(
        source="/tests",
        data=ContactSnapshotV1(
            contact_id=contact_id, version=version, email=f"{name}@x.fi", first_name=name
        ),
        subject=str(contact_id),
        version=version,
    )
    if event_id is not None:
        event = event.model_copy(update={"id": event_id})
    return str(contact_id).encode(), event.value_bytes(), event.to_headers()


async def test_redelivered_and_stale_events_change_nothing(
    workers: Workers, infra: Infra, topics: str, clean_db: dict[str, AsyncEngine]
) -> None:
    topic = f"{topics}contacts.contact.v1"
    contact_id = uuid.uuid4()
    first_id = uuid.uuid4()
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        for version, name, event_id in (
            (1, "first", first_id),
            (2, "second", None),
            (1, "first", first_id),
        ):
            key, value, headers = snapshot_record(contact_id, version, name, event_id)
            await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()
    for service in REPLICAS:
        await wait_until_consumed(infra.kafka, f"{topics}{service}.contact-replica", topic)
        async with clean_db[service].connect() as conn:
            row = (
                await conn.execute(
                    text("SELECT version, first_name FROM contact_snapshot WHERE contact_id = :i"),
                    {"i": contact_id},
                )
            ).one()
        assert tuple(row) == (2, "second"), service


async def test_poison_message_is_parked_with_its_error_and_the_next_one_is_applied(
    workers: Workers, infra: Infra, topics: str, clean_db: dict[str, AsyncEngine]
) -> None:
    topic = f"{topics}contacts.contact.v1"
    poison_key = f"poison-{uuid.uuid4()}".encode()
    good_id = uuid.uuid4()
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            topic, value=b"{not json", key=poison_key, headers=[("ce_type", b"garbage")]
        )
        key, value, headers = snapshot_record(good_id, 1, "after-poison")
        await producer.send_and_wait(topic, value=value, key=key, headers=headers)
    finally:
        await producer.stop()

    for service in REPLICAS:
        await eventually(
            lambda s=service: versions(clean_db[s], "contact_snapshot", "contact_id"),
            lambda got: got.get(str(good_id)) == 1,
            what=f"{service} applied the message after the poison",
        )

    parked = await read_topic(infra.kafka, f"{topic}.dlq")
    mine = [r for r in parked if r[0] == poison_key]
    consumers = {r[1]["dlq_consumer"] for r in mine}
    assert consumers == {f"{topics}{s}.contact-replica" for s in REPLICAS}
    for _, headers in mine:
        assert "not a CloudEvent" in headers["dlq_error"]
        assert headers["dlq_original_topic"] == topic
        assert int(headers["dlq_attempts"]) == 1  # undecodable: no retry changes its bytes


async def read_topic(bootstrap: str, topic: str) -> list[tuple[bytes | None, dict[str, str]]]:
    consumer = AIOKafkaConsumer(
        bootstrap_servers=bootstrap, enable_auto_commit=False, auto_offset_reset="earliest"
    )
    await consumer.start()
    try:
        tp = TopicPartition(topic, 0)
        consumer.assign([tp])
        await consumer.seek_to_beginning(tp)
        end = (await consumer.end_offsets([tp]))[tp]
        out: list[tuple[bytes | None, dict[str, str]]] = []
        while await consumer.position(tp) < end:
            for records in (await consumer.getmany(tp, timeout_ms=1000)).values():
                out.extend(
                    (r.key, {k: (v or b"").decode(errors="replace") for k, v in r.headers})
                    for r in records
                )
        return out
    finally:
        await consumer.stop()


async def test_operator_lists_and_replays_parked_messages_to_the_group_that_parked_them(
    workers: Workers,
    infra: Infra,
    topics: str,
    service_env: dict[str, str],
    clean_db: dict[str, AsyncEngine],
) -> None:
    import asyncio
    import os
    import sys

    topic = f"{topics}contacts.contact.v1"
    poison_key = f"poison-cli-{uuid.uuid4()}".encode()
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(topic, value=b"[]", key=poison_key)
    finally:
        await producer.stop()

    async def parked_by() -> Counter[str]:
        return Counter(
            h["dlq_consumer"]
            for key, h in await read_topic(infra.kafka, f"{topic}.dlq")
            if key == poison_key
        )

    groups = {s: f"{topics}{s}.contact-replica" for s in REPLICAS}
    await eventually(
        parked_by, lambda c: c == Counter(groups.values()), what="every replica parked the poison"
    )

    async def cli(*args: str) -> str:
        proc = await asyncio.create_subprocess_exec(
            sys.executable,
            "-m",
            "shared.cli",
            *args,
            env={**os.environ, **service_env},
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.STDOUT,
        )
        out, _ = await proc.communicate()
        assert proc.returncode == 0, out.decode()
        return out.decode()

    listing = [
        json.loads(line)
        for line in (await cli("dlq", "list", "contacts.contact.v1")).splitlines()
        if poison_key.decode() in line
    ]
    assert {p["consumer"] for p in listing} == set(groups.values())
    assert all("not a CloudEvent" in p["error"] for p in listing)
    newsletter_copy = next(p for p in listing if p["consumer"] == groups["newsletter"])
    await cli("dlq", "replay", "contacts.contact.v1", "--offset", str(newsletter_copy["offset"]))
    # Still poison: parked again, by newsletter's replica only (the others never saw it again).
    expected = Counter(groups.values()) + Counter({groups["newsletter"]: 1})
    await eventually(parked_by, lambda c: c == expected, what="newsletter parked it again")
    await wait_until_consumed(
        infra.kafka, f"{groups['surveys']}.replay", f"{topic}.replay", partitions=1
    )
    assert await parked_by() == expected

    # A record parked for a reason since fixed: the replay applies it in that group only.
    fixed_id = uuid.uuid4()
    key, value, headers = snapshot_record(fixed_id, 1, "fixed")
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        placed = await producer.send_and_wait(
            f"{topic}.dlq",
            value=value,
            key=key,
            headers=[
                *headers,
                ("dlq_consumer", groups["surveys"].encode()),
                ("dlq_original_topic", topic.encode()),
                ("dlq_error", b"a bug since fixed"),
            ],
        )
    finally:
        await producer.stop()
    await cli("dlq", "replay", "contacts.contact.v1", "--offset", str(placed.offset))
    await eventually(
        lambda: versions(clean_db["surveys"], "contact_snapshot", "contact_id"),
        lambda got: got.get(str(fixed_id)) == 1,
        what="surveys applied the replayed record",
    )
    await wait_until_consumed(
        infra.kafka, f"{groups['newsletter']}.replay", f"{topic}.replay", partitions=1
    )
    newsletter_rows = await versions(clean_db["newsletter"], "contact_snapshot", "contact_id")
    assert str(fixed_id) not in newsletter_rows
