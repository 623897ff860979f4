"""Surveys' retention: invitations and drafts of campaigns closed longer than the configured
days go, their counts stay as tallies, responses stay; the dry run lists exactly what the real
run removes."""

from __future__ import annotations

import json
import os
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.retention.job import run_retention
from surveys.settings import SurveysSettings

from tests.support.rows import insert

NOW = datetime(2026, 11, 28, 12, tzinfo=UTC)


async def campaign(engine: AsyncEngine, survey: uuid.UUID, closed_days_ago: float) -> uuid.UUID:
    cid = uuid.uuid4()
    closes = NOW - timedelta(days=closed_days_ago)
    await insert(
        engine,
        "campaigns",
        id=cid,
        survey_id=survey,
        name="c",
        mode="identified",
        opens_at=closes - timedelta(days=14),
        closes_at=closes,
        audience="{}",
        max_reminders=0,
        reminder_interval=timedelta(days=3),
    )
    return cid


async def invitation(engine: AsyncEngine, cid: uuid.UUID, **extra: Any) -> uuid.UUID:
    iid = uuid.uuid4()
    await insert(
        engine,
        "invitations",
        id=iid,
        campaign_id=cid,
        contact_id=uuid.uuid4(),
        language="fi",
        token_hash=os.urandom(32),
        **extra,
    )
    return iid


async def rows(engine: AsyncEngine, sql: str) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        return [dict(r) for r in (await conn.execute(text(sql))).mappings()]


async def test_the_real_run_removes_exactly_what_the_dry_run_listed(
    surveys_engine: AsyncEngine, surveys_settings: SurveysSettings
) -> None:
    survey = uuid.uuid4()
    await insert(surveys_engine, "surveys", id=survey, title="t", definition="{}")
    expired = await campaign(surveys_engine, survey, 90.01)
    recent = await campaign(surveys_engine, survey, 89.99)
    answered = await invitation(surveys_engine, expired, answered=True, mail_status="delivered")
    bounced = await invitation(surveys_engine, expired, mail_status="bounced")
    kept = await invitation(surveys_engine, recent)
    response = uuid.uuid4()
    await insert(
        surveys_engine,
        "responses",
        id=response,
        campaign_id=expired,
        answers=json.dumps({"q": 1}),
        submitted_on=NOW.date(),
        invitation_id=answered,
    )
    for cid in (expired, recent):
        await insert(
            surveys_engine, "drafts", token_hash=os.urandom(32), campaign_id=cid, answers="{}"
        )

    dry = await run_retention(surveys_engine, surveys_settings, dry_run=True, now=NOW)
    assert sorted(dry.invitation_ids) == sorted([answered, bounced])
    assert dry.draft_count == 1
    assert len(await rows(surveys_engine, "SELECT id FROM invitations")) == 3  # nothing changed

    real = await run_retention(surveys_engine, surveys_settings, dry_run=False, now=NOW)
    assert sorted(real.invitation_ids) == sorted(dry.invitation_ids)
    assert real.draft_count == dry.draft_count
    assert [r["id"] for r in await rows(surveys_engine, "SELECT id FROM invitations")] == [kept]
    [draft] = await rows(surveys_engine, "SELECT campaign_id FROM drafts")
    assert draft["campaign_id"] == recent
    [kept_response] = await rows(surveys_engine, "SELECT id, invitation_id FROM responses")
    assert kept_response == {"id": response, "invitation_id": None}
    [tally] = await rows(
        surveys_engine,
        "SELECT campaign_id, invited, answered, delivered, bounced FROM invitation_tallies",
    )
    assert tally == {
        "campaign_id": expired,
        "invited": 2,
        "answered": 1,
        "delivered": 1,
        "bounced": 1,
    }
    [audit] = await rows(
        surveys_engine,
        "SELECT convert_from(payload, 'UTF8')::jsonb AS data FROM outbox "
        "WHERE topic = 'staff.audit.v1'",
    )
    assert audit["data"]["actor_id"] == "system:retention"
    assert audit["data"]["details"]["invitations"] == 2
    again = await run_retention(surveys_engine, surveys_settings, dry_run=True, now=NOW)
    assert again.counts() == {"invitations": 0, "drafts": 0, "open_respondents": 0}
