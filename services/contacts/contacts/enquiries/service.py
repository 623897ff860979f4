"""Enquiries: the public contact form files one, staff answer it by mail and close it.

A reply goes out through the newsletter's one mail pipeline: a `mail.requested.v1` event
written to the outbox in the same transaction as the reply and its audit entry, as the
signup's confirmation mail is. Nothing about an enquiry creates or changes a person: asking
a question is not joining the network. The use cases take contacts' unit of work
(`uow.enquiries`), so their rules run on the in-memory fake.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from contacts.audit.domain import Actor
from contacts.enquiries.domain import Enquiry, EnquiryAction, EnquiryForm
from contacts.errors import NotFound
from contacts.snapshots import SOURCE
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.logs import correlation_id

REPLY_TEMPLATE = "enquiry_reply"
MONTH = timedelta(days=30)


async def submit(
    uow: ContactsUnitOfWork, form: EnquiryForm, *, at: datetime | None = None
) -> uuid.UUID:
    enquiry = Enquiry(id=uuid.uuid4(), form=form, created_at=at or datetime.now(UTC))
    async with uow:
        await uow.enquiries.add(enquiry)
        await uow.commit()
    return enquiry.id


async def _locked(uow: ContactsUnitOfWork, enquiry_id: uuid.UUID) -> Enquiry:
    found = await uow.enquiries.get(enquiry_id, for_update=True)
    if found is None:
        raise NotFound("No such enquiry.")
    return found


async def reply(
    uow: ContactsUnitOfWork,
    enquiry_id: uuid.UUID,
    body: str,
    *,
    actor: Actor,
    at: datetime | None = None,
) -> Enquiry:
    """Record the reply and ask the newsletter to mail it, in one transaction; audited."""
    at = at or datetime.now(UTC)
    async with uow:
        before = await _locked(uow, enquiry_id)
        after = before.replied(body, reply_id=uuid.uuid4(), at=at, by=actor.id)
        sent = after.replies[-1]
        await uow.enquiries.save(before, after)
        known = await uow.people.find_by_email(after.form.email)
        mail = MailRequestedV1(
            idempotency_key=f"enquiry-reply:{sent.id}",
            template_key=REPLY_TEMPLATE,
            language=after.form.language,
            to_email=after.form.email,
            to_name=after.form.name,
            contact_id=known.id if known else None,
            variables={"name": after.form.name, "reply": sent.body, "message": after.form.message},
            origin="transactional",
            origin_id=str(sent.id),
        )
        uow.publish(
            MAIL_REQUESTED.name,
            str(enquiry_id),
            new_event(
                source=SOURCE,
                data=mail,
                subject=str(enquiry_id),
                correlation_id=correlation_id.get(),
            ),
        )
        await uow.audit.record(
            actor,
            "enquiry.replied",
            target_type="enquiry",
            target_id=str(enquiry_id),
            details={"reply_id": str(sent.id)},
        )
        await uow.commit()
    return after


async def act(
    uow: ContactsUnitOfWork,
    enquiry_id: uuid.UUID,
    action: EnquiryAction,
    *,
    actor: Actor,
    at: datetime | None = None,
) -> Enquiry:
    """Close or reopen; audited."""
    at = at or datetime.now(UTC)
    async with uow:
        before = await _locked(uow, enquiry_id)
        after = before.acted(action, at=at, by=actor.id)
        await uow.enquiries.save(before, after)
        await uow.audit.record(
            actor,
            f"enquiry.{'closed' if action == 'close' else 'reopened'}",
            target_type="enquiry",
            target_id=str(enquiry_id),
        )
        await uow.commit()
    return after


async def erase(uow: ContactsUnitOfWork, enquiry_id: uuid.UUID, *, actor: Actor) -> None:
    """One enquiry removed at its sender's request (the audit entry keeps only the id)."""
    async with uow:
        await _locked(uow, enquiry_id)
        await uow.enquiries.remove([enquiry_id])
        await uow.audit.record(
            actor, "enquiry.erased", target_type="enquiry", target_id=str(enquiry_id)
        )
        await uow.commit()


async def queue(
    uow: ContactsUnitOfWork, *, state: str | None = None
) -> tuple[list[Enquiry], dict[str, int]]:
    """The queue (newest first, of one state or all) and how many there are in each state."""
    async with uow:
        return await uow.enquiries.listed(state=state), await uow.enquiries.counts()


async def get(uow: ContactsUnitOfWork, enquiry_id: uuid.UUID) -> Enquiry:
    async with uow:
        found = await uow.enquiries.get(enquiry_id)
    if found is None:
        raise NotFound("No such enquiry.")
    return found


def retention_cutoff(months: int, now: datetime) -> datetime:
    """Closed enquiries older than this go (a month counted as 30 days)."""
    return now - months * MONTH
