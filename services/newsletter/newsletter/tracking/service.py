"""Tracking use cases: record an open or a click (with its mail.events.v1 event)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from newsletter.tracking import repository as events
from newsletter.tracking.domain import (
    CLICK,
    LEGACY_PURPOSE,
    OPEN,
    TrackedTarget,
    parse_payload,
    purpose_of,
)
from newsletter.unit_of_work import unit_of_work
from shared.events.envelope import new_event
from shared.events.mail import MailEventV1
from shared.events.topics import MAIL_EVENTS
from shared.outbox.unit_of_work import UnitOfWork
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


def _publish(uow: UnitOfWork, delivery: Any, outcome: str, at: datetime, url: str | None) -> None:
    uow.publish(
        MAIL_EVENTS.name,
        str(delivery["contact_id"] or delivery["id"]),
        new_event(
            source="/newsletter",
            subject=str(delivery["id"]),
            data=MailEventV1(
                delivery_id=delivery["id"],
                outcome=outcome,
                occurred_at=at,
                origin=delivery["origin"],
                origin_id=delivery["origin_id"],
                origin_label=delivery["origin_label"],
                origin_group=delivery["origin_group"],
                contact_id=delivery["contact_id"],
                url=url,
            ),
        ),
    )


async def _record(engine: AsyncEngine, target: TrackedTarget, kind: str) -> None:
    try:
        delivery_id = uuid.UUID(target.delivery_id)
    except ValueError:
        return
    at = datetime.now(UTC)
    async with unit_of_work(engine) as uow:
        delivery = await events.lock_delivery(uow.conn, delivery_id)
        if delivery is None:  # the row is gone; the link still works
            return
        # Every open is counted; only the first one per mail is an event.
        first = kind == CLICK or not await events.has_event(uow.conn, delivery_id, OPEN)
        await events.add_event(
            uow.conn,
            delivery_id=delivery_id,
            campaign_id=delivery["campaign_id"],
            kind=kind,
            url=target.url,
            at=at,
        )
        if first:
            _publish(uow, delivery, "clicked" if kind == CLICK else "opened", at, target.url)
        await uow.commit()


async def record_open(engine: AsyncEngine, *, keys: TokenKeys, token: str) -> None:
    await _record(engine, read_token(keys, token, click=False), OPEN)


async def record_click(engine: AsyncEngine, *, keys: TokenKeys, token: str) -> str:
    """The verified target URL, after recording the click."""
    target = read_token(keys, token, click=True)
    await _record(engine, target, CLICK)
    assert target.url is not None  # parse_payload guarantees it for clicks
    return target.url
