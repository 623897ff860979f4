"""Signup with double opt-in on the in-memory unit of work: nothing applies before confirming."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import pytest
from contacts.errors import NotFound
from contacts.organisations.domain.organisation import Organisation
from contacts.people.service.people import register_person
from contacts.signup.domain import CONFIRMATION_MAIL_INTERVAL, SignupForm
from contacts.signup.service.signup import confirm_signup, sign_up
from contacts.topics.domain import Topic

from tests.unit.fakes.contacts import FakeContactsUnitOfWork, FakeTopics

AT = datetime(2026, 3, 1, 9, tzinfo=UTC)


def url(signup_id: uuid.UUID) -> str:
    return f"https://example.fi/join/confirm/{signup_id}"


def form(**fields: object) -> SignupForm:
    values: dict[str, object] = {
        "email": "aino@example.fi",
        "first_name": "Aino",
        "last_name": "Aalto",
        "language": "fi",
    }
    values.update(fields)
    return SignupForm(**values)  # type: ignore[arg-type]


async def signed_up(uow: FakeContactsUnitOfWork, **fields: object) -> uuid.UUID:
    signup_id = await sign_up(
        uow, form=form(**fields), ip="192.0.2.77", confirm_url=url, wording_version="v3"
    )
    assert signup_id is not None
    return signup_id


async def test_one_address_sent_fifty_times_gets_one_mail_then_another_after_the_interval() -> None:
    uow = FakeContactsUnitOfWork()
    uow.consents.now = AT
    answers = [
        await sign_up(
            uow, form=form(), ip="192.0.2.77", confirm_url=url, wording_version="v3", at=AT
        )
        for _ in range(50)
    ]
    assert answers[0] is not None and answers[1:] == [None] * 49
    assert len(uow.mail_requests()) == 1 and len(uow.consents.signups) == 1
    later = AT + CONFIRMATION_MAIL_INTERVAL
    uow.consents.now = later
    again = await sign_up(
        uow, form=form(), ip="192.0.2.77", confirm_url=url, wording_version="v3", at=later
    )
    assert again is not None and len(uow.mail_requests()) == 2


async def test_a_new_address_gets_a_pending_person_and_only_the_confirmation_mail() -> None:
    uow = FakeContactsUnitOfWork()
    signup_id = await signed_up(uow)
    [person] = uow.people.rows.values()
    assert (person.email, person.subscription_state) == ("aino@example.fi", "pending")
    [snapshot] = uow.snapshots()
    assert not snapshot.newsletter_consent
    [mail] = uow.mail_requests()
    assert (mail.template_key, mail.to_email, mail.idempotency_key) == (
        "signup_confirmation",
        "aino@example.fi",
        f"signup-confirmation:{signup_id}",
    )
    assert mail.variables["confirm_url"] == url(signup_id)
    assert uow.activity_kinds() == ["signed_up"]
    assert uow.consents.log == []
    assert uow.consents.signups[signup_id]["ip"] != "192.0.2.77"  # truncated, never whole


async def test_a_known_address_is_not_changed_before_it_confirms() -> None:
    uow = FakeContactsUnitOfWork()
    known = await register_person(uow, email="aino@example.fi", first_name="Aino")
    await signed_up(uow, first_name="Mallory")
    assert uow.people.rows == {known.id: known}
    assert len(uow.snapshots()) == 1
    [mail] = uow.mail_requests()
    assert mail.contact_id == known.id


async def test_confirming_subscribes_with_the_consents_asked_for() -> None:
    uow = FakeContactsUnitOfWork(topics=FakeTopics(Topic.new(key="ai", name_fi="Tekoäly")))
    signup_id = await signed_up(uow, surveys=True, topics=("ai", "knitting"))
    assert await confirm_signup(uow, signup_id=signup_id, at=AT) == "confirmed"
    [person] = uow.people.rows.values()
    assert (person.subscription_state, person.confirmed_at) == ("subscribed", AT)
    assert person.topics == ("ai",)
    assert {(e.purpose, e.given, e.method) for e in uow.consents.log} == {
        ("newsletter", True, "signup"),
        ("surveys", True, "signup"),
    }
    latest = uow.snapshots()[-1]
    assert (latest.newsletter_consent, latest.survey_consent) == (True, True)
    assert uow.activity_kinds() == ["signed_up", "confirmed", "subscribed"]


async def test_a_second_click_changes_nothing() -> None:
    uow = FakeContactsUnitOfWork()
    signup_id = await signed_up(uow)
    await confirm_signup(uow, signup_id=signup_id, at=AT)
    published = len(uow.published)
    assert await confirm_signup(uow, signup_id=signup_id, at=AT) == "already"
    assert len(uow.published) == published


async def test_an_unknown_signup_is_not_found() -> None:
    with pytest.raises(NotFound):
        await confirm_signup(FakeContactsUnitOfWork(), signup_id=uuid.uuid4(), at=AT)


async def test_a_new_organisation_name_waits_for_review_and_a_known_one_is_reused() -> None:
    uow = FakeContactsUnitOfWork()
    library = Organisation.new(name="Kirjasto")
    await uow.organisations.add(library)
    first = await signed_up(uow, organisation="KIRJASTO")
    await confirm_signup(uow, signup_id=first, at=AT)
    second = await signed_up(uow, email="bertta@example.fi", organisation="Kylätalo")
    await confirm_signup(uow, signup_id=second, at=AT)
    names = {o.name: o.status for o in uow.organisations.rows.values()}
    assert names == {"Kirjasto": "active", "Kylätalo": "pending_review"}
    assert {s.organisation_name for s in uow.snapshots()[-2:]} >= {"Kylätalo"}
    assert len(uow.organisations.links) == 2


async def test_asking_for_membership_at_signup_makes_a_pending_application() -> None:
    uow = FakeContactsUnitOfWork()
    signup_id = await signed_up(uow, apply_membership=True)
    await confirm_signup(uow, signup_id=signup_id, at=AT)
    [membership] = uow.memberships.rows.values()
    assert (membership.state, membership.applied_at) == ("pending", AT)
    assert uow.snapshots()[-1].membership_state == "pending"
    [step] = uow.memberships.transitions  # the person's own step: no staff member
    assert (step.action, step.from_state, step.to_state, step.by) == (
        "apply",
        None,
        "pending",
        None,
    )
