"""What the staff pages show: a survey with its campaigns, a campaign's results."""

from __future__ import annotations

import uuid
from typing import Any

from sqlalchemy.ext.asyncio import AsyncEngine

from surveys.builder import repository as definitions
from surveys.builder.domain.survey import Survey, parse_survey
from surveys.campaigns import repository as campaign_overview_queries
from surveys.campaigns import repository as campaign_rows
from surveys.campaigns.domain import Campaign
from surveys.campaigns.repository import campaigns_of_survey
from surveys.errors import Conflict, NotFound
from surveys.results.domain import MIN_GROUP, percent


async def survey_overview(engine: AsyncEngine, survey_id: uuid.UUID) -> tuple[Survey, list[Any]]:
    """The survey as it is now, and its campaigns (newest first) with response rates."""
    async with engine.connect() as conn:
        row = await definitions.get_survey(conn, survey_id)
        if row is None:
            raise NotFound("No such survey.")
        found = await campaigns_of_survey(conn, survey_id)
    for c in found:
        c["response_rate"] = percent(c["answered"], c["invited"])
    return parse_survey(row["definition"]), found


async def launched_campaign(engine: AsyncEngine, campaign_id: uuid.UUID) -> tuple[Campaign, Survey]:
    """The campaign and the survey frozen at its launch."""
    async with engine.connect() as conn:
        found = await campaign_rows.get_campaign(conn, campaign_id)
    if found is None:
        raise NotFound("No such campaign.")
    campaign, definition = found
    if definition is None:
        raise Conflict("The campaign has not been launched yet.")
    return campaign, parse_survey(definition)


async def campaign_overview(engine: AsyncEngine, campaign_id: uuid.UUID) -> dict[str, Any]:
    """A campaign's delivery and response figures, overall and by audience segment (segments
    with fewer than MIN_GROUP invited are hidden, as in results)."""
    async with engine.connect() as conn:
        found = await campaign_rows.get_campaign(conn, campaign_id)
        if found is None:
            raise NotFound("No such campaign.")
        campaign, _ = found
        figures = await campaign_overview_queries.progress(conn, campaign_id)
        counted = {
            r["segment_id"]: r
            for r in await campaign_overview_queries.by_segment(conn, campaign_id)
        }
    rows, hidden = [], 0
    for segment in campaign.segments:
        row = counted.get(uuid.UUID(segment["id"]), {"invited": 0, "answered": 0})
        if 0 < row["invited"] < MIN_GROUP:
            hidden += 1
            continue
        rows.append(
            {"name": segment["name"], "invited": row["invited"], "answered": row["answered"]}
            | {"rate": percent(row["answered"], row["invited"])}
        )
    return {
        "campaign": campaign,
        **figures,
        "response_rate": percent(figures["answered"], figures["invited"]),
        "by_segment": rows,
        "hidden_segments": hidden,
    }
