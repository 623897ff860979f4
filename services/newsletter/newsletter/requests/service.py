"""Transactional mail requests (`mail.requested.v1`) become delivery rows, over a
`NewsletterUnitOfWork` (the consumer's: its inbox row is in the same transaction)."""

from __future__ import annotations

import uuid

from newsletter.delivery.domain import TRANSACTIONAL_PRIORITY
from newsletter.errors import InvalidInput
from newsletter.mail.templates import MailTemplates
from newsletter.suppression.domain import email_hmac
from newsletter.unit_of_work import NewsletterUnitOfWork
from shared.events.mail import MailRequestedV1
from shared.tracing import current_traceparent


async def accept_mail_request(
    uow: NewsletterUnitOfWork,
    request: MailRequestedV1,
    *,
    templates: MailTemplates,
    suppression_key: bytes,
) -> str | None:
    """Materialise the one row of this idempotency key, and commit the unit of work.

    Returns the row's status ("pending" or "suppressed"), or None when the key already had
    its row. A request that cannot be rendered (unknown template, missing variable) raises,
    so the consumer parks it on the DLQ instead of queueing a mail that would fail later.
    """
    email = request.to_email.strip()
    if "@" not in email:
        raise InvalidInput("not an email address", field="to_email")
    templates.transactional(request.template_key, request.language).fill(request.variables)
    # Never to a hard-bounced, complained or erased address; the row still records the key
    # (so a redelivery stays a no-op) but keeps no address.
    blocked = await uow.mail_requests.is_suppressed(email_hmac(suppression_key, email)) or (
        request.contact_id is not None and await uow.mail_requests.is_erased(request.contact_id)
    )
    status = "suppressed" if blocked else "pending"
    created = await uow.deliveries.add_requested(
        {
            "id": uuid.uuid4(),
            "origin": request.origin,
            "origin_id": request.origin_id,
            "origin_label": request.origin_label,
            "origin_group": request.origin_group,
            "priority": TRANSACTIONAL_PRIORITY,
            "idempotency_key": request.idempotency_key,
            "template_key": request.template_key,
            "contact_id": request.contact_id,
            "language": request.language,
            "to_email": None if blocked else email,
            "to_name": "" if blocked else request.to_name,
            "variables": {} if blocked else request.variables,
            "attachments": []
            if blocked
            else [a.model_dump(mode="json") for a in request.attachments],
            "status": status,
            "traceparent": current_traceparent(),
        },
    )
    if not created:
        return None
    if not blocked:
        await uow.deliveries.wake_workers()
    await uow.commit()
    return status
