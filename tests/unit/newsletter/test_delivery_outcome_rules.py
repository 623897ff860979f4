"""Recording delivery outcomes on the in-memory unit of work: what each SMTP outcome does to
its row, the suppression list and the outbox, in one commit."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

import pytest
from newsletter.delivery.domain import Result
from newsletter.delivery.service import Attempt, RetryPolicy, outcome_event_id, record_outcomes
from newsletter.suppression.domain import email_hmac

from shared.events.topics import MAIL_EVENTS
from tests.unit.fakes.newsletter import FakeNewsletterUnitOfWork
from tests.unit.fakes.newsletter_delivery import FakeSendRow

KEY = b"test-key"
RETRY = RetryPolicy(base_s=60, max_s=3600, max_attempts=3)
LONG_AGO = datetime(2026, 1, 1, tzinfo=UTC)
CONTACT = uuid.UUID("00000000-0000-0000-0000-0000000000a1")


def mail(uow: FakeNewsletterUnitOfWork, n: int, *, attempts: int = 1) -> Attempt:
    delivery = uuid.UUID(int=n)
    uow.sending.rows[delivery] = FakeSendRow(delivery, LONG_AGO, attempts=attempts)
    return Attempt(delivery, "campaign", "c1", CONTACT, f"p{n}@example.fi", attempts, "Viikko")


async def record(uow: FakeNewsletterUnitOfWork, *outcomes: tuple[Attempt, Result]) -> None:
    await record_outcomes(uow, list(outcomes), retry=RETRY, suppression_key=KEY)


async def test_a_sent_mail_is_finished_and_told_once_keyed_by_its_person() -> None:
    uow = FakeNewsletterUnitOfWork()
    a = mail(uow, 1)
    await record(uow, (a, Result(a.delivery_id, "sent", 250, "250 2.0.0 Ok: queued")))
    row = uow.sending.rows[a.delivery_id]
    assert (row.status, row.finished, row.last_error) == ("sent", True, "250 2.0.0 Ok: queued")
    [(topic, event_id, key, _, data)] = uow.sending.outbox
    assert (topic, key) == (MAIL_EVENTS.name, str(CONTACT))
    assert event_id == outcome_event_id(a, "sent")  # the same id however often it is written
    assert (data["outcome"], data["origin_label"], data["email"]) == ("sent", "Viikko", None)
    assert uow.commits == 1 and not uow.sending.suppressed


async def test_a_hard_bounce_finishes_the_row_and_suppresses_the_address() -> None:
    uow = FakeNewsletterUnitOfWork()
    a = mail(uow, 1)
    await record(uow, (a, Result(a.delivery_id, "bounced", 550, "550 5.1.1 unknown user")))
    assert uow.sending.rows[a.delivery_id].status == "bounced"
    assert uow.sending.suppressed == {
        email_hmac(KEY, a.email): ("hard_bounce", "550 5.1.1 unknown user")
    }
    assert [e["outcome"] for e in uow.sending.events()] == ["bounced_hard"]


async def test_a_deferral_waits_with_backoff_and_stays_pending() -> None:
    uow = FakeNewsletterUnitOfWork()
    a = mail(uow, 1, attempts=2)
    before = datetime.now(UTC)
    await record(uow, (a, Result(a.delivery_id, "deferred", 451, "451 try later")))
    row = uow.sending.rows[a.delivery_id]
    assert (row.status, row.finished, row.last_error) == ("pending", False, "451 try later")
    wait = row.due - before
    assert timedelta(seconds=119) < wait < timedelta(seconds=125)  # base * 2 after the 2nd
    assert [e["outcome"] for e in uow.sending.events()] == ["deferred"]
    assert not uow.sending.suppressed


async def test_a_deferral_after_the_last_attempt_fails_softly_and_suppresses_nothing() -> None:
    uow = FakeNewsletterUnitOfWork()
    a = mail(uow, 1, attempts=3)
    await record(uow, (a, Result(a.delivery_id, "deferred", 451, "451 try later")))
    assert uow.sending.rows[a.delivery_id].status == "failed"
    assert [e["outcome"] for e in uow.sending.events()] == ["bounced_soft"]
    assert not uow.sending.suppressed


async def test_a_held_mail_waits_for_the_relay_its_attempt_uncounted_and_untold() -> None:
    uow = FakeNewsletterUnitOfWork()
    a = mail(uow, 1, attempts=3)
    before = datetime.now(UTC)
    await record(uow, (a, Result(a.delivery_id, "held", 535, "535 login refused", 30.0)))
    row = uow.sending.rows[a.delivery_id]
    assert (row.status, row.attempts, row.last_error) == ("pending", 2, "535 login refused")
    assert timedelta(seconds=29) < row.due - before < timedelta(seconds=35)
    assert uow.sending.outbox == [] and uow.commits == 1


async def test_a_batch_writes_every_outcome_and_its_events_in_order_in_one_commit() -> None:
    uow = FakeNewsletterUnitOfWork()
    mails = [mail(uow, n) for n in range(1, 5)]
    results = ["sent", "bounced", "deferred", "sent"]
    await record(
        uow,
        *[(a, Result(a.delivery_id, r, 250)) for a, r in zip(mails, results, strict=True)],  # type: ignore[arg-type]
    )
    assert [uow.sending.rows[a.delivery_id].status for a in mails] == [
        "sent",
        "bounced",
        "pending",
        "sent",
    ]
    assert [e["delivery_id"] for e in uow.sending.events()] == [str(a.delivery_id) for a in mails]
    assert uow.commits == 1


async def test_a_reply_postgresql_would_refuse_is_stored_cleaned() -> None:
    uow = FakeNewsletterUnitOfWork()
    a = mail(uow, 1)
    await record(uow, (a, Result(a.delivery_id, "sent", 250, "250 ok\x00 queued")))
    assert uow.sending.rows[a.delivery_id].last_error == "250 ok queued"
    assert uow.sending.events()[0]["detail"] == "250 ok queued"


async def test_nothing_to_record_writes_and_commits_nothing() -> None:
    uow = FakeNewsletterUnitOfWork()
    await record(uow)
    assert uow.commits == 0 and uow.sending.outbox == []


async def test_an_unknown_origin_refuses_the_whole_batch_before_writing() -> None:
    uow = FakeNewsletterUnitOfWork()
    good = mail(uow, 1)
    bad = Attempt(uuid.UUID(int=2), "carrier_pigeon", None, None, "x@example.fi", 1)  # type: ignore[arg-type]
    uow.sending.rows[bad.delivery_id] = FakeSendRow(bad.delivery_id, LONG_AGO)
    with pytest.raises(ValueError, match="origin"):
        await record(
            uow,
            (good, Result(good.delivery_id, "sent", 250)),
            (bad, Result(bad.delivery_id, "sent", 250)),
        )
    assert uow.sending.rows[good.delivery_id].status == "pending"
    assert uow.sending.outbox == [] and uow.commits == 0
