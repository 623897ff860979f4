"""FastStream never fails on a record's bytes; replays reach only the group that parked."""

from __future__ import annotations

import dataclasses
from typing import Any

from aiokafka import ConsumerRecord

from shared.consuming import dead_letter_headers, tolerant_parser
from shared.dead_letters import REPLAY_FOR_HEADER, meant_for_others


def record(topic: str = "p.contacts.contact.v1", **changes: Any) -> ConsumerRecord[bytes, bytes]:
    base: ConsumerRecord[bytes, bytes] = ConsumerRecord(
        topic=topic,
        partition=0,
        offset=7,
        timestamp=0,
        timestamp_type=0,
        key=b"k",
        value=b"{}",
        checksum=None,
        serialized_key_size=1,
        serialized_value_size=2,
        headers=[("ce_id", b"\xff\xfe"), ("ce_type", None)],
    )
    return dataclasses.replace(base, **changes)


@dataclasses.dataclass
class Parsed:
    raw_message: Any


async def strict_parser(message: Any) -> Parsed:
    """What FastStream's own parser does to headers first."""
    records = message if isinstance(message, tuple) else (message,)
    for r in records:
        {k: v.decode() for k, v in r.headers}
    return Parsed(raw_message=message)


async def test_bad_header_bytes_reach_the_handler_unchanged_single_and_batch() -> None:
    bad = record()
    single = await tolerant_parser(bad, strict_parser)
    assert single.raw_message is bad
    batch = (record(offset=1, headers=[]), bad)
    parsed = await tolerant_parser(batch, strict_parser)
    assert parsed.raw_message is batch
    assert parsed.raw_message[1].headers == [("ce_id", b"\xff\xfe"), ("ce_type", None)]


async def test_a_batch_is_named_by_its_ends_and_no_middle_record_is_decoded() -> None:
    seen: list[Any] = []

    async def recording_parser(message: Any) -> Parsed:
        seen.append(message)
        return await strict_parser(message)

    middle = record(offset=2)  # undecodable headers: FastStream must not touch them
    batch = (record(offset=1, headers=[]), middle, record(offset=3, headers=[]))
    parsed = await tolerant_parser(batch, recording_parser)
    assert parsed.raw_message is batch
    assert [r.offset for r in seen[0]] == [1, 3]
    assert batch[1].headers == [("ce_id", b"\xff\xfe"), ("ce_type", None)]


def test_dead_letter_headers_keep_the_original_bytes_and_name_the_consumed_topic() -> None:
    replayed = record(topic="p.contacts.contact.v1.replay")
    headers = dead_letter_headers(replayed, ValueError("bad"), 1, "p.surveys.contact-replica")
    as_dict = dict(headers)
    assert as_dict["ce_id"] == b"\xff\xfe" and as_dict["ce_type"] is None
    assert as_dict["dlq_original_topic"] == b"p.contacts.contact.v1"
    assert as_dict["dlq_consumer"] == b"p.surveys.contact-replica"


def test_a_replayed_record_is_for_the_group_that_parked_it_only() -> None:
    for_surveys = record(
        topic="p.contacts.contact.v1.replay",
        headers=[(REPLAY_FOR_HEADER, b"p.surveys.contact-replica")],
    )
    assert not meant_for_others(for_surveys, "p.surveys.contact-replica")
    assert meant_for_others(for_surveys, "p.newsletter.contact-replica")
    unaddressed = record(topic="p.contacts.contact.v1.replay", headers=[])
    assert meant_for_others(unaddressed, "p.surveys.contact-replica")
    live = record(headers=[(REPLAY_FOR_HEADER, b"someone-else")])
    assert not meant_for_others(live, "p.newsletter.contact-replica")
