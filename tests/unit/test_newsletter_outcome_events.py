"""Outcome events built for the outbox in bulk are exactly the rows the models made per
event (id, key, headers, payload), whatever the attempt carries."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from newsletter.delivery.domain import Result
from newsletter.delivery.service import (
    EVENT_OUTCOME,
    SOURCE,
    Attempt,
    OutcomeEvents,
    outcome_event_id,
)

from shared.events.envelope import CloudEvent, new_event
from shared.events.mail import MailEventV1

NOW = datetime(2026, 12, 3, 5, 30, 1, 123456, tzinfo=UTC)
TRACING = [("ce_traceparent", b"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01")]

EMAILS = st.sampled_from(["aino@example.fi", "AINO@Example.FI", "åke@exämple.fi", "", "x@y"])
DETAILS = st.one_of(
    st.none(),
    st.sampled_from(["250 2.0.0 Ok: queued", "550 <aino@example.fi> unknown", "Åke@EXÄMPLE.fi?"]),
    st.text(max_size=60),
)
ATTEMPTS = st.builds(
    Attempt,
    delivery_id=st.uuids(),
    origin=st.sampled_from(["campaign", "campaign_test", "survey_invitation", "transactional"]),
    origin_id=st.one_of(st.none(), st.text(max_size=20)),
    contact_id=st.one_of(st.none(), st.uuids()),
    email=EMAILS,
    attempts=st.integers(1, 9),
    origin_label=st.one_of(st.none(), st.text(max_size=20)),
    origin_group=st.one_of(st.none(), st.text(max_size=10)),
)


def outcome_event(attempt: Attempt, outcome: str, event: CloudEvent) -> CloudEvent:
    """The outcome event as a model: the reference `OutcomeEvents` is held to (production
    builds the rows in bulk and never runs this; it lives here, beside the test)."""
    return event.model_copy(update={"id": outcome_event_id(attempt, outcome)})


def reference_event(attempt: Attempt, result: Result, outcome: str, now: datetime) -> CloudEvent:
    """One outcome's event built through the models, as recording did per event before."""
    event = new_event(
        source=SOURCE,
        subject=str(attempt.delivery_id),
        data=MailEventV1(
            delivery_id=attempt.delivery_id,
            outcome=EVENT_OUTCOME[outcome],
            occurred_at=now,
            origin=attempt.origin,
            origin_id=attempt.origin_id,
            origin_label=attempt.origin_label,
            origin_group=attempt.origin_group,
            contact_id=attempt.contact_id,
            email=attempt.email,
            detail=result.detail,
        ),
    )
    return outcome_event(attempt, outcome, event.model_copy(update={"time": now}))


def reference_row(
    attempt: Attempt, result: Result, outcome: str
) -> tuple[uuid.UUID, str, list[list[str]], bytes | None]:
    event = reference_event(attempt, result, outcome, NOW)
    headers = [[k, v.decode()] for k, v in [*event.to_headers(), *TRACING]]
    return event.id, str(attempt.contact_id or attempt.delivery_id), headers, event.value_bytes()


@settings(max_examples=300, deadline=None)
@given(
    attempt=ATTEMPTS,
    detail=DETAILS,
    outcome=st.sampled_from(sorted(EVENT_OUTCOME)),
    tracing=st.booleans(),
)
def test_bulk_rows_equal_the_rows_of_the_models(
    attempt: Attempt, detail: str | None, outcome: str, tracing: bool
) -> None:
    result = Result(attempt.delivery_id, "sent", 250, detail)
    events = OutcomeEvents(NOW)
    events.add(attempt, result, outcome)
    rows = events.rows(TRACING if tracing else [])
    event_id, key, headers, payload = reference_row(attempt, result, outcome)
    assert rows.event_ids == [event_id]
    assert rows.keys == [key]
    assert json.loads(rows.headers[0]) == (headers if tracing else headers[:-1])
    assert rows.payloads == [payload]


def test_an_unknown_origin_is_refused_as_the_model_refuses_it() -> None:
    origin: Any = "carrier_pigeon"
    attempt = Attempt(uuid.UUID(int=1), origin, None, None, "a@b.fi", 1)
    with pytest.raises(ValueError, match="origin"):
        OutcomeEvents(NOW).add(attempt, Result(attempt.delivery_id, "sent", 250), "sent")
