"""Accepting a transactional mail request on the in-memory unit of work: one row per
idempotency key; a suppressed address or an erased person keeps the key but no address;
a request that cannot be rendered or addressed writes nothing."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from jinja2 import UndefinedError
from newsletter.errors import InvalidInput
from newsletter.mail.templates import MailTemplates
from newsletter.requests.service import accept_mail_request
from newsletter.suppression.domain import email_hmac

from shared.events.mail import MailRequestedV1
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork

KEY = b"test-key"
TEMPLATES = MailTemplates(base_url="https://digituki.test")
PERSON = uuid.UUID("00000000-0000-0000-0000-0000000000a1")


def request(
    key: str = "reset:1", email: str = " aino@example.fi ", **extra: Any
) -> MailRequestedV1:
    values: dict[str, Any] = {
        "idempotency_key": "reset:1",
        "template_key": "password_reset",
        "language": "fi",
        "to_email": email,
        "to_name": "Aino",
        "variables": {"reset_url": "https://digituki.test/r/1"},
        "contact_id": PERSON,
    }
    return MailRequestedV1(**(values | extra))


async def accept(uow: FakeNewsletterUnitOfWork, req: MailRequestedV1) -> str | None:
    return await accept_mail_request(uow, req, templates=TEMPLATES, suppression_key=KEY)


async def test_a_request_becomes_one_pending_transactional_row_and_wakes_the_workers() -> None:
    uow = FakeNewsletterUnitOfWork()
    assert await accept(uow, request()) == "pending"
    [row] = uow.deliveries.requested.values()
    assert (row["to_email"], row["to_name"], row["status"]) == (
        "aino@example.fi",
        "Aino",
        "pending",
    )
    assert (row["priority"], row["contact_id"], row["template_key"]) == (
        0,
        PERSON,
        "password_reset",
    )
    assert uow.deliveries.wakes == 1 and uow.commits == 1


async def test_a_redelivered_request_adds_nothing_and_wakes_nobody() -> None:
    uow = FakeNewsletterUnitOfWork()
    await accept(uow, request())
    assert await accept(uow, request()) is None
    assert len(uow.deliveries.requested) == 1
    assert uow.deliveries.wakes == 1 and uow.commits == 1


@pytest.mark.parametrize("why", ["suppressed", "erased"])
async def test_a_blocked_address_keeps_the_key_but_no_address_and_sends_nothing(why: str) -> None:
    uow = FakeNewsletterUnitOfWork()
    if why == "suppressed":
        uow.mail_requests.suppressed.add(email_hmac(KEY, "AINO@example.fi"))
    else:
        uow.mail_requests.erased.add(PERSON)
    assert await accept(uow, request()) == "suppressed"
    [row] = uow.deliveries.requested.values()
    assert (row["to_email"], row["to_name"], row["variables"]) == (None, "", {})
    assert uow.deliveries.wakes == 0 and uow.commits == 1
    assert await accept(uow, request()) is None  # still one row for the key


async def test_a_request_without_a_person_is_never_taken_for_erased() -> None:
    uow = FakeNewsletterUnitOfWork()
    uow.mail_requests.erased.add(PERSON)
    assert await accept(uow, request(contact_id=None)) == "pending"


async def test_a_request_that_is_no_address_writes_nothing() -> None:
    uow = FakeNewsletterUnitOfWork()
    with pytest.raises(InvalidInput):
        await accept(uow, request(email="not-an-address"))
    assert uow.deliveries.requested == {} and uow.commits == 0


async def test_a_request_that_cannot_be_rendered_writes_nothing() -> None:
    uow = FakeNewsletterUnitOfWork()
    with pytest.raises((UndefinedError, KeyError, ValueError)):
        await accept(uow, request(variables={}))
    assert uow.deliveries.requested == {} and uow.commits == 0
