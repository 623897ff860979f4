"""Tracking use cases over a `NewsletterUnitOfWork`: record an open or a click (with its
mail.events.v1 event through the outbox, in the same transaction)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from newsletter.tracking.domain import (
    CLICK,
    LEGACY_PURPOSE,
    OPEN,
    TrackedDelivery,
    TrackedTarget,
    TrackingEvent,
    parse_payload,
    purpose_of,
)
from newsletter.unit_of_work import NewsletterUnitOfWork
from shared.events.envelope import new_event
from shared.events.mail import MailEventV1, MailOutcome
from shared.events.topics import MAIL_EVENTS
from shared.tokens import TokenError, TokenKeys, verify


class BadTrackingLink(Exception):
    """Forged, altered or foreign token: nothing is recorded and nothing is followed."""


def read_token(keys: TokenKeys, token: str, *, click: bool) -> TrackedTarget:
    try:
        payload = verify(keys, purpose_of(click=click), token, max_age_s=None)
    except TokenError as exc:
        try:  # a mail sent before open and click links had purposes of their own
            payload = verify(keys, LEGACY_PURPOSE, token, max_age_s=None)
        except TokenError:
            raise BadTrackingLink(str(exc)) from exc
    target = parse_payload(payload, click=click)
    if target is None:
        raise BadTrackingLink("not a tracking link of this kind")
    return target


def _publish(
    uow: NewsletterUnitOfWork,
    delivery: TrackedDelivery,
    outcome: MailOutcome,
    at: datetime,
    url: str | None,
) -> None:
    uow.publish(
        MAIL_EVENTS.name,
        str(delivery.contact_id or delivery.id),
        new_event(
            source="/newsletter",
            subject=str(delivery.id),
            data=MailEventV1(
                delivery_id=delivery.id,
                outcome=outcome,
                occurred_at=at,
                origin=delivery.origin,
                origin_id=delivery.origin_id,
                origin_label=delivery.origin_label,
                origin_group=delivery.origin_group,
                contact_id=delivery.contact_id,
                url=url,
            ),
        ),
    )


async def _record(uow: NewsletterUnitOfWork, target: TrackedTarget, kind: str) -> None:
    try:
        delivery_id = uuid.UUID(target.delivery_id)
    except ValueError:
        return
    at = datetime.now(UTC)
    delivery = await uow.tracking.lock_delivery(delivery_id)
    if delivery is None:  # the row is gone; the link still works
        return
    # Every open is counted; only the first one per mail is an event.
    first = kind == CLICK or not await uow.tracking.has_event(delivery_id, OPEN)
    await uow.tracking.add_event(
        TrackingEvent(
            delivery_id=delivery_id,
            campaign_id=delivery.campaign_id,
            kind=kind,
            url=target.url,
            at=at,
        )
    )
    if first:
        _publish(uow, delivery, "clicked" if kind == CLICK else "opened", at, target.url)
    await uow.commit()


async def record_open(uow: NewsletterUnitOfWork, *, keys: TokenKeys, token: str) -> None:
    """A forged or foreign token raises `BadTrackingLink` before anything is read."""
    await _record(uow, read_token(keys, token, click=False), OPEN)


async def record_click(uow: NewsletterUnitOfWork, *, keys: TokenKeys, token: str) -> str:
    """The verified target URL, after recording the click."""
    target = read_token(keys, token, click=True)
    await _record(uow, target, CLICK)
    assert target.url is not None  # parse_payload guarantees it for clicks
    return target.url
