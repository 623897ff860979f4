"""Processing a DSN on the in-memory unit of work: a hard bounce marks the delivery bounced,
suppresses the address and tells it once; a delay only tells; anything else writes nothing."""

from __future__ import annotations

import uuid

import pytest
from newsletter.bounces.domain import BouncedDelivery
from newsletter.bounces.service import process_dsn
from newsletter.suppression.domain import email_hmac

from shared.events.mail import MailEventV1
from shared.events.topics import MAIL_EVENTS
from tests.support.dsn import exchange_dsn, postfix_dsn
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork

DOMAIN = "digituki.fi"
KEY = b"test-key"
DELIVERY = uuid.UUID("00000000-0000-0000-0000-0000000000d1")
CONTACT = uuid.UUID("00000000-0000-0000-0000-0000000000a1")
EMAIL = "aino@example.fi"


def with_delivery(status: str = "sent", to_email: str | None = EMAIL) -> FakeNewsletterUnitOfWork:
    uow = FakeNewsletterUnitOfWork(suppression_key=KEY)
    uow.bounces.deliveries[DELIVERY] = BouncedDelivery(
        id=DELIVERY,
        origin="campaign",
        origin_id="c1",
        origin_label="Digitaitoviikko",
        origin_group=None,
        contact_id=CONTACT,
        to_email=to_email,
        status=status,
    )
    return uow


async def process(uow: FakeNewsletterUnitOfWork, raw: bytes, rcpts: list[str] | None = None) -> str:
    return await process_dsn(
        uow, raw, mail_domain=DOMAIN, suppression_key=KEY, envelope_recipients=rcpts or []
    )


def events(uow: FakeNewsletterUnitOfWork) -> list[MailEventV1]:
    return [e.parse(MailEventV1) for t, _, e in uow.published if t == MAIL_EVENTS.name]


def nothing_written(uow: FakeNewsletterUnitOfWork) -> bool:
    return not uow.bounces.errors and not uow.bounces.suppressed and uow.published == []


async def test_a_hard_bounce_marks_the_delivery_suppresses_the_address_and_tells_it() -> None:
    uow = with_delivery()
    assert await process(uow, postfix_dsn(DELIVERY, EMAIL)) == "bounced"
    assert uow.bounces.deliveries[DELIVERY].status == "bounced"
    assert "User unknown" in (uow.bounces.errors[DELIVERY] or "")
    assert uow.bounces.suppressed[email_hmac(KEY, EMAIL)][0] == "hard_bounce"
    [event] = events(uow)
    assert (event.outcome, event.delivery_id, event.contact_id) == (
        "bounced_hard",
        DELIVERY,
        CONTACT,
    )
    assert event.origin_label == "Digitaitoviikko"
    [(_, key, _)] = uow.published
    assert key == str(CONTACT)
    assert uow.commits == 1


async def test_the_same_bounce_again_is_a_duplicate_and_changes_nothing() -> None:
    uow = with_delivery()
    await process(uow, postfix_dsn(DELIVERY, EMAIL))
    assert await process(uow, postfix_dsn(DELIVERY, EMAIL)) == "duplicate"
    assert len(events(uow)) == 1 and uow.commits == 1


async def test_a_delay_only_tells_and_neither_marks_nor_suppresses() -> None:
    uow = with_delivery()
    raw = postfix_dsn(DELIVERY, EMAIL, status="4.2.2", action="delayed")
    assert await process(uow, raw) == "deferred"
    assert uow.bounces.deliveries[DELIVERY].status == "sent"
    assert not uow.bounces.errors and not uow.bounces.suppressed
    assert [e.outcome for e in events(uow)] == ["deferred"]


async def test_without_verp_the_returned_message_id_finds_the_delivery() -> None:
    uow = with_delivery()
    assert await process(uow, exchange_dsn(DELIVERY, EMAIL, DOMAIN)) == "bounced"
    assert uow.bounces.deliveries[DELIVERY].status == "bounced"


async def test_a_delivery_without_its_address_suppresses_the_final_recipient() -> None:
    uow = with_delivery(to_email=None)
    assert await process(uow, postfix_dsn(DELIVERY, EMAIL)) == "bounced"
    assert email_hmac(KEY, EMAIL) in uow.bounces.suppressed


async def test_a_dsn_of_a_delivery_not_ours_is_unknown_and_writes_nothing() -> None:
    uow = with_delivery()
    other = uuid.UUID("00000000-0000-0000-0000-0000000000ee")
    assert await process(uow, postfix_dsn(other, EMAIL)) == "unknown"
    assert nothing_written(uow) and uow.commits == 0


async def test_a_dsn_naming_no_delivery_at_all_is_unknown() -> None:
    uow = with_delivery()
    raw = postfix_dsn(DELIVERY, EMAIL, mail_domain="elsewhere.example", verp=False)
    assert await process(uow, raw) == "unknown"
    assert nothing_written(uow)


@pytest.mark.parametrize(
    "raw",
    [
        b"From: someone@example.fi\r\nSubject: Out of office\r\n\r\nBack on Monday.\r\n",
        postfix_dsn(DELIVERY, EMAIL, status="2.0.0", action="delivered"),
    ],
    ids=["autoreply", "success-report"],
)
async def test_an_autoreply_or_a_success_report_is_ignored(raw: bytes) -> None:
    uow = with_delivery()
    assert await process(uow, raw) == "ignored"
    assert nothing_written(uow) and uow.commits == 0
    assert uow.bounces.deliveries[DELIVERY].status == "sent"


async def test_the_verp_envelope_recipient_names_the_delivery() -> None:
    uow = with_delivery()
    raw = postfix_dsn(DELIVERY, EMAIL, mail_domain="elsewhere.example", verp=False)
    assert await process(uow, raw, [f"bounces+{DELIVERY.hex}@{DOMAIN}"]) == "bounced"
