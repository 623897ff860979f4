"""Recording what became of delivery attempts: many at once, each published on
`mail.events.v1` through the outbox in the same transaction."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.delivery import repository as deliveries
from newsletter.delivery.domain import Result, retry_delay_s
from newsletter.suppression import repository as suppressions
from newsletter.suppression.domain import email_hmac
from newsletter.unit_of_work import unit_of_work
from shared.events.envelope import CloudEvent, new_event
from shared.events.mail import MailEventV1, MailOrigin, MailOutcome
from shared.events.topics import MAIL_EVENTS

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
    engine: AsyncEngine,
    outcomes: Sequence[tuple[Attempt, Result]],
    *,
    retry: RetryPolicy,
    suppression_key: bytes,
) -> None:
    if not outcomes:
        return
    outcomes = [(a, dataclasses.replace(r, detail=storable(r.detail))) for a, r in outcomes]
    now = datetime.now(UTC)
    final: dict[str, list[tuple[Attempt, Result]]] = {"sent": [], "bounced": [], "failed": []}
    deferred: list[tuple[Attempt, Result]] = []
    events: list[tuple[Attempt, Result, str]] = []
    # The relay failed before these were tried: they wait, the attempt uncounted, no event.
    held = [(a, r) for a, r in outcomes if r.outcome == "held"]
    for attempt, result in outcomes:
        outcome: str = result.outcome
        if outcome == "held":
            continue
        if outcome == "deferred" and attempt.attempts >= retry.max_attempts:
            outcome = "failed"
        (deferred if outcome == "deferred" else final[outcome]).append((attempt, result))
        events.append((attempt, result, outcome))
    async with unit_of_work(engine) as uow:
        for status, rows in final.items():
            await deliveries.finish(
                uow.conn,
                [a.delivery_id for a, _ in rows],
                status=status,
                errors=[r.detail for _, r in rows],
            )
        await deliveries.defer(
            uow.conn,
            [a.delivery_id for a, _ in deferred],
            due=[
                now
                + timedelta(
                    seconds=retry_delay_s(a.attempts, base_s=retry.base_s, max_s=retry.max_s)
                )
                for a, _ in deferred
            ],
            errors=[r.detail for _, r in deferred],
        )
        await deliveries.hold(
            uow.conn,
            [a.delivery_id for a, _ in held],
            due=[now + timedelta(seconds=r.retry_in_s) for _, r in held],
            attempts=[a.attempts - 1 for a, _ in held],
            errors=[r.detail for _, r in held],
        )
        await suppressions.add(
            uow.conn,
            [
                (email_hmac(suppression_key, a.email), "hard_bounce", r.detail)
                for a, r in final["bounced"]
            ],
        )
        for attempt, result, outcome in events:
            uow.publish(
                MAIL_EVENTS.name,
                str(attempt.contact_id or attempt.delivery_id),
                outcome_event(
                    attempt,
                    outcome,
                    new_event(
                        source="/newsletter",
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
                    ),
                ),
            )
        await uow.commit()


OUTCOME_EVENTS = uuid.UUID("5a0f3c1e-7f55-4c36-9d8e-2f1b1a6f0c11")


def outcome_event(attempt: Attempt, outcome: str, event: CloudEvent) -> CloudEvent:
    """The event of one attempt's outcome has one id, however often it is recorded: a write
    retried after a commit whose answer was lost publishes the same event again, which the
    consumers' inboxes absorb."""
    key = f"{attempt.delivery_id}/{attempt.attempts}/{outcome}"
    return event.model_copy(update={"id": uuid.uuid5(OUTCOME_EVENTS, key)})
