"""A survey campaign's figures (invited, responded, response rate, delivered, bounced, rate by
segment, public-link answers) read the same before and after the retention job deletes its
invitations and public-link respondent slots; the dry run lists what the real run removes."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.campaigns import overview as staff_views
from surveys.campaigns.repository import campaigns_of_survey
from surveys.open_link import repository as open_respondents
from surveys.retention.job import run_retention
from surveys.settings import SurveysSettings
from surveys.unit_of_work import unit_of_work

from tests.support.rows import insert

CLOSED = datetime(2025, 6, 1, tzinfo=UTC)
FAR_FUTURE = datetime(2040, 1, 1, tzinfo=UTC)


async def figures(engine: AsyncEngine, survey: uuid.UUID, campaign: uuid.UUID) -> dict[str, Any]:
    overview = await staff_views.campaign_overview(unit_of_work(engine), campaign_id=campaign)
    async with engine.connect() as conn:
        listed = await campaigns_of_survey(conn, survey)  # the survey page's campaign list
        open_answered = await open_respondents.answered_count(conn, campaign)
    return {
        "list": [
            {k: c[k] for k in ("invited", "answered", "delivered", "bounced")} for c in listed
        ],
        "overview": {k: v for k, v in overview.items() if k != "campaign"},
        "open_answered": open_answered,
    }


async def test_campaign_figures_are_the_same_before_and_after_retention(
    surveys_engine: AsyncEngine, surveys_settings: SurveysSettings
) -> None:
    survey, campaign = uuid.uuid4(), uuid.uuid4()
    north, south = uuid.uuid4(), uuid.uuid4()
    await insert(surveys_engine, "surveys", id=survey, title="t", definition=json.dumps({}))
    await insert(
        surveys_engine,
        "campaigns",
        id=campaign,
        survey_id=survey,
        name="Kysely",
        mode="identified",
        opens_at=CLOSED - timedelta(days=14),
        closes_at=CLOSED,
        audience="{}",
        max_reminders=1,
        reminder_interval=timedelta(days=3),
        open_link=True,
        segments=json.dumps([{"id": str(north), "name": "North"}, {"id": str(south), "name": "S"}]),
    )
    invitation_ids = []
    for n in range(8):
        invitation_ids.append(uuid.uuid4())
        await insert(
            surveys_engine,
            "invitations",
            id=invitation_ids[-1],
            campaign_id=campaign,
            contact_id=uuid.uuid4(),
            language="fi",
            token_hash=os.urandom(32),
            answered=n % 2 == 0,
            mail_status=["delivered", "delivered", "bounced", "complained"][n % 4],
            segment_ids=[north, south] if n < 6 else [south],
            reminders_sent=n % 2,
        )
    slots = [os.urandom(32) for _ in range(3)]
    for n, slot in enumerate(slots):
        await insert(
            surveys_engine,
            "open_respondents",
            token_hash=slot,
            campaign_id=campaign,
            started_on=CLOSED.date(),
            answered=n > 0,
        )

    before = await figures(surveys_engine, survey, campaign)
    overview = before["overview"]
    assert (overview["invited"], overview["answered"], overview["bounced"]) == (8, 4, 4)
    assert overview["response_rate"] == 50.0
    assert [(r["name"], r["invited"]) for r in overview["by_segment"]] == [("North", 6), ("S", 8)]
    assert before["open_answered"] == 2
    assert before["list"] == [{"invited": 8, "answered": 4, "delivered": 4, "bounced": 2}]

    dry = await run_retention(surveys_engine, surveys_settings, dry_run=True, now=FAR_FUTURE)
    assert sorted(dry.invitation_ids) == sorted(invitation_ids)
    assert sorted(dry.open_respondent_hashes) == sorted(slots)
    real = await run_retention(surveys_engine, surveys_settings, dry_run=False, now=FAR_FUTURE)
    assert sorted(real.invitation_ids) == sorted(dry.invitation_ids)
    assert sorted(real.open_respondent_hashes) == sorted(dry.open_respondent_hashes)
    async with surveys_engine.connect() as conn:
        for table in ("invitations", "open_respondents"):
            left = (await conn.execute(text(f"SELECT count(*) FROM {table}"))).scalar_one()
            assert left == 0, table

    assert await figures(surveys_engine, survey, campaign) == before
    again = await run_retention(surveys_engine, surveys_settings, dry_run=True, now=FAR_FUTURE)
    assert again.counts() == {"invitations": 0, "drafts": 0, "open_respondents": 0}
