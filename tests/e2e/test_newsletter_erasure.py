"""Erasure across services: a person erased in contacts disappears from newsletter's rows."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from newsletter.tables import deliveries, tracking_events
from sqlalchemy import func, insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.e2e.conftest import Workers
from tests.e2e.test_contact_replication import replica_row
from tests.support.polling import eventually


async def rows_of(engine: AsyncEngine, campaign_id: uuid.UUID) -> list[Any]:
    async with engine.connect() as conn:
        stmt = select(deliveries).where(deliveries.c.campaign_id == campaign_id)
        return list((await conn.execute(stmt.order_by(deliveries.c.status))).all())


async def test_erasing_a_person_in_contacts_anonymises_their_deliveries_and_tracking(
    workers: Workers, contacts_api: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    db = clean_db["newsletter"]
    tag = uuid.uuid4().hex[:6]
    created = await contacts_api.post(
        "/api/contacts/people",
        json={"email": f"poistettava-{tag}@example.fi", "first_name": "Eino"},
    )
    assert created.status_code == 201, created.text
    contact_id = uuid.UUID(created.json()["id"])
    await eventually(
        lambda: replica_row(db, str(contact_id)),
        lambda r: r is not None,
        timeout=60,
        what="newsletter replica has the person",
    )
    sent_campaign, later_campaign, other = uuid.uuid4(), uuid.uuid4(), uuid.uuid4()
    sent_id = uuid.uuid4()
    common = {
        "origin": "campaign",
        "priority": 1,
        "language": "fi",
        "to_name": "Eino",
        "variables": {"first_name": "Eino"},
        # not due: the running delivery worker must leave the pending row alone
        "next_attempt_at": datetime.now(UTC) + timedelta(days=1),
    }
    async with db.begin() as conn:
        await conn.execute(
            insert(deliveries),
            [
                common | {"id": sent_id, "campaign_id": sent_campaign, "contact_id": contact_id,
                          "to_email": f"poistettava-{tag}@example.fi", "status": "sent"},
                common | {"id": uuid.uuid4(), "campaign_id": later_campaign,
                          "contact_id": contact_id, "to_email": f"poistettava-{tag}@example.fi",
                          "status": "pending"},
                common | {"id": uuid.uuid4(), "campaign_id": sent_campaign, "contact_id": other,
                          "to_email": f"jaa-{tag}@example.fi", "status": "sent"},
            ],
        )  # fmt: skip
        await conn.execute(
            insert(tracking_events),
            [
                {"id": uuid.uuid4(), "delivery_id": sent_id, "campaign_id": sent_campaign,
                 "kind": kind, "url": url}
                for kind, url in (("open", None), ("open", None), ("click", "https://x.fi/"))
            ],
        )  # fmt: skip

    erased = await contacts_api.delete(f"/api/contacts/people/{contact_id}")
    assert erased.status_code == 204
    await eventually(
        lambda: rows_of(db, later_campaign),
        lambda rows: rows[0].contact_id is None,
        timeout=60,
        what="newsletter forgot the erased person",
    )

    async with db.connect() as conn:
        mine = (await conn.execute(select(deliveries).where(deliveries.c.id == sent_id))).one()
        assert (mine.contact_id, mine.to_email, mine.to_name, mine.variables) == (
            None, None, "", {},
        )  # fmt: skip
        assert mine.status == "sent"  # what happened stays countable
        events = (
            await conn.execute(
                select(tracking_events.c.delivery_id).where(
                    tracking_events.c.campaign_id == sent_campaign
                )
            )
        ).scalars()
        linked = list(events)
        assert len(linked) == 3 and sent_id not in linked
        assert len(set(linked)) == 1  # still one person's events: unique opens stay 1
        left = (
            await conn.execute(select(func.count()).where(deliveries.c.to_email.like(f"%{tag}%")))
        ).scalar_one()
        assert left == 1  # only the other person's address
    (pending,) = await rows_of(db, later_campaign)
    assert pending.status == "suppressed" and pending.to_email is None  # never sent now
