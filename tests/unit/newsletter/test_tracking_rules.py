"""Recording opens and clicks on the in-memory unit of work: every open counted, one event for
the first; every click an event; a forged, foreign or wrong-kind token records nothing."""

from __future__ import annotations

import uuid

import pytest
from newsletter.tracking import service
from newsletter.tracking.domain import (
    CLICK,
    LEGACY_PURPOSE,
    OPEN,
    TrackedDelivery,
    click_payload,
    open_payload,
    purpose_of,
)

from shared.events.mail import MailEventV1
from shared.events.topics import MAIL_EVENTS
from shared.tokens import TokenKeys, sign
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork

KEYS = TokenKeys(keys={"k1": "s" * 40}, current="k1")
FOREIGN = TokenKeys(keys={"k1": "x" * 40}, current="k1")
URL = "https://example.fi/tapahtumat"
CAMPAIGN = uuid.UUID("00000000-0000-0000-0000-0000000000c1")
CONTACT = uuid.UUID("00000000-0000-0000-0000-0000000000a1")


def with_delivery(*, contact: uuid.UUID | None = CONTACT) -> tuple[FakeNewsletterUnitOfWork, str]:
    uow = FakeNewsletterUnitOfWork()
    delivery = TrackedDelivery(
        id=uuid.UUID("00000000-0000-0000-0000-0000000000d1"),
        origin="campaign",
        origin_id=str(CAMPAIGN),
        origin_label="Digitaitoviikko",
        origin_group=None,
        campaign_id=CAMPAIGN,
        contact_id=contact,
    )
    uow.tracking.deliveries[delivery.id] = delivery
    return uow, str(delivery.id)


def mail_events(uow: FakeNewsletterUnitOfWork) -> list[MailEventV1]:
    return [e.parse(MailEventV1) for t, _, e in uow.published if t == MAIL_EVENTS.name]


def open_token(delivery: str) -> str:
    return sign(KEYS, purpose_of(click=False), open_payload(delivery))


def click_token(delivery: str, url: str = URL) -> str:
    return sign(KEYS, purpose_of(click=True), click_payload(delivery, url))


async def test_every_open_is_counted_but_only_the_first_is_an_event() -> None:
    uow, delivery = with_delivery()
    for _ in range(3):
        await service.record_open(uow, keys=KEYS, token=open_token(delivery))
    assert [e.kind for e in uow.tracking.events] == [OPEN, OPEN, OPEN]
    assert all(e.campaign_id == CAMPAIGN and e.url is None for e in uow.tracking.events)
    [event] = mail_events(uow)
    assert event.outcome == "opened"
    assert str(event.delivery_id) == delivery
    assert event.contact_id == CONTACT
    assert event.origin_label == "Digitaitoviikko"
    assert uow.commits == 3


async def test_every_click_is_an_event_with_its_url_and_the_url_is_returned() -> None:
    uow, delivery = with_delivery()
    assert await service.record_click(uow, keys=KEYS, token=click_token(delivery)) == URL
    await service.record_click(uow, keys=KEYS, token=click_token(delivery))
    assert [(e.kind, e.url) for e in uow.tracking.events] == [(CLICK, URL), (CLICK, URL)]
    assert [(e.outcome, e.url) for e in mail_events(uow)] == [("clicked", URL), ("clicked", URL)]


async def test_an_open_after_a_click_is_still_the_first_open() -> None:
    uow, delivery = with_delivery()
    await service.record_click(uow, keys=KEYS, token=click_token(delivery))
    await service.record_open(uow, keys=KEYS, token=open_token(delivery))
    assert [e.outcome for e in mail_events(uow)] == ["clicked", "opened"]


async def test_the_event_of_a_mail_without_a_person_is_keyed_by_its_delivery() -> None:
    uow, delivery = with_delivery(contact=None)
    await service.record_open(uow, keys=KEYS, token=open_token(delivery))
    [(_, key, _)] = uow.published
    assert key == delivery


async def test_a_link_to_a_delivery_since_removed_still_works_and_records_nothing() -> None:
    uow = FakeNewsletterUnitOfWork()
    gone = "00000000-0000-0000-0000-0000000000ff"
    assert await service.record_click(uow, keys=KEYS, token=click_token(gone)) == URL
    await service.record_open(uow, keys=KEYS, token=open_token(gone))
    assert uow.tracking.events == [] and uow.published == [] and uow.commits == 0


async def test_a_token_naming_no_delivery_id_records_nothing() -> None:
    uow, _ = with_delivery()
    assert await service.record_click(uow, keys=KEYS, token=click_token("not-a-uuid")) == URL
    assert uow.tracking.events == [] and uow.tracking.locked == [] and uow.published == []


async def test_a_legacy_token_of_the_right_shape_still_records() -> None:
    uow, delivery = with_delivery()
    await service.record_open(
        uow, keys=KEYS, token=sign(KEYS, LEGACY_PURPOSE, open_payload(delivery))
    )
    assert [e.outcome for e in mail_events(uow)] == ["opened"]


@pytest.mark.parametrize(
    "token, click",
    [
        ("k1.forged", False),
        ("k1.forged", True),
        ("open-as-click", True),
        ("click-as-open", False),
        ("foreign-key", False),
        ("tampered", True),
    ],
)
async def test_a_bad_link_raises_and_reads_or_writes_nothing(token: str, click: bool) -> None:
    uow, delivery = with_delivery()
    made = {
        "open-as-click": open_token(delivery),
        "click-as-open": click_token(delivery),
        "foreign-key": sign(
            TokenKeys(keys={"k1": "x" * 40}, current="k1"),
            purpose_of(click=False),
            open_payload(delivery),
        ),
        "tampered": click_token(delivery)[:-2] + "xx",
    }.get(token, token)
    with pytest.raises(service.BadTrackingLink):
        if click:
            await service.record_click(uow, keys=KEYS, token=made)
        else:
            await service.record_open(uow, keys=KEYS, token=made)
    assert uow.tracking.locked == [] and uow.tracking.events == []
    assert uow.published == [] and uow.commits == 0
