"""Survey campaigns end to end: replica → invitations on Kafka → answers → results, reminders,
anonymity and erasure (real Kafka, PostgreSQL and the surveys worker process)."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest
from aiokafka import AIOKafkaProducer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.campaigns.service import Links, send_due_reminders
from surveys.settings import SurveysSettings
from surveys.unit_of_work import unit_of_work

from shared.events.contacts import CONTACT_ERASED, SegmentV1
from shared.events.envelope import new_event
from tests.e2e.conftest import Workers
from tests.e2e.test_surveys_mail_events import mail_event, status_of
from tests.support.infra import Infra
from tests.support.kafka_topics import read_topic
from tests.support.polling import eventually
from tests.support.surveys import (
    SURVEY,
    add_people,
    answer_all,
    mails_of,
    person,
    start_campaign,
    token_of,
)

# Only surveys' database is emptied between tests (newsletter's worker may still be busy).
pytestmark = pytest.mark.empties("surveys")


async def test_campaign_invites_audience_by_mail_and_answers_reach_results(
    workers: Workers,
    infra: Infra,
    topics: str,
    surveys_api: httpx.AsyncClient,
    contacts_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    libraries = [person(language="sv" if i == 0 else "fi") for i in range(5)]
    ngos = [person(organisation_type="ngo", region="02") for _ in range(2)]
    left_out = [
        person(survey_consent=False),
        person(confirmed_at=None),
        person(email_status="bounced"),
        person(erased=True, email=None),
        person(region="19"),  # outside the audience rule
    ]
    await add_people(clean_db["surveys"], libraries + ngos + left_out)
    audience = {"field": "region", "op": "in", "value": ["01", "02"]}
    campaign_id, invited = await start_campaign(surveys_api, audience=audience)
    assert invited == 7

    mails = await mails_of(infra, topics, campaign_id, 7)
    assert len(mails) == 7
    assert {m["template_key"] for m in mails} == {"survey_invitation"}
    assert len({m["idempotency_key"] for m in mails}) == 7
    swedish = next(m for m in mails if m["to_email"] == libraries[0]["email"])
    assert swedish["language"] == "sv"
    assert swedish["variables"]["survey_title"] == "Stödbehov 2026"
    assert set(swedish["variables"]) == {
        *("survey_title", "survey_url", "closes_on", "subject", "greeting", "paragraphs"),
        "button",
    }
    assert swedish["variables"]["greeting"] == "Hej Testi,"
    # Named for staff elsewhere: the campaign the invitation belongs to, and the survey title.
    assert {(m["origin_group"], bool(m["origin_label"])) for m in mails} == {(campaign_id, True)}

    page = await surveys_api.get(f"/s/{token_of(swedish)}")
    assert page.status_code == 200
    assert '<html lang="sv">' in page.text and "Använder ni tjänsten?" in page.text
    assert "<fieldset" in page.text and "<legend>" in page.text
    assert "Sida 1 av 2" in page.text

    for i, mail in enumerate(mails):
        done = await answer_all(surveys_api, token_of(mail), uses="no" if i == 0 else "yes")
        assert done.status_code == 303, done.text
        assert done.headers["location"].startswith(f"/s/{token_of(mail)}/thanks")
    thanks = await surveys_api.get(f"/s/{token_of(swedish)}/thanks")
    assert thanks.status_code == 200 and "Tack!" in thanks.text

    results = (await surveys_api.get(f"/api/surveys/campaigns/{campaign_id}/results")).json()
    assert results["responses"] == 7
    by_id = {q["id"]: q for q in results["questions"]}
    assert by_id["uses"]["options"][0]["count"] == 6
    assert by_id["recommend"]["nps"]["score"] == 100
    assert by_id["why_not"]["answers"] == ["Ei tarvetta"]
    split = (
        await surveys_api.get(
            f"/api/surveys/campaigns/{campaign_id}/results", params={"by": "organisation_type"}
        )
    ).json()
    assert [g["group"] for g in split["groups"]] == ["library"]  # ngo (2) is hidden
    assert split["hidden_groups"] == 1
    status = (await surveys_api.get(f"/api/surveys/campaigns/{campaign_id}")).json()
    assert (status["invited"], status["answered"], status["response_rate"]) == (7, 7, 100.0)

    exported = await surveys_api.get(f"/api/surveys/campaigns/{campaign_id}/responses.csv")
    lines = exported.text.strip().splitlines()
    # Identified: who answered, as the replica knows them.
    assert lines[0] == "respondent,name,email,organisation,submitted_on,uses,why_not,recommend"
    assert len(lines) == 8
    assert libraries[0]["email"] in exported.text
    codebook = await surveys_api.get(f"/api/surveys/campaigns/{campaign_id}/codebook.csv")
    assert "yes = Kyllä; no = Ei" in codebook.text

    async def submitted() -> list[dict[str, Any]]:
        records = await read_topic(infra.kafka, f"{topics}surveys.responses.v1")
        return [v for h, v in records if v and v["campaign_id"] == campaign_id]

    events = await eventually(submitted, lambda e: len(e) == 7, what="7 response events")
    invited_ids = {str(p["contact_id"]) for p in libraries + ngos}
    assert {e["contact_id"] for e in events} == invited_ids

    # Contacts learns the invitations' delivery (mail.events.v1) and the responses
    # (surveys.responses.v1): its dashboard shows the campaign's response rate by title.
    label = mails[0]["origin_label"]
    dashboard = await eventually(
        lambda: contacts_api.get("/staff/", headers={"Accept-Language": "en"}),
        lambda r: f'<th scope="row">{label}</th><td>7</td><td>7</td><td>100%</td>' in r.text,
        timeout=90,
        what="the survey's response rate on the contacts dashboard",
    )
    assert dashboard.status_code == 200


async def test_reminder_goes_only_to_non_respondents_and_at_most_n_times(
    workers: Workers,
    infra: Infra,
    topics: str,
    surveys_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    people = [person() for _ in range(3)]
    await add_people(clean_db["surveys"], people)
    campaign_id, invited = await start_campaign(surveys_api, max_reminders=2)
    assert invited == 3
    mails = await mails_of(infra, topics, campaign_id, 3)
    respondent = mails[0]
    assert (await answer_all(surveys_api, token_of(respondent))).status_code == 303

    settings = SurveysSettings()
    links = Links(keys=settings.token_keys(), base_url=settings.public_base_url)
    engine = clean_db["surveys"]

    async def outcomes_recorded() -> int:
        # The worker records each invitation's delivery outcome on its row; a reminder round
        # passes over rows locked at that moment (SKIP LOCKED: the next round takes them), so
        # the exact counts below wait until the three outcomes are in.
        async with engine.connect() as conn:
            found = await conn.execute(
                text(
                    "SELECT count(*) FROM invitations"
                    " WHERE campaign_id = :c AND mail_status IS NOT NULL"
                ),
                {"c": campaign_id},
            )
            return int(found.scalar_one())

    await eventually(outcomes_recorded, lambda n: n == 3, what="the three outcomes", timeout=60)
    now = datetime.now(UTC)
    assert (
        await send_due_reminders(unit_of_work(engine), links=links, now=now) == 0
    )  # interval not passed
    assert (
        await send_due_reminders(
            unit_of_work(engine), links=links, now=now + timedelta(days=1, hours=1)
        )
        == 2
    )
    assert (
        await send_due_reminders(
            unit_of_work(engine), links=links, now=now + timedelta(days=1, hours=2)
        )
        == 0
    )
    assert (
        await send_due_reminders(
            unit_of_work(engine), links=links, now=now + timedelta(days=2, hours=2)
        )
        == 2
    )
    assert (
        await send_due_reminders(unit_of_work(engine), links=links, now=now + timedelta(days=9))
        == 0
    )  # max 2

    everything = await mails_of(infra, topics, campaign_id, 7)
    reminders = [m for m in everything if m["template_key"] == "survey_reminder"]
    assert len(reminders) == 4
    assert respondent["to_email"] not in {m["to_email"] for m in reminders}
    assert len({m["idempotency_key"] for m in reminders}) == 4
    # A reminder's own link opens the same invitation (and its draft).
    opened = await surveys_api.get(f"/s/{token_of(reminders[0])}")
    assert opened.status_code == 200


async def test_reminders_skip_invitations_whose_mail_bounced_or_was_complained_about(
    workers: Workers,
    infra: Infra,
    topics: str,
    surveys_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    await add_people(clean_db["surveys"], [person() for _ in range(3)])
    campaign_id, invited = await start_campaign(surveys_api, max_reminders=2)
    assert invited == 3
    mails = await mails_of(infra, topics, campaign_id, 3)
    ids = [uuid.UUID(m["idempotency_key"].removeprefix("survey-invitation:")) for m in mails]
    now = datetime.now(UTC)
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        for invitation_id, outcome in ((ids[0], "bounced_hard"), (ids[1], "complained")):
            # Later than the pipeline's own "sent" for the invitation, so it is the latest.
            event = mail_event(invitation_id, outcome, now + timedelta(hours=1))
            await producer.send_and_wait(
                f"{topics}mail.events.v1",
                value=event.value_bytes(),
                key=str(invitation_id).encode(),
                headers=event.to_headers(),
            )
    finally:
        await producer.stop()
    engine = clean_db["surveys"]
    for invitation_id, status in ((ids[0], "bounced"), (ids[1], "complained")):
        await eventually(
            lambda i=invitation_id: status_of(engine, i),
            lambda s, want=status: s[0] == want,
            what=f"{status} recorded",
            timeout=60,
        )
    settings = SurveysSettings()
    links = Links(keys=settings.token_keys(), base_url=settings.public_base_url)
    assert (
        await send_due_reminders(unit_of_work(engine), links=links, now=now + timedelta(days=2))
        == 1
    )
    everything = await mails_of(infra, topics, campaign_id, 4)
    reminders = [m for m in everything if m["template_key"] == "survey_reminder"]
    assert [m["to_email"] for m in reminders] == [mails[2]["to_email"]]


async def test_segments_from_kafka_become_campaign_audiences_with_rates_by_segment(
    workers: Workers,
    infra: Infra,
    topics: str,
    surveys_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    await add_people(clean_db["surveys"], [person() for _ in range(5)])
    segment_id = uuid.uuid4()
    segment = SegmentV1(
        segment_id=segment_id,
        version=1,
        name="Kirjastot",
        rule={"field": "organisation_type", "op": "eq", "value": "library"},
    )
    event = new_event(source="/digituki/contacts", data=segment, subject=str(segment_id))
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        await producer.send_and_wait(
            f"{topics}contacts.segment.v1",
            value=event.value_bytes(),
            key=str(segment_id).encode(),
            headers=event.to_headers(),
        )
    finally:
        await producer.stop()

    async def replicated() -> int:
        async with clean_db["surveys"].connect() as conn:
            query = text("SELECT count(*) FROM segments WHERE segment_id = :id")
            return int((await conn.execute(query, {"id": segment_id})).scalar_one())

    await eventually(replicated, lambda n: n == 1, what="segment replicated", timeout=60)
    created = await surveys_api.post("/api/surveys/surveys", json={"definition": SURVEY})
    survey_id = created.json()["id"]
    form = {
        "name": "Kirjastokysely",
        "mode": "anonymous",
        "opens_at": "2026-01-01T09:00",
        "closes_at": "2099-01-01T09:00",
        "max_reminders": "0",
        "reminder_interval_days": "7",
        "segments": str(segment_id),
    }
    made = await surveys_api.post(f"/surveys/staff/surveys/{survey_id}/campaigns/new", data=form)
    assert made.status_code == 303, made.text
    campaign_url = made.headers["location"]
    assert (await surveys_api.post(f"{campaign_url}/launch")).status_code == 303
    mails = await mails_of(infra, topics, campaign_url.rsplit("/", 1)[1], 5)
    assert (await answer_all(surveys_api, token_of(mails[0]))).status_code == 303
    page = await surveys_api.get(campaign_url)
    assert '<th scope="row">Kirjastot</th><td>5</td><td>1</td><td>20 %</td>' in page.text


async def test_anonymous_response_keeps_no_link_to_the_person(
    workers: Workers,
    infra: Infra,
    topics: str,
    surveys_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    await add_people(clean_db["surveys"], [person() for _ in range(2)])
    campaign_id, _ = await start_campaign(surveys_api, mode="anonymous")
    mails = await mails_of(infra, topics, campaign_id, 2)
    first = await surveys_api.post(
        f"/s/{token_of(mails[0])}", data={"page": "0", "action": "next", "q_uses": "yes"}
    )
    assert first.status_code == 303
    async with clean_db["surveys"].connect() as conn:
        drafts = (await conn.execute(text("SELECT count(*) FROM drafts"))).scalar_one()
    assert drafts == 1  # the draft exists only until submission
    done = await surveys_api.post(
        f"/s/{token_of(mails[0])}", data={"page": "1", "action": "submit", "q_recommend": "8"}
    )
    assert done.status_code == 303
    async with clean_db["surveys"].begin() as conn:
        waiting = (await conn.execute(text("SELECT count(*) FROM ballot_box"))).scalar_one()
        assert waiting == 1  # sealed in the ballot box: one answer alone never moves
        await conn.execute(
            text("UPDATE campaigns SET closes_at = now() WHERE id = :id"), {"id": campaign_id}
        )

    async def moved() -> int:  # by the surveys worker's ballot-box loop
        async with clean_db["surveys"].connect() as conn:
            return int((await conn.execute(text("SELECT count(*) FROM responses"))).scalar_one())

    await eventually(moved, lambda n: n == 1, what="the ballot moved at the close", timeout=30)

    async with clean_db["surveys"].connect() as conn:
        rows = (await conn.execute(text("SELECT * FROM responses"))).mappings().all()
        drafts = (await conn.execute(text("SELECT count(*) FROM drafts"))).scalar_one()
        flags = (await conn.execute(text("SELECT answered FROM invitations"))).scalars().all()
        organisations = (
            await conn.execute(text("SELECT organisation_type, region FROM invitations"))
        ).all()
    assert len(rows) == 1 and drafts == 0
    row = rows[0]
    for column in (
        "invitation_id",
        "contact_id",
        "submitted_at",
        "language",
        "organisation_type",
        "region",
    ):
        assert row[column] is None, column
    assert row["answers"] == {"uses": "yes", "recommend": 8}
    assert sorted(flags) == [False, True]
    assert set(organisations) == {(None, None)}

    async def submitted() -> list[tuple[dict[str, str], Any]]:
        records = await read_topic(infra.kafka, f"{topics}surveys.responses.v1")
        return [(h, v) for h, v in records if v and v["campaign_id"] == campaign_id]

    ((headers, event),) = await eventually(submitted, lambda e: len(e) == 1, what="event")
    assert event["contact_id"] is None
    assert (
        datetime.fromisoformat(headers["ce_time"])
        .astimezone(__import__("zoneinfo").ZoneInfo("Europe/Helsinki"))
        .time()
        .isoformat()
        == "00:00:00"
    )
    by_language = await surveys_api.get(
        f"/api/surveys/campaigns/{campaign_id}/results", params={"by": "language"}
    )
    assert by_language.status_code == 422  # anonymous: breakdowns only by its own questions


async def test_erased_person_makes_identified_responses_anonymous(
    workers: Workers,
    infra: Infra,
    topics: str,
    surveys_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    someone = person()
    await add_people(clean_db["surveys"], [someone])
    campaign_id, _ = await start_campaign(surveys_api)
    (mail,) = await mails_of(infra, topics, campaign_id, 1)
    assert (await answer_all(surveys_api, token_of(mail))).status_code == 303

    tombstone = new_event(
        source="/tests",
        data=None,
        event_type=CONTACT_ERASED,
        subject=str(someone["contact_id"]),
        version=2,
    )
    producer = AIOKafkaProducer(bootstrap_servers=infra.kafka, enable_idempotence=True)
    await producer.start()
    try:
        for _ in range(2):  # a redelivered tombstone changes nothing more
            await producer.send_and_wait(
                f"{topics}contacts.contact.v1",
                value=None,
                key=str(someone["contact_id"]).encode(),
                headers=tombstone.to_headers(),
            )
    finally:
        await producer.stop()

    async def response() -> Any:
        async with clean_db["surveys"].connect() as conn:
            return (await conn.execute(text("SELECT * FROM responses"))).mappings().one()

    row = await eventually(response, lambda r: r["contact_id"] is None, what="anonymised")
    assert (row["invitation_id"], row["submitted_at"], row["organisation_type"]) == (None,) * 3
    assert row["answers"]["uses"] == "yes"
    async with clean_db["surveys"].connect() as conn:
        contact_ids = (await conn.execute(text("SELECT contact_id FROM invitations"))).scalars()
        assert list(contact_ids) == [None]
