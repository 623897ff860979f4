"""Inbound bounces over a `NewsletterUnitOfWork`: a DSN marks its delivery bounced and
suppresses the address (hard), or only reports a delay (deferred). The event leaves through
the outbox in the same transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Literal

from newsletter.bounces.domain import NotADsn, parse_dsn
from newsletter.suppression.domain import email_hmac
from newsletter.unit_of_work import NewsletterUnitOfWork
from shared.events.envelope import new_event
from shared.events.mail import MailEventV1, MailOutcome
from shared.events.topics import MAIL_EVENTS

BounceResult = Literal["bounced", "duplicate", "deferred", "unknown", "ignored"]


async def process_dsn(
    uow: NewsletterUnitOfWork,
    raw: bytes,
    *,
    mail_domain: str,
    suppression_key: bytes,
    envelope_recipients: Sequence[str] = (),
) -> BounceResult:
    """Idempotent: a repeated hard bounce of a delivery already bounced changes nothing.
    Only "bounced" and "deferred" commit (a row change and an event); the rest write nothing."""
    try:
        dsn = parse_dsn(raw, envelope_recipients)
    except NotADsn:
        return "ignored"
    verdict = dsn.worst
    delivery_id = dsn.delivery_id(mail_domain)
    if verdict is None or verdict.kind is None:
        return "ignored"
    if delivery_id is None:
        return "unknown"
    detail = verdict.diagnostic or f"{verdict.action} {verdict.status}"
    row = await uow.bounces.delivery_for_update(delivery_id)
    if row is None:
        return "unknown"
    if row.status == "bounced":
        return "duplicate"
    email = row.to_email or verdict.final_recipient
    outcome: MailOutcome = "deferred"
    if verdict.kind == "hard":
        outcome = "bounced_hard"
        await uow.bounces.mark_bounced(delivery_id, detail)
        if email:
            await uow.bounces.suppress(email_hmac(suppression_key, email), detail)
    uow.publish(
        MAIL_EVENTS.name,
        str(row.contact_id or delivery_id),
        new_event(
            source="/newsletter",
            subject=str(delivery_id),
            data=MailEventV1(
                delivery_id=delivery_id,
                outcome=outcome,
                occurred_at=datetime.now(UTC),
                origin=row.origin,
                origin_id=row.origin_id,
                origin_label=row.origin_label,
                origin_group=row.origin_group,
                contact_id=row.contact_id,
                email=row.to_email,
                detail=detail,
            ),
        ),
    )
    await uow.commit()
    return "bounced" if outcome == "bounced_hard" else "deferred"
