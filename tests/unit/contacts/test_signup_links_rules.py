"""A new confirmation link and the event registration's "also subscribe" on the in-memory unit
of work: a link only for an unconfirmed signup, /join's rules for a request from an event."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime, timedelta

from contacts.audit.domain import Actor
from contacts.legal import service as legal
from contacts.people.domain.person import Person
from contacts.signup.domain import SignupForm
from contacts.signup.service.from_events import sign_up_from_event
from contacts.signup.service.new_link import send_new_link
from contacts.signup.service.signup import confirm_signup, sign_up

from shared.events.newsletter_signup import NewsletterSignupRequestedV1
from tests.unit.fakes.contacts import FakeContactsUnitOfWork

AT = datetime(2026, 3, 1, 9, tzinfo=UTC)


def url(signup_id: uuid.UUID) -> str:
    return f"https://example.fi/join/confirm/{signup_id}"


async def pending(uow: FakeContactsUnitOfWork, at: datetime = AT) -> uuid.UUID:
    uow.consents.now = at
    form = SignupForm(email="aino@example.fi", first_name="Aino", last_name="A", language="sv")
    signup_id = await sign_up(
        uow, form=form, ip=None, confirm_url=url, wording_version="consent-v1", at=at
    )
    assert signup_id is not None
    return signup_id


async def test_a_new_link_goes_to_the_newest_unconfirmed_signup_each_time_anew() -> None:
    uow = FakeContactsUnitOfWork()
    await pending(uow)
    newest = await pending(uow, AT + timedelta(hours=1))
    before = len(uow.mail_requests())
    assert await send_new_link(uow, email=" Aino@Example.fi ", confirm_url=url)
    assert await send_new_link(uow, email="aino@example.fi", confirm_url=url)
    first, second = uow.mail_requests()[before:]
    assert first.variables["confirm_url"] == url(newest) == second.variables["confirm_url"]
    assert first.idempotency_key != second.idempotency_key  # not deduplicated away
    assert (first.to_email, first.language, first.template_key) == (
        "aino@example.fi",
        "sv",
        "signup_confirmation",
    )


async def test_no_link_for_no_address_nobody_or_a_confirmed_signup() -> None:
    uow = FakeContactsUnitOfWork()
    assert not await send_new_link(uow, email="not an address", confirm_url=url)
    assert not await send_new_link(uow, email="nobody@example.fi", confirm_url=url)
    signup_id = await pending(uow)
    await confirm_signup(uow, signup_id=signup_id, at=AT)
    before = len(uow.published)
    assert not await send_new_link(uow, email="aino@example.fi", confirm_url=url)
    assert len(uow.published) == before


def request(email: str = "onni@example.fi") -> NewsletterSignupRequestedV1:
    return NewsletterSignupRequestedV1(
        email=email,
        name="Onni Olavi Ojala",
        language="fi",
        organisation="  Kirjasto ",
        registration_id=uuid.UUID(int=1),
        event_id=uuid.UUID(int=2),
        requested_at=AT,
    )


async def test_an_event_registrants_request_is_asked_with_the_current_consent_wording() -> None:
    uow = FakeContactsUnitOfWork()
    admin = Actor(id="staff-1", role="admin")
    await legal.publish(uow, kind="consent", texts={"fi": "a", "sv": "b", "en": "c"}, actor=admin)
    assert await sign_up_from_event(uow, request(), confirm_url=url) == "asked"
    (signup,) = uow.consents.signups.values()
    assert signup["wording_version"] == "consent-v2"
    person = await uow.people.find_by_email("onni@example.fi")
    assert person is not None and (person.first_name, person.last_name) == ("Onni Olavi", "Ojala")
    assert [m.template_key for m in uow.mail_requests()] == ["signup_confirmation"]
    again = await sign_up_from_event(uow, request(), confirm_url=url)
    assert again == "recently_asked" and len(uow.mail_requests()) == 1


async def test_a_confirmed_subscriber_or_a_bad_address_is_not_asked() -> None:
    uow = FakeContactsUnitOfWork()
    subscribed = replace(
        Person.new(email="onni@example.fi"),
        subscription_state="subscribed",
        confirmed_at=AT,
        newsletter_consent=True,
    )
    await uow.people.add(subscribed)
    assert await sign_up_from_event(uow, request(), confirm_url=url) == "already_subscribed"
    bad = request().model_copy(update={"email": "not an address"})
    assert await sign_up_from_event(uow, bad, confirm_url=url) == "not_an_address"
    assert uow.published == [] and uow.consents.signups == {}
