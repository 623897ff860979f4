"""Recording what became of delivery attempts over a `NewsletterUnitOfWork`: many at once,
each published on `mail.events.v1` through the outbox in the same transaction."""

from __future__ import annotations

import dataclasses
import json
import re
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import get_args

from pydantic import TypeAdapter

from newsletter.delivery import repository as deliveries
from newsletter.delivery.domain import Result, retry_delay_s
from newsletter.suppression.domain import email_hmac
from newsletter.unit_of_work import NewsletterUnitOfWork
from shared.events.envelope import CONTENT_TYPE, SPEC_VERSION
from shared.events.mail import MailEventV1, MailOrigin, MailOutcome
from shared.events.topics import MAIL_EVENTS
from shared.tracing import trace_headers

SOURCE = "/newsletter"
ORIGINS = frozenset(get_args(MailOrigin))
_DATETIME = TypeAdapter(datetime)

EVENT_OUTCOME: dict[str, MailOutcome] = {
    "sent": "sent",
    "deferred": "deferred",
    "bounced": "bounced_hard",
    "failed": "bounced_soft",  # gave up after retries: the address may work another day
}


@dataclass(frozen=True)
class Attempt:
    """What the recorder needs to know of the delivery that was tried."""

    delivery_id: uuid.UUID
    origin: MailOrigin
    origin_id: str | None
    contact_id: uuid.UUID | None
    email: str
    attempts: int
    origin_label: str | None = None
    origin_group: str | None = None


def storable(detail: str | None) -> str | None:
    """An SMTP reply as text PostgreSQL accepts. The session keeps bytes that are not UTF-8
    as lone surrogates, and a server may send NUL: either made the whole batch of outcomes
    fail on every retry, so no outcome around it was ever recorded."""
    if detail is None:
        return None
    return detail.encode("utf-8", "replace").decode("utf-8").replace("\x00", "")


@dataclass(frozen=True)
class RetryPolicy:
    base_s: float
    max_s: float
    max_attempts: int


async def record_outcomes(
    uow: NewsletterUnitOfWork,
    outcomes: Sequence[tuple[Attempt, Result]],
    *,
    retry: RetryPolicy,
    suppression_key: bytes,
) -> None:
    """Every outcome's row and its event, in the unit of work's one transaction, a statement
    per kind: the rows by status, the events all at once (`uow.sending.add_outcome_events`).
    A held mail (the relay failed before it was tried) waits, its attempt uncounted, no event."""
    if not outcomes:
        return
    outcomes = [
        (a, r if (d := storable(r.detail)) == r.detail else dataclasses.replace(r, detail=d))
        for a, r in outcomes
    ]
    now = datetime.now(UTC)
    final: dict[str, list[tuple[Attempt, Result]]] = {"sent": [], "bounced": [], "failed": []}
    deferred: list[tuple[Attempt, Result]] = []
    events = OutcomeEvents(now)
    held = [(a, r) for a, r in outcomes if r.outcome == "held"]
    for attempt, result in outcomes:
        outcome: str = result.outcome
        if outcome == "held":
            continue
        if outcome == "deferred" and attempt.attempts >= retry.max_attempts:
            outcome = "failed"  # no attempts left
        (deferred if outcome == "deferred" else final[outcome]).append((attempt, result))
        events.add(attempt, result, outcome)
    sending = uow.sending
    for status, rows in final.items():
        await sending.finish(
            [a.delivery_id for a, _ in rows], status=status, errors=[r.detail for _, r in rows]
        )
    await sending.defer(
        [a.delivery_id for a, _ in deferred],
        due=[
            now
            + timedelta(seconds=retry_delay_s(a.attempts, base_s=retry.base_s, max_s=retry.max_s))
            for a, _ in deferred
        ],
        errors=[r.detail for _, r in deferred],
    )
    await sending.hold(
        [a.delivery_id for a, _ in held],
        due=[now + timedelta(seconds=r.retry_in_s) for _, r in held],
        attempts=[a.attempts - 1 for a, _ in held],
        errors=[r.detail for _, r in held],
    )
    await sending.suppress(
        [
            (email_hmac(suppression_key, a.email), "hard_bounce", r.detail)
            for a, r in final["bounced"]
        ]
    )
    await sending.add_outcome_events(MAIL_EVENTS.name, events.rows(trace_headers()))
    await uow.commit()


class OutcomeEvents:
    """The outbox rows of a batch's outcome events, built without a pydantic model per
    event: exactly the rows a `MailEventV1` and the outbox writer would make (the reference
    model lives in tests/unit/test_newsletter_outcome_events.py, which holds them equal),
    all at one time."""

    def __init__(self, now: datetime) -> None:
        self._occurred = _DATETIME.dump_python(now, mode="json")
        common = [
            ["ce_source", SOURCE],
            ["ce_type", MailEventV1.event_type],
            ["ce_specversion", SPEC_VERSION],
            ["ce_time", now.isoformat()],
            ["content-type", CONTENT_TYPE],
        ]
        self._common = json.dumps(common)[1:-1]
        self.event_ids: list[uuid.UUID] = []
        self.keys: list[str] = []
        self.subjects: list[str] = []
        self.payloads: list[bytes] = []

    def add(self, attempt: Attempt, result: Result, outcome: str) -> None:
        if attempt.origin not in ORIGINS:
            raise ValueError(f"unknown mail origin {attempt.origin!r}")
        delivery = str(attempt.delivery_id)
        contact = str(attempt.contact_id) if attempt.contact_id is not None else None
        email: str | None = attempt.email
        detail = result.detail
        if email:  # MailEventV1's rule: the address only without an id, never in the detail
            if detail and (
                not (email.isascii() and detail.isascii()) or email.lower() in detail.lower()
            ):
                detail = re.compile(re.escape(email), re.IGNORECASE).sub("<address>", detail)
            if attempt.contact_id:
                email = None
        data = {
            "delivery_id": delivery,
            "outcome": EVENT_OUTCOME[outcome],
            "occurred_at": self._occurred,
            "origin": attempt.origin,
            "origin_id": attempt.origin_id,
            "contact_id": contact,
            "email": email,
            "detail": detail,
            "url": None,
            "origin_label": attempt.origin_label,
            "origin_group": attempt.origin_group,
        }
        self.event_ids.append(outcome_event_id(attempt, outcome))
        self.keys.append(contact or delivery)
        self.subjects.append(delivery)
        self.payloads.append(json.dumps(data, separators=(",", ":"), default=str).encode())

    def rows(self, tracing: Sequence[tuple[str, bytes]]) -> deliveries.OutboxRows:
        trace = "".join(f",{json.dumps([k, v.decode()])}" for k, v in tracing)
        headers = [
            f'[["ce_id", "{event_id}"], {self._common}, ["ce_subject", "{subject}"]{trace}]'
            for event_id, subject in zip(self.event_ids, self.subjects, strict=True)
        ]
        return deliveries.OutboxRows(self.event_ids, self.keys, headers, self.payloads)


OUTCOME_EVENTS = uuid.UUID("5a0f3c1e-7f55-4c36-9d8e-2f1b1a6f0c11")


def outcome_event_id(attempt: Attempt, outcome: str) -> uuid.UUID:
    """The event of one attempt's outcome has one id, however often it is recorded: a write
    retried after a commit whose answer was lost publishes the same event again, which the
    consumers' inboxes absorb."""
    return uuid.uuid5(OUTCOME_EVENTS, f"{attempt.delivery_id}/{attempt.attempts}/{outcome}")
