"""The CloudEvents envelope survives the trip through Kafka headers and value."""

from __future__ import annotations

import uuid

import pytest

from shared.events.contacts import CONTACT_ERASED, ContactSnapshotV1
from shared.events.envelope import CloudEvent, new_event


def test_snapshot_event_round_trips_through_headers_and_value() -> None:
    snapshot = ContactSnapshotV1(
        contact_id=uuid.uuid4(), version=3, email="a@b.fi", topics=("webinars",)
    )
    event = new_event(
        source="/test",
        data=snapshot,
        subject=str(snapshot.contact_id),
        version=3,
        correlation_id="abc",
    )
    parsed = CloudEvent.from_kafka(event.to_headers(), event.value_bytes())
    assert parsed == event
    assert parsed.parse(ContactSnapshotV1) == snapshot


def test_tombstone_keeps_type_version_and_subject_in_headers() -> None:
    subject = str(uuid.uuid4())
    event = new_event(
        source="/test", data=None, event_type=CONTACT_ERASED, subject=subject, version=7
    )
    assert event.value_bytes() is None
    parsed = CloudEvent.from_kafka(event.to_headers(), None)
    assert (parsed.type, parsed.version, parsed.subject, parsed.data) == (
        CONTACT_ERASED,
        7,
        subject,
        None,
    )


def test_tombstone_without_type_is_refused() -> None:
    with pytest.raises(ValueError, match="tombstone"):
        new_event(source="/test", data=None)


@pytest.mark.parametrize(
    ("headers", "value"),
    [
        ([], b"{}"),
        ([("ce_id", b"nope")], b"{}"),
        (
            [
                ("ce_id", str(uuid.uuid4()).encode()),
                ("ce_source", b"s"),
                ("ce_type", b"t"),
                ("ce_time", b"2026-01-01T00:00:00+00:00"),
            ],
            b"{not json",
        ),
    ],
)
def test_malformed_records_are_reported_as_value_errors(
    headers: list[tuple[str, bytes]], value: bytes
) -> None:
    with pytest.raises(ValueError, match="not a CloudEvent"):
        CloudEvent.from_kafka(headers, value)


def test_parse_refuses_an_event_of_another_type() -> None:
    event = new_event(
        source="/t", data=ContactSnapshotV1(contact_id=uuid.uuid4(), version=1, email="a@b.fi")
    )
    other = event.model_copy(update={"type": "something.else"})
    with pytest.raises(ValueError, match="expected event type"):
        other.parse(ContactSnapshotV1)


def test_unknown_fields_from_a_newer_producer_are_ignored() -> None:
    data = {"contact_id": str(uuid.uuid4()), "version": 1, "email": "a@b.fi", "shoe_size": 44}
    assert ContactSnapshotV1.model_validate(data).email == "a@b.fi"


def _good_headers() -> list[tuple[str, bytes | None]]:
    event = new_event(
        source="/t", data=ContactSnapshotV1(contact_id=uuid.uuid4(), version=1, email="a@b.fi")
    )
    return list(event.to_headers())


@pytest.mark.parametrize(
    ("name", "value"),
    [("ce_source", b"\xff\xfe"), ("ce_id", None), ("ce_type", None), ("ce_time", b"\x80")],
)
def test_an_envelope_header_not_utf8_or_without_value_is_malformed(
    name: str, value: bytes | None
) -> None:
    headers = [(k, value if k == name else v) for k, v in _good_headers()]
    with pytest.raises(ValueError, match="not a CloudEvent"):
        CloudEvent.from_kafka(headers, b'{"contact_id": "x"}')


def test_headers_of_other_tools_are_not_decoded() -> None:
    headers = [*_good_headers(), ("x-binary-trace", b"\xff\x00"), ("x-empty", None)]
    assert CloudEvent.from_kafka(headers, b"{}").data == {}


def test_an_unreadable_trace_context_is_dropped_not_the_record() -> None:
    headers = [*_good_headers(), ("ce_traceparent", b"\xff\xfe"), ("ce_tracestate", None)]
    event = CloudEvent.from_kafka(headers, b"{}")
    assert (event.traceparent, event.tracestate) == (None, None)
