"""Merging duplicates keeps their history in newsletter and surveys; erasure still forgets.

Real worker processes: contacts publishes the merge's tombstone (naming the kept record),
newsletter and surveys re-point what they hold. See docs/decisions/0005.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from newsletter.tables import deliveries, tracking_events
from sqlalchemy import insert, select, text, update
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.tables import contact_snapshot as survey_replica
from surveys.tables import invitations, responses

from tests.e2e.conftest import Workers
from tests.e2e.test_contact_replication import REPLICAS, replica_row
from tests.support.infra import Infra
from tests.support.polling import eventually
from tests.support.surveys import answer_all, mails_of, start_campaign, surveys_client, token_of


async def one(engine: AsyncEngine, stmt: Any) -> Any:
    async with engine.connect() as conn:
        return (await conn.execute(stmt)).one()


async def invitation_of(engine: AsyncEngine, campaign_id: str, contact_id: str) -> Any:
    return await one(
        engine,
        select(invitations).where(
            invitations.c.campaign_id == uuid.UUID(campaign_id),
            invitations.c.contact_id == uuid.UUID(contact_id),
        ),
    )


async def launch(api: httpx.AsyncClient, audience: list[str]) -> str:
    """A survey campaign to these addresses, all of whom must be invited."""
    campaign_id, invited = await start_campaign(
        api, audience={"field": "email", "op": "in", "value": audience}
    )
    assert invited == len(audience)
    return campaign_id


async def answer_as(
    api: httpx.AsyncClient, infra: Infra, topics: str, campaign_id: str, invited: int, by: str
) -> None:
    for mail in await mails_of(infra, topics, campaign_id, invited):
        if mail["to_email"] == by:
            assert (await answer_all(api, token_of(mail))).status_code == 303


async def add_mail_history(
    db: AsyncEngine, people: dict[str, dict[str, Any]]
) -> dict[str, uuid.UUID]:
    """Sent campaign mail (with an open) as newsletter keeps it; returns delivery ids."""
    both, single = uuid.uuid4(), uuid.uuid4()
    ids = {name: uuid.uuid4() for name in ("dup", "dup_clash", "keep_clash", "gone")}
    rows = [
        ("dup", single, "dup"),
        ("dup_clash", both, "dup"),
        ("keep_clash", both, "keep"),
        ("gone", single, "gone"),
    ]
    async with db.begin() as conn:
        await conn.execute(
            insert(deliveries),
            [
                {"id": ids[name], "origin": "campaign", "priority": 1, "language": "fi",
                 "campaign_id": campaign, "contact_id": uuid.UUID(people[who]["id"]),
                 "to_email": people[who]["email"], "to_name": who,
                 "variables": {"first_name": who}, "status": "sent"}
                for name, campaign, who in rows
            ],
        )  # fmt: skip
        await conn.execute(
            insert(tracking_events),
            [
                {"id": uuid.uuid4(), "delivery_id": ids[name], "campaign_id": single,
                 "kind": "open"}
                for name in ("dup", "gone")
            ],
        )  # fmt: skip
    return ids


async def test_merging_a_duplicate_hands_its_mail_and_survey_history_to_the_kept_person(
    workers: Workers,
    infra: Infra,
    topics: str,
    contacts_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    news, surveys = clean_db["newsletter"], clean_db["surveys"]
    tag = uuid.uuid4().hex[:6]
    people: dict[str, dict[str, Any]] = {}
    for who in ("keep", "dup", "gone"):
        created = await contacts_api.post(
            "/api/contacts/people", json={"email": f"{who}-{tag}@example.fi", "first_name": who}
        )
        assert created.status_code == 201, created.text
        people[who] = created.json()
    for service in REPLICAS:
        for who in people:
            await eventually(
                lambda s=service, w=who: replica_row(clean_db[s], people[w]["id"]),
                lambda r: r is not None,
                what=f"{service} replica has {who}",
                timeout=90,
            )
    # As if all three had confirmed their survey consent: they can be invited.
    async with surveys.begin() as conn:
        await conn.execute(
            update(survey_replica)
            .where(survey_replica.c.contact_id.in_([uuid.UUID(p["id"]) for p in people.values()]))
            .values(survey_consent=True, confirmed_at=datetime.now(UTC), email_status="ok")
        )
    email = {who: p["email"] for who, p in people.items()}
    async with surveys_client() as api:
        # Both launched before anyone answers: an answer makes contacts publish a new
        # snapshot (last engaged), which takes back the consent set above.
        only_dup = await launch(api, [email["dup"], email["gone"]])
        both = await launch(api, [email["keep"], email["dup"]])
        for campaign_id, by in ((only_dup, "dup"), (only_dup, "gone"), (both, "dup")):
            await answer_as(api, infra, topics, campaign_id, 2, email[by])
    dup_invited = await invitation_of(surveys, only_dup, people["dup"]["id"])
    dup_answered = await invitation_of(surveys, both, people["dup"]["id"])
    keep_unanswered = await invitation_of(surveys, both, people["keep"]["id"])
    sent = await add_mail_history(news, people)

    merged = await contacts_api.post(
        "/api/contacts/merges",
        json={"keep_id": people["keep"]["id"], "merge_id": people["dup"]["id"]},
    )
    assert merged.status_code == 200, merged.text
    keep_id = uuid.UUID(people["keep"]["id"])

    # newsletter: the duplicate's mail and its open are the kept person's now.
    mail = await eventually(
        lambda: one(news, select(deliveries).where(deliveries.c.id == sent["dup"])),
        lambda row: row.contact_id == keep_id,
        what="newsletter re-pointed the duplicate's delivery",
        timeout=90,
    )
    assert (mail.to_email, mail.to_name, mail.variables, mail.status) == (
        email["dup"], "dup", {"first_name": "dup"}, "sent",
    )  # fmt: skip
    opened = await one(
        news, select(tracking_events.c.kind).where(tracking_events.c.delivery_id == sent["dup"])
    )
    assert opened.kind == "open"
    # Both got the same campaign: one delivery per person, the duplicate's is anonymised.
    clash = await one(news, select(deliveries).where(deliveries.c.id == sent["dup_clash"]))
    assert (clash.contact_id, clash.to_email, clash.status) == (None, None, "sent")
    kept_mail = await one(news, select(deliveries).where(deliveries.c.id == sent["keep_clash"]))
    assert (kept_mail.contact_id, kept_mail.to_email) == (keep_id, email["keep"])

    # surveys: invitations and identified answers follow the person.
    moved = await eventually(
        lambda: one(surveys, select(invitations).where(invitations.c.id == dup_invited.id)),
        lambda row: row.contact_id == keep_id,
        what="surveys re-pointed the duplicate's invitation",
        timeout=90,
    )
    assert moved.answered is True and moved.token_hash == dup_invited.token_hash
    answer = await one(
        surveys, select(responses).where(responses.c.invitation_id == dup_invited.id)
    )
    assert answer.contact_id == keep_id and answer.submitted_at is not None
    assert answer.answers["uses"] == "yes"
    # In the campaign both were asked, the answered invitation wins; the other gives way.
    answered = await one(surveys, select(invitations).where(invitations.c.id == dup_answered.id))
    assert (answered.contact_id, answered.answered) == (keep_id, True)
    gave_way = await one(surveys, select(invitations).where(invitations.c.id == keep_unanswered.id))
    assert (gave_way.contact_id, gave_way.answered) == (None, False)
    assert (
        await one(surveys, select(responses).where(responses.c.invitation_id == dup_answered.id))
    ).contact_id == keep_id

    # A true erasure still forgets, as before.
    erased = await contacts_api.delete(f"/api/contacts/people/{people['gone']['id']}")
    assert erased.status_code == 204
    forgotten = await eventually(
        lambda: one(news, select(deliveries).where(deliveries.c.id == sent["gone"])),
        lambda row: row.contact_id is None,
        what="newsletter anonymised the erased person's delivery",
        timeout=90,
    )
    assert (forgotten.to_email, forgotten.to_name, forgotten.variables) == (None, "", {})
    unlinked = await one(
        news,
        text("SELECT count(*) AS n FROM tracking_events WHERE delivery_id = :id").bindparams(
            id=sent["gone"]
        ),
    )
    assert unlinked.n == 0
    gone_answer = await eventually(
        lambda: one(
            surveys,
            select(responses).where(
                responses.c.campaign_id == uuid.UUID(only_dup),
                responses.c.contact_id.is_distinct_from(keep_id),
            ),
        ),
        lambda row: row.contact_id is None,
        what="surveys anonymised the erased person's response",
        timeout=90,
    )
    assert (gone_answer.invitation_id, gone_answer.submitted_at) == (None, None)
