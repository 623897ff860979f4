"""Other services' mail and survey events on the in-memory unit of work: counted for the
dashboard and the impact chain, opens and answers move the engagement day (one snapshot a
day), hard bounces and complaints mark the address, an unsubscribe withdraws the consents."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, date, datetime
from typing import Any

from contacts.activity import service
from contacts.people.domain.person import Person

from shared.events.mail import MailEventV1
from shared.events.surveys import ResponseSubmittedV1
from tests.unit.fakes.contacts import FakeContactsUnitOfWork

MORNING = datetime(2026, 3, 2, 7, tzinfo=UTC)
CAMPAIGN = str(uuid.UUID(int=77))


def mail(outcome: str, person: Person | None, **more: Any) -> MailEventV1:
    return MailEventV1(
        delivery_id=more.pop("delivery_id", uuid.UUID(int=1)),
        outcome=outcome,  # type: ignore[arg-type]
        occurred_at=more.pop("at", MORNING),
        origin=more.pop("origin", "campaign"),
        origin_id=more.pop("origin_id", CAMPAIGN),
        contact_id=more.pop("contact_id", person.id if person else None),
        **more,
    )


async def someone(**changes: Any) -> tuple[FakeContactsUnitOfWork, Person]:
    uow = FakeContactsUnitOfWork()
    person = replace(
        Person.new(email="aino@example.fi"),
        subscription_state="subscribed",
        newsletter_consent=True,
        **changes,
    )
    await uow.people.add(person)
    await uow.commit()
    return uow, person


async def test_opens_reach_the_timeline_and_move_the_engagement_day_once_a_day() -> None:
    uow, person = await someone()
    await service.apply_mail_event(uow, mail("opened", person))
    await service.apply_mail_event(uow, mail("clicked", person, url="https://x.example"))
    later = datetime(2026, 3, 2, 15, tzinfo=UTC)
    await service.apply_mail_event(uow, mail("opened", person, at=later))
    assert uow.activity.kinds(person.id) == ["mail_opened", "mail_clicked", "mail_opened"]
    assert uow.activity.rows[1].details == {
        "origin": "campaign",
        "origin_id": CAMPAIGN,
        "url": "https://x.example",
    }
    assert {r.source for r in uow.activity.rows} == {"newsletter"}
    assert uow.people.rows[person.id].last_engaged_on == date(2026, 3, 2)
    assert len(uow.snapshots()) == 1  # three events on one day: one new version
    assert {m[1] for m in uow.figures.mail} == {"opened", "clicked"}


async def test_a_hard_bounce_marks_the_address_and_a_complaint_outranks_it() -> None:
    uow, person = await someone()
    await service.apply_mail_event(uow, mail("bounced_hard", person, detail="550 no such user"))
    await service.apply_mail_event(uow, mail("bounced_hard", person))  # nothing new
    assert uow.people.rows[person.id].email_status == "bounced"
    assert uow.activity.kinds(person.id) == ["email_bounced"]
    assert uow.activity.rows[0].details["detail"] == "550 no such user"
    await service.apply_mail_event(uow, mail("complained", person))
    await service.apply_mail_event(uow, mail("bounced_hard", person))  # never softens it
    assert uow.people.rows[person.id].email_status == "complained"
    assert uow.activity.kinds(person.id) == ["email_bounced", "email_complained"]
    assert [s.email_status for s in uow.snapshots()] == ["bounced", "complained"]


async def test_an_address_without_an_id_is_found_and_an_unknown_one_only_counted() -> None:
    uow, person = await someone()
    await service.apply_mail_event(
        uow, mail("bounced_hard", None, email="aino@example.fi", origin="transactional")
    )
    assert uow.people.rows[person.id].email_status == "bounced"
    await service.apply_mail_event(uow, mail("bounced_hard", None, email="x@example.fi"))
    await service.apply_mail_event(uow, mail("opened", None, contact_id=uuid.UUID(int=404)))
    assert len(uow.activity.rows) == 1 and len(uow.snapshots()) == 1
    # The campaign's bounce and open count for the dashboard; transactional mail does not.
    assert {m[1] for m in uow.figures.mail} == {"bounced_hard", "opened"}


async def test_sends_count_the_campaigns_reach_and_change_no_record() -> None:
    uow, person = await someone()
    await service.apply_mail_event(uow, mail("sent", person))
    await service.apply_mail_event(uow, mail("sent", person, origin="transactional"))
    await service.apply_mail_event(uow, mail("deferred", person))
    assert uow.figures.reached == {(person.id, date(2026, 3, 1))}
    assert uow.activity.rows == [] and uow.snapshots() == []
    assert uow.people.rows[person.id] == person


async def test_an_unsubscribe_withdraws_the_consents_once_and_an_unknown_id_is_passed_over() -> (
    None
):
    uow, person = await someone()
    await service.apply_mail_event(uow, mail("unsubscribed", person))
    await service.apply_mail_event(uow, mail("unsubscribed", person))
    gone = uow.people.rows[person.id]
    assert (gone.subscription_state, gone.newsletter_consent) == ("unsubscribed", False)
    assert uow.activity_kinds() == ["unsubscribed"]
    await service.apply_mail_event(uow, mail("unsubscribed", None, contact_id=uuid.UUID(int=9)))
    assert uow.activity_kinds() == ["unsubscribed"]


async def test_an_identified_answer_reaches_the_timeline_an_anonymous_one_is_only_counted() -> None:
    uow, person = await someone(last_engaged_on=date(2026, 1, 1))
    campaign = uuid.UUID(int=5)
    answer = ResponseSubmittedV1(
        response_id=uuid.UUID(int=1),
        survey_id=uuid.UUID(int=2),
        campaign_id=campaign,
        submitted_on=date(2026, 3, 5),
        contact_id=person.id,
    )
    anonymous = answer.model_copy(update={"response_id": uuid.UUID(int=3), "contact_id": None})
    await service.apply_survey_response(uow, answer)
    await service.apply_survey_response(uow, anonymous)
    assert uow.figures.responses == {(uuid.UUID(int=1), campaign), (uuid.UUID(int=3), campaign)}
    (row,) = uow.activity.rows
    assert (row.person_id, row.kind, row.source) == (person.id, "survey_responded", "surveys")
    assert row.details == {
        "survey_id": str(uuid.UUID(int=2)),
        "response_id": str(uuid.UUID(int=1)),
        "campaign_id": str(campaign),
    }
    assert uow.people.rows[person.id].last_engaged_on == date(2026, 3, 5)
