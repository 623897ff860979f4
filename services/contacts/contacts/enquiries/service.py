"""Enquiries: the public contact form files one, staff answer it by mail and close it.

A reply goes out through the newsletter's one mail pipeline: a `mail.requested.v1` event
written to the outbox in the same transaction as the reply and its audit entry, as the
signup's confirmation mail is. Nothing about an enquiry creates or changes a person: asking
a question is not joining the network.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.audit.domain import Actor
from contacts.audit.service import audit
from contacts.enquiries import repository as store
from contacts.enquiries.domain import Enquiry, EnquiryAction, EnquiryForm
from contacts.errors import NotFound
from contacts.people import repository as people
from contacts.snapshots import SOURCE
from contacts.unit_of_work import unit_of_work
from shared.events.envelope import new_event
from shared.events.mail import MailRequestedV1
from shared.events.topics import MAIL_REQUESTED
from shared.logs import correlation_id
from shared.outbox.unit_of_work import UnitOfWork

REPLY_TEMPLATE = "enquiry_reply"
MONTH = timedelta(days=30)


async def submit(
    engine: AsyncEngine, form: EnquiryForm, *, at: datetime | None = None
) -> uuid.UUID:
    enquiry = Enquiry(id=uuid.uuid4(), form=form, created_at=at or datetime.now(UTC))
    async with unit_of_work(engine) as uow:
        await store.add(uow.conn, enquiry)
        await uow.commit()
    return enquiry.id


async def _locked(uow: UnitOfWork, enquiry_id: uuid.UUID) -> Enquiry:
    found = await store.get(uow.conn, enquiry_id, for_update=True)
    if found is None:
        raise NotFound("No such enquiry.")
    return found


async def reply(
    engine: AsyncEngine,
    enquiry_id: uuid.UUID,
    body: str,
    *,
    actor: Actor,
    at: datetime | None = None,
) -> Enquiry:
    """Record the reply and ask the newsletter to mail it, in one transaction; audited."""
    at = at or datetime.now(UTC)
    async with unit_of_work(engine) as uow:
        before = await _locked(uow, enquiry_id)
        after = before.replied(body, reply_id=uuid.uuid4(), at=at, by=actor.id)
        sent = after.replies[-1]
        await store.save(uow.conn, before, after)
        known = await people.find_by_email(uow.conn, after.form.email)
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
        await audit(
            uow.conn,
            actor,
            "enquiry.replied",
            target_type="enquiry",
            target_id=str(enquiry_id),
            details={"reply_id": str(sent.id)},
        )
        await uow.commit()
    return after


async def act(
    engine: AsyncEngine,
    enquiry_id: uuid.UUID,
    action: EnquiryAction,
    *,
    actor: Actor,
    at: datetime | None = None,
) -> Enquiry:
    """Close or reopen; audited."""
    at = at or datetime.now(UTC)
    async with unit_of_work(engine) as uow:
        before = await _locked(uow, enquiry_id)
        after = before.acted(action, at=at, by=actor.id)
        await store.save(uow.conn, before, after)
        await audit(
            uow.conn,
            actor,
            f"enquiry.{'closed' if action == 'close' else 'reopened'}",
            target_type="enquiry",
            target_id=str(enquiry_id),
        )
        await uow.commit()
    return after


async def erase(engine: AsyncEngine, enquiry_id: uuid.UUID, *, actor: Actor) -> None:
    """One enquiry removed at its sender's request (the audit entry keeps only the id)."""
    async with unit_of_work(engine) as uow:
        await _locked(uow, enquiry_id)
        await store.remove(uow.conn, [enquiry_id])
        await audit(
            uow.conn, actor, "enquiry.erased", target_type="enquiry", target_id=str(enquiry_id)
        )
        await uow.commit()


async def queue(engine: AsyncEngine, *, state: str | None = None) -> list[Enquiry]:
    async with engine.connect() as conn:
        return await store.listed(conn, state=state)


async def counts(engine: AsyncEngine) -> dict[str, int]:
    async with engine.connect() as conn:
        return await store.counts(conn)


async def get(engine: AsyncEngine, enquiry_id: uuid.UUID) -> Enquiry:
    async with engine.connect() as conn:
        found = await store.get(conn, enquiry_id)
    if found is None:
        raise NotFound("No such enquiry.")
    return found


def retention_cutoff(months: int, now: datetime) -> datetime:
    """Closed enquiries older than this go (a month counted as 30 days)."""
    return now - months * MONTH
