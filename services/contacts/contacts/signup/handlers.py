"""Contacts' subscriber of `events.newsletter-signup.v1`: a registrant ticked "also subscribe
to the newsletter"; /join's double opt-in follows (its inbox makes each request count once:
the use case works through contacts' unit of work joined to the consumer's transaction)."""

from __future__ import annotations

from faststream.kafka import KafkaBroker
from sqlalchemy.ext.asyncio import AsyncEngine

from contacts.joined_unit_of_work import JoinedContactsUnitOfWork
from contacts.public import confirm_url
from contacts.settings import ContactsSettings
from contacts.signup.service.from_events import sign_up_from_event
from contacts.tables import inbox
from contacts.unit_of_work import ContactsUnitOfWork
from shared.events.envelope import CloudEvent
from shared.events.newsletter_signup import NewsletterSignupRequestedV1
from shared.events.topics import EVENT_NEWSLETTER_SIGNUPS
from shared.subscriptions import subscribe_events


def subscribe(broker: KafkaBroker, *, settings: ContactsSettings, engine: AsyncEngine) -> None:
    async def on_request(uow: ContactsUnitOfWork, event: CloudEvent) -> None:
        await sign_up_from_event(
            uow,
            event.parse(NewsletterSignupRequestedV1),
            confirm_url=lambda signup_id: confirm_url(settings, signup_id),
        )

    subscribe_events(
        broker,
        settings=settings,
        engine=engine,
        topic=EVENT_NEWSLETTER_SIGNUPS,
        purpose="event-newsletter-signups",
        unit_of_work=JoinedContactsUnitOfWork,
        handler=on_request,
        inbox=inbox,
        description="A registrant asked for the newsletter: the double opt-in of /join.",
    )
