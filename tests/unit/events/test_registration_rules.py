"""The rules of registration on the fake unit of work: a seat while there is one, then the
waiting list in arrival order; a cancelled seat goes to the first one waiting; a repeat
registration tells nothing new; reminders go out once per offset; the feedback survey is
requested once per attendee; the surveys' replicas skip tombstones."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest
from events.catalog.domain import Event, EventDetails
from events.errors import Conflict, NotFound
from events.feedback.service import apply_counts, apply_surveys, request_due_feedback
from events.registration.domain import Registrant
from events.registration.reminders import send_due_reminders
from events.registration.service import Links, cancel_registration, register

from shared.events.envelope import CloudEvent, new_event
from shared.events.surveys import EventFeedbackV1, SurveyV1
from shared.events.topics import (
    EVENT_FEEDBACK_REQUESTS,
    EVENT_NEWSLETTER_SIGNUPS,
    EVENT_REGISTRATIONS,
    MAIL_REQUESTED,
)
from shared.tokens import TokenKeys
from tests.unit.fakes.events import FakeEventsUnitOfWork

LINKS = Links(keys=TokenKeys.single("k" * 40), base_url="https://digituki.test")
START = datetime(2027, 10, 4, 6, 0, tzinfo=UTC)
END = datetime(2027, 10, 4, 8, 0, tzinfo=UTC)
NOW = START - timedelta(days=10)
SURVEY = uuid.UUID("00000000-0000-4000-8000-0000000000f1")


def an_event(uow: FakeEventsUnitOfWork, **changes: object) -> Event:
    details = EventDetails(
        kind="webinar",
        title={"fi": "Digitaidot tutuksi"},
        starts_at=START,
        ends_at=END,
        online=True,
        join_url="https://meet.example.fi/abc",
        capacity=2,
    )
    event = Event(
        id=uuid.uuid4(),
        details=replace(details, **changes),  # type: ignore[arg-type]
        state="published",
    )
    uow.events.rows[event.id] = event
    return event


def person(n: int, **changes: str) -> Registrant:
    return replace(Registrant(name=f"Henkilö {n}", email=f"p{n}@example.fi"), **changes)


async def sign_up(uow: FakeEventsUnitOfWork, event: Event, n: int, *, at: datetime = NOW) -> str:
    return await register(
        uow, event_id=event.id, registrant=person(n), links=LINKS, now=at + timedelta(minutes=n)
    )


def mails(uow: FakeEventsUnitOfWork) -> list[tuple[str, str]]:
    return [(m["template_key"], m["to_email"]) for m in uow.on(MAIL_REQUESTED.name)]


def changes(uow: FakeEventsUnitOfWork) -> list[str]:
    return [c["change"] for c in uow.on(EVENT_REGISTRATIONS.name)]


def state_of(uow: FakeEventsUnitOfWork, email: str) -> str:
    (row,) = [r for r in uow.registrations.rows.values() if r.email == email]
    return row.state


# ---- capacity and the waiting list ------------------------------------------------------


async def test_seats_up_to_the_capacity_then_the_waiting_list() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow, capacity=2)
    assert [await sign_up(uow, event, n) for n in (1, 2, 3, 4)] == [
        "registered",
        "registered",
        "waitlisted",
        "waitlisted",
    ]
    assert changes(uow) == ["registered", "registered", "waitlisted", "waitlisted"]
    assert mails(uow) == [
        ("event_confirmation", "p1@example.fi"),
        ("event_confirmation", "p2@example.fi"),
        ("event_waitlisted", "p3@example.fi"),
        ("event_waitlisted", "p4@example.fi"),
    ]
    assert await uow.registrations.counts(event.id) == {"registered": 2, "waitlisted": 2}


async def test_the_join_link_goes_only_to_seat_holders() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow, capacity=1)
    await sign_up(uow, event, 1)
    await sign_up(uow, event, 2)
    seat, waiting = uow.on(MAIL_REQUESTED.name)
    assert seat["variables"]["join_url"] == "https://meet.example.fi/abc"
    assert waiting["variables"]["join_url"] == ""


async def test_no_capacity_means_no_waiting_list() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow, capacity=None)
    assert {await sign_up(uow, event, n) for n in range(1, 6)} == {"registered"}


async def test_registering_again_answers_received_and_adds_no_one() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow)
    await sign_up(uow, event, 1)
    again = await register(
        uow, event_id=event.id, registrant=person(1, email="P1@Example.fi "), links=LINKS, now=NOW
    )
    assert again == "received"
    assert len(uow.registrations.rows) == 1
    assert changes(uow) == ["registered"]  # no second registration event
    assert mails(uow) == [("event_confirmation", "p1@example.fi")] * 2  # the mail again


async def test_the_newsletter_tick_asks_contacts_for_the_double_opt_in() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow)
    await register(uow, event_id=event.id, registrant=person(1), links=LINKS, now=NOW)
    assert uow.on(EVENT_NEWSLETTER_SIGNUPS.name) == []
    await register(
        uow, event_id=event.id, registrant=person(2), links=LINKS, now=NOW, newsletter=True
    )
    (signup,) = uow.on(EVENT_NEWSLETTER_SIGNUPS.name)
    assert signup["email"] == "p2@example.fi"


@pytest.mark.parametrize(
    ("changes_", "error"),
    [
        ({"state": "draft"}, NotFound),
        ({"state": "cancelled"}, NotFound),
    ],
    ids=["draft", "cancelled"],
)
async def test_only_published_events_take_registrations(
    changes_: dict[str, str], error: type[Exception]
) -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow)
    uow.events.rows[event.id] = replace(event, **changes_)  # type: ignore[arg-type]
    with pytest.raises(error):
        await sign_up(uow, event, 1)
    assert uow.registrations.rows == {}
    assert uow.published == []


async def test_registration_closes_when_the_event_starts() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow)
    with pytest.raises(Conflict):
        await register(uow, event_id=event.id, registrant=person(1), links=LINKS, now=START)
    assert uow.registrations.rows == {}
    assert uow.published == []


async def test_an_unknown_event_is_not_found() -> None:
    uow = FakeEventsUnitOfWork()
    with pytest.raises(NotFound):
        await register(uow, event_id=uuid.uuid4(), registrant=person(1), links=LINKS, now=NOW)
    assert uow.published == []


async def test_a_known_address_links_the_registration_to_the_person() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow)
    contact = uuid.UUID("00000000-0000-4000-8000-00000000c0de")
    uow.registrations.people["p1@example.fi"] = contact
    await sign_up(uow, event, 1)
    await sign_up(uow, event, 2)
    assert sorted((r.email, r.contact_id) for r in uow.registrations.rows.values()) == [
        ("p1@example.fi", contact),
        ("p2@example.fi", None),
    ]


# ---- cancelling and promotion -----------------------------------------------------------


def cancel_token(uow: FakeEventsUnitOfWork, email: str) -> str:
    (row,) = [r for r in uow.registrations.rows.values() if r.email == email]
    return LINKS.cancel(row.id).rsplit("/", 1)[1]


async def test_a_cancelled_seat_goes_to_the_first_one_waiting() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow, capacity=2)
    for n in (1, 2, 3, 4):
        await sign_up(uow, event, n)
    await cancel_registration(uow, token=cancel_token(uow, "p2@example.fi"), links=LINKS, now=NOW)
    assert [state_of(uow, f"p{n}@example.fi") for n in (1, 2, 3, 4)] == [
        "registered",
        "cancelled",
        "registered",  # the first one waiting
        "waitlisted",
    ]
    assert changes(uow)[-2:] == ["cancelled", "promoted"]
    assert mails(uow)[-1] == ("event_promoted", "p3@example.fi")
    promoted = uow.on(MAIL_REQUESTED.name)[-1]
    assert promoted["variables"]["join_url"] == "https://meet.example.fi/abc"


async def test_cancelling_twice_is_cancelling_once() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow, capacity=1)
    for n in (1, 2, 3):
        await sign_up(uow, event, n)
    token = cancel_token(uow, "p1@example.fi")
    await cancel_registration(uow, token=token, links=LINKS, now=NOW)
    published = len(uow.published)
    await cancel_registration(uow, token=token, links=LINKS, now=NOW)
    assert len(uow.published) == published
    assert [state_of(uow, f"p{n}@example.fi") for n in (1, 2, 3)] == [
        "cancelled",
        "registered",
        "waitlisted",
    ]


async def test_a_waiting_one_who_cancels_frees_no_seat() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow, capacity=1)
    for n in (1, 2, 3):
        await sign_up(uow, event, n)
    await cancel_registration(uow, token=cancel_token(uow, "p2@example.fi"), links=LINKS, now=NOW)
    assert [state_of(uow, f"p{n}@example.fi") for n in (1, 2, 3)] == [
        "registered",
        "cancelled",
        "waitlisted",
    ]
    assert "promoted" not in changes(uow)


async def test_a_forged_cancel_link_changes_nothing() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow)
    await sign_up(uow, event, 1)
    published = len(uow.published)
    with pytest.raises(NotFound):
        await cancel_registration(uow, token="not-a-token", links=LINKS, now=NOW)
    assert state_of(uow, "p1@example.fi") == "registered"
    assert len(uow.published) == published


# ---- reminders ---------------------------------------------------------------------------


async def test_each_reminder_goes_out_once() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow, capacity=1)
    await sign_up(uow, event, 1)
    await sign_up(uow, event, 2)  # waiting: no reminder
    before = len(mails(uow))
    day_before = START - timedelta(hours=20)
    assert await send_due_reminders(uow, offsets=[24, 168], links=LINKS, now=day_before) == 1
    assert await send_due_reminders(uow, offsets=[24, 168], links=LINKS, now=day_before) == 0
    assert mails(uow)[before:] == [("event_reminder", "p1@example.fi")]
    # The week's reminder is settled by the day's: never sent after it.
    (row,) = [r for r in uow.registrations.rows.values() if r.state == "registered"]
    assert sorted(row.reminders_sent) == [24, 168]


async def test_the_nearer_reminder_follows_the_earlier_one() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow)
    await sign_up(uow, event, 1)
    week_before = START - timedelta(hours=150)
    assert await send_due_reminders(uow, offsets=[24, 168], links=LINKS, now=week_before) == 1
    assert await send_due_reminders(uow, offsets=[24, 168], links=LINKS, now=week_before) == 0
    day_before = START - timedelta(hours=20)
    assert await send_due_reminders(uow, offsets=[24, 168], links=LINKS, now=day_before) == 1
    keys = [m["idempotency_key"] for m in uow.on(MAIL_REQUESTED.name)[1:]]
    assert [k.rsplit(":", 1)[1] for k in keys] == ["168", "24"]


async def test_who_registered_after_the_reminder_moment_gets_none() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow)
    await sign_up(uow, event, 1, at=START - timedelta(hours=10))
    assert (
        await send_due_reminders(uow, offsets=[24], links=LINKS, now=START - timedelta(hours=5))
        == 0
    )
    (row,) = uow.registrations.rows.values()
    assert row.reminders_sent == [24]  # settled all the same: not looked at again


async def test_a_cancelled_event_sends_no_reminders() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow)
    await sign_up(uow, event, 1)
    uow.events.rows[event.id] = replace(event, state="cancelled")
    assert (
        await send_due_reminders(uow, offsets=[24], links=LINKS, now=START - timedelta(hours=2))
        == 0
    )


# ---- the feedback survey ----------------------------------------------------------------


async def attendees(uow: FakeEventsUnitOfWork, event: Event, *who: int) -> None:
    for n in who:
        await sign_up(uow, event, n)
    await uow.registrations.set_attended(
        [r.id for r in uow.registrations.rows.values() if r.state == "registered"], START
    )


async def test_the_feedback_survey_is_requested_once_per_attendee() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow, capacity=2, feedback_survey_id=SURVEY)
    await attendees(uow, event, 1, 2, 3)  # 3 waits: not an attendee
    after = END + timedelta(hours=1)
    week = timedelta(days=7)
    assert await request_due_feedback(uow, max_age=week, now=END - timedelta(minutes=1)) == 0
    assert await request_due_feedback(uow, max_age=week, now=after) == 2
    assert await request_due_feedback(uow, max_age=week, now=after) == 0
    requests = uow.on(EVENT_FEEDBACK_REQUESTS.name)
    assert sorted(r["email"] for r in requests) == ["p1@example.fi", "p2@example.fi"]
    assert {r["survey_id"] for r in requests} == {str(SURVEY)}
    assert await uow.feedback.requested_count(event.id) == 2


async def test_no_survey_no_request() -> None:
    uow = FakeEventsUnitOfWork()
    event = an_event(uow)
    await attendees(uow, event, 1)
    assert (
        await request_due_feedback(uow, max_age=timedelta(days=7), now=END + timedelta(hours=1))
        == 0
    )
    assert uow.on(EVENT_FEEDBACK_REQUESTS.name) == []


def survey_event(version: int, **data: object) -> CloudEvent:
    survey = SurveyV1(
        survey_id=SURVEY,
        version=version,
        title={"fi": "Palaute"},
        state="active",
        languages=["fi"],
        **data,  # type: ignore[arg-type]
    )
    return new_event(source="/digituki/surveys", data=survey)


class Replica:
    def __init__(self) -> None:
        self.surveys: list[dict[str, object]] = []
        self.status: list[dict[str, object]] = []

    async def upsert_surveys(self, rows: object) -> None:
        self.surveys += list(rows)  # type: ignore[call-overload]

    async def upsert_status(self, rows: object) -> None:
        self.status += list(rows)  # type: ignore[call-overload]


async def test_the_surveys_replica_takes_snapshots_and_skips_tombstones() -> None:
    replica = Replica()
    tombstone = survey_event(2).model_copy(update={"data": None})
    await apply_surveys(replica, [survey_event(1), tombstone])
    assert [(r["survey_id"], r["version"], r["state"]) for r in replica.surveys] == [
        (SURVEY, 1, "active")
    ]


async def test_the_counts_replica_takes_each_events_counts() -> None:
    replica = Replica()
    event_id = uuid.UUID("00000000-0000-4000-8000-0000000000e1")
    counts = EventFeedbackV1(
        event_id=event_id,
        survey_id=SURVEY,
        campaign_id=uuid.UUID("00000000-0000-4000-8000-0000000000ca"),
        version=3,
        invited=5,
        answered=2,
        anonymous=True,
        results_path="/surveys/x",
    )
    await apply_counts(replica, [new_event(source="/digituki/surveys", data=counts)])
    assert [(r["event_id"], r["invited"], r["answered"]) for r in replica.status] == [
        (event_id, 5, 2)
    ]
