"""Surveys' consumer of events.feedback_requested.v1 against real PostgreSQL: an attendee who is
not a contact is invited at their own address, a contact at the replica's, once per
registration; erased and bounced people are not; the mail names the event in the attendee's
language; the answer (anonymous: through the ballot box) counts on surveys.event_feedback.v1
without the address staying behind."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.campaigns.service import Links
from surveys.event_feedback.service import invite_attendee
from surveys.unit_of_work import ConsumerUnitOfWork

from shared.events.events import FeedbackRequestedV1
from shared.tokens import TokenKeys
from tests.support.surveys import SURVEY, add_people, answer_all, person, surveys_client

LINKS = Links(keys=TokenKeys.single("k" * 40), base_url="https://digituki.test")
TITLE = {"fi": "Digitaidot tutuksi", "sv": "Digitala färdigheter"}


async def a_survey() -> str:
    async with surveys_client() as api:
        made = await api.post("/api/surveys/surveys", json={"definition": SURVEY})
        assert made.status_code == 201, made.text
        return str(made.json()["id"])


def request(event_id: uuid.UUID, survey_id: str, **changes: Any) -> FeedbackRequestedV1:
    body: dict[str, Any] = {
        "registration_id": uuid.uuid4(),
        "event_id": event_id,
        "event_title": TITLE,
        "event_ends_at": datetime.now(UTC) - timedelta(hours=1),
        "survey_id": uuid.UUID(survey_id),
        "anonymous": True,
        "email": "stina@example.fi",
        "name": "Stina Berg",
        "language": "sv",
    }
    return FeedbackRequestedV1(**(body | changes))


async def consume(engine: AsyncEngine, req: FeedbackRequestedV1) -> str:
    async with engine.begin() as conn:
        # as the consumer runs it: on its transaction's connection
        return await invite_attendee(ConsumerUnitOfWork(conn), request=req, links=LINKS, days=14)


async def outbox(engine: AsyncEngine, topic: str) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        rows = await conn.execute(
            text("SELECT payload FROM outbox WHERE topic = :t ORDER BY id"), {"t": topic}
        )
        return [json.loads(r.payload) for r in rows]


async def test_an_attendee_who_is_not_a_contact_is_invited_once_and_answers_anonymously(
    clean_db: dict[str, AsyncEngine],
) -> None:
    engine = clean_db["surveys"]
    survey_id = await a_survey()
    event_id = uuid.uuid4()
    first = request(event_id, survey_id)
    assert await consume(engine, first) == "invited"
    assert await consume(engine, first) == "already"  # a redelivered request
    mails = await outbox(engine, "mail.requested.v1")
    assert len(mails) == 1
    mail = mails[0]
    assert (mail["to_email"], mail["language"], mail["template_key"]) == (
        "stina@example.fi",
        "sv",
        "survey_invitation",
    )
    assert mail["contact_id"] is None
    assert mail["variables"]["subject"] == "Tack för att du deltog: Digitala färdigheter"
    assert mail["variables"]["greeting"] == "Hej Stina,"
    token = re.search(r"/s/([0-9a-f]{64})$", mail["variables"]["survey_url"])
    assert token, mail
    async with engine.connect() as conn:
        row = (await conn.execute(text("SELECT * FROM invitations"))).mappings().one()
        campaign = (await conn.execute(text("SELECT * FROM campaigns"))).mappings().one()
    assert row["registration_id"] == first.registration_id and row["contact_id"] is None
    assert (row["email"], row["name"]) == ("stina@example.fi", "Stina Berg")
    assert campaign["mode"] == "anonymous" and campaign["launched_at"] is not None
    assert campaign["audience"] == {"any": []} and campaign["max_reminders"] == 0
    counts = await outbox(engine, "surveys.event_feedback.v1")
    assert [(c["invited"], c["answered"]) for c in counts] == [(1, 0)]
    assert counts[0]["results_path"] == f"/surveys/staff/campaigns/{campaign['id']}/results"

    async with surveys_client() as api:
        answered = await answer_all(api, token.group(1))
        assert answered.status_code in (200, 303), answered.text
    async with engine.connect() as conn:
        row = (await conn.execute(text("SELECT * FROM invitations"))).mappings().one()
        responses = (await conn.execute(text("SELECT count(*) FROM responses"))).scalar_one()
        ballots = (await conn.execute(text("SELECT count(*) FROM ballot_box"))).scalar_one()
    assert row["answered"] is True and row["email"] is None and row["name"] is None
    # Anonymous: the answer waits sealed in the ballot box, joined to nothing.
    assert (responses, ballots) == (0, 1)
    counts = await outbox(engine, "surveys.event_feedback.v1")
    assert [(c["invited"], c["answered"]) for c in counts] == [(1, 0), (1, 1)]
    assert all("registration_id" not in c and "email" not in c for c in counts)


async def test_contacts_are_mailed_at_the_replicas_address_and_the_unreachable_are_not(
    clean_db: dict[str, AsyncEngine],
) -> None:
    engine = clean_db["surveys"]
    survey_id = await a_survey()
    event_id = uuid.uuid4()
    # Every row names the same columns (an executemany takes the first row's).
    aino = person(first_name="Aino", survey_consent=False, erased=False)
    erased = person(erased=True, email=None)
    bounced = person(email_status="bounced", erased=False)
    await add_people(engine, [aino, erased, bounced])
    by_id = request(event_id, survey_id, contact_id=aino["contact_id"], language="fi")
    assert await consume(engine, by_id) == "invited"
    assert (
        await consume(engine, request(event_id, survey_id, contact_id=erased["contact_id"]))
        == "erased"
    )
    # Known only by address: the replica's word on it counts.
    assert (
        await consume(engine, request(event_id, survey_id, email=bounced["email"].upper()))
        == "unreachable"
    )
    mails = await outbox(engine, "mail.requested.v1")
    assert [(m["to_email"], m["contact_id"]) for m in mails] == [
        (aino["email"], str(aino["contact_id"]))
    ]
    assert mails[0]["variables"]["subject"] == "Kiitos osallistumisesta: Digitaidot tutuksi"
    async with engine.connect() as conn:
        row = (await conn.execute(text("SELECT * FROM invitations"))).mappings().one()
    assert row["email"] is None and row["contact_id"] == aino["contact_id"]
    # The same person again (another registration of theirs): still one invitation.
    again = request(event_id, survey_id, contact_id=aino["contact_id"])
    assert await consume(engine, again) == "already"


async def test_an_unknown_survey_invites_nobody(clean_db: dict[str, AsyncEngine]) -> None:
    engine = clean_db["surveys"]
    assert await consume(engine, request(uuid.uuid4(), str(uuid.uuid4()))) == "no_survey"
    assert await outbox(engine, "mail.requested.v1") == []
