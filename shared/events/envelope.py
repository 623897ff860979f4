"""CloudEvents 1.0 envelope in Kafka *binary* content mode.

The attributes travel as `ce_*` headers and the value is the event data as JSON. Binary mode
lets a compacted topic carry a tombstone (null value) that still names its event id, type and
version, which structured mode cannot. See docs/decisions/0002-cloudevents-binary-mode.md.
"""

from __future__ import annotations

import builtins
import json
import uuid
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime
from typing import Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ConfigDict

SPEC_VERSION = "1.0"
CONTENT_TYPE = "application/json"
VERSION_HEADER = "version"
CORRELATION_HEADER = "correlationid"
# CloudEvents extension attribute (binary mode: header `ce_mergedinto`) of a tombstone that
# a merge of duplicates caused: the id of the record that kept the person. See
# docs/decisions/0005-merge-keeps-history-across-services.md.
MERGED_INTO_HEADER = "ce_mergedinto"
# The CloudEvents distributed-tracing extension (W3C trace context), in binary mode as
# `ce_traceparent` / `ce_tracestate`: the outbox keeps them with the row and the relay and
# consumers continue the trace from them (shared/tracing.py).
TRACEPARENT_HEADER = "ce_traceparent"
TRACESTATE_HEADER = "ce_tracestate"

KafkaHeaders = list[tuple[str, bytes]]


class EventData(BaseModel):
    """Base of every event payload: frozen, and tolerant of fields added later (additive only)."""

    model_config = ConfigDict(frozen=True, extra="ignore")

    event_type: ClassVar[str]


EventDataT = TypeVar("EventDataT", bound=EventData)


class CloudEvent(BaseModel):
    """One event as it crosses Kafka. `data` is None for a tombstone."""

    model_config = ConfigDict(frozen=True)

    id: uuid.UUID
    source: str
    type: str
    time: datetime
    subject: str | None = None
    specversion: str = SPEC_VERSION
    datacontenttype: str = CONTENT_TYPE
    correlationid: str | None = None
    version: int | None = None
    mergedinto: str | None = None
    traceparent: str | None = None
    tracestate: str | None = None
    data: dict[str, Any] | None = None

    def to_headers(self) -> KafkaHeaders:
        headers: KafkaHeaders = [
            ("ce_id", str(self.id).encode()),
            ("ce_source", self.source.encode()),
            ("ce_type", self.type.encode()),
            ("ce_specversion", self.specversion.encode()),
            ("ce_time", self.time.isoformat().encode()),
            ("content-type", self.datacontenttype.encode()),
        ]
        if self.subject is not None:
            headers.append(("ce_subject", self.subject.encode()))
        if self.correlationid is not None:
            headers.append(("ce_correlationid", self.correlationid.encode()))
        if self.version is not None:
            headers.append((VERSION_HEADER, str(self.version).encode()))
        if self.mergedinto is not None:
            headers.append((MERGED_INTO_HEADER, self.mergedinto.encode()))
        if self.traceparent is not None:
            headers.append((TRACEPARENT_HEADER, self.traceparent.encode()))
        if self.tracestate is not None:
            headers.append((TRACESTATE_HEADER, self.tracestate.encode()))
        return headers

    def value_bytes(self) -> bytes | None:
        if self.data is None:
            return None
        return json.dumps(self.data, separators=(",", ":"), default=str).encode()

    @classmethod
    def from_kafka(
        cls, headers: Sequence[tuple[str, bytes | None]] | Mapping[str, Any], value: bytes | None
    ) -> Self:
        """Parse a Kafka record; raises ValueError (a poison message) when it is malformed.

        Only the headers the envelope reads are decoded: one that is not UTF-8 or has no
        value makes the record malformed; headers of other tools pass untouched.
        """
        pairs = headers.items() if isinstance(headers, Mapping) else headers
        try:
            pairs = list(pairs)
            h = {k: _header_text(k, v) for k, v in pairs if k in ENVELOPE_HEADERS}
            # The trace context is a courtesy: unreadable, it is dropped, not the record.
            h |= {k: t for k, v in pairs if k in TRACE_HEADERS and (t := _lenient(v)) is not None}
            return cls(
                id=uuid.UUID(h["ce_id"]),
                source=h["ce_source"],
                type=h["ce_type"],
                time=datetime.fromisoformat(h["ce_time"]),
                subject=h.get("ce_subject"),
                specversion=h.get("ce_specversion", SPEC_VERSION),
                datacontenttype=h.get("content-type", CONTENT_TYPE),
                correlationid=h.get("ce_correlationid"),
                version=int(h[VERSION_HEADER]) if VERSION_HEADER in h else None,
                mergedinto=h.get(MERGED_INTO_HEADER),
                traceparent=h.get(TRACEPARENT_HEADER),
                tracestate=h.get(TRACESTATE_HEADER),
                data=json.loads(value) if value is not None else None,
            )
        except (KeyError, ValueError, TypeError) as exc:
            raise ValueError(f"not a CloudEvent record: {exc!r}") from exc

    def parse(self, model: builtins.type[EventDataT]) -> EventDataT:
        if self.type != model.event_type:
            raise ValueError(f"expected event type {model.event_type}, got {self.type}")
        return model.model_validate(self.data)


ENVELOPE_HEADERS = frozenset(
    {
        "ce_id",
        "ce_source",
        "ce_type",
        "ce_specversion",
        "ce_time",
        "ce_subject",
        "ce_correlationid",
        "content-type",
        VERSION_HEADER,
        MERGED_INTO_HEADER,
    }
)


TRACE_HEADERS = frozenset({TRACEPARENT_HEADER, TRACESTATE_HEADER})


def _lenient(value: object) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        try:
            return value.decode()
        except UnicodeDecodeError:
            return None
    return None


def _header_text(name: str, value: object) -> str:
    if isinstance(value, bytes):
        return value.decode()  # UnicodeDecodeError is a ValueError
    if isinstance(value, str):
        return value
    raise ValueError(f"header {name} has no text value ({value!r})")


def new_event(
    *,
    source: str,
    data: EventData | None,
    event_type: str | None = None,
    subject: str | None = None,
    version: int | None = None,
    correlation_id: str | None = None,
    merged_into: str | None = None,
) -> CloudEvent:
    """Build an envelope around `data` (or a tombstone of `event_type` when data is None)."""
    if data is not None:
        event_type = event_type or type(data).event_type
    elif event_type is None:
        raise ValueError("a tombstone needs an explicit event_type")
    return CloudEvent(
        id=uuid.uuid4(),
        source=source,
        type=event_type,
        time=datetime.now(UTC),
        subject=subject,
        correlationid=correlation_id,
        version=version,
        mergedinto=merged_into,
        data=data.model_dump(mode="json") if data is not None else None,
    )
