"""What the staff pages show: a survey with its campaigns, a campaign's figures, the segments
a new campaign may choose; and the public-link side of a campaign's API status."""

from __future__ import annotations

import uuid
from typing import Any

from surveys.builder.domain.survey import Survey, parse_survey
from surveys.campaigns.domain import Campaign
from surveys.errors import Conflict, NotFound
from surveys.results.domain import MIN_GROUP, percent
from surveys.unit_of_work import SurveysUnitOfWork


async def survey_overview(
    uow: SurveysUnitOfWork, *, survey_id: uuid.UUID
) -> tuple[Survey, list[dict[str, Any]]]:
    """The survey as it is now, and its campaigns (newest first) with response rates."""
    async with uow:
        saved = await uow.surveys.get(survey_id)
        if saved is None:
            raise NotFound("No such survey.")
        found = await uow.campaign_figures.of_survey(survey_id)
    for c in found:
        c["response_rate"] = percent(c["answered"], c["invited"])
    return saved.survey, found


async def launched_in(uow: SurveysUnitOfWork, campaign_id: uuid.UUID) -> tuple[Campaign, Survey]:
    """The campaign and the survey frozen at its launch, read in an open unit of work."""
    campaign = await uow.campaigns.get(campaign_id)
    if campaign is None:
        raise NotFound("No such campaign.")
    if campaign.survey_definition is None:
        raise Conflict("The campaign has not been launched yet.")
    return campaign, parse_survey(campaign.survey_definition)


async def launched_campaign(
    uow: SurveysUnitOfWork, *, campaign_id: uuid.UUID
) -> tuple[Campaign, Survey]:
    """The campaign and the survey frozen at its launch."""
    async with uow:
        return await launched_in(uow, campaign_id)


async def campaign_overview(uow: SurveysUnitOfWork, *, campaign_id: uuid.UUID) -> dict[str, Any]:
    """A campaign's delivery and response figures, overall and by audience segment (segments
    with fewer than MIN_GROUP invited are hidden, as in results); with a public link also how
    many answered through it (`open_answered`), all in one snapshot."""
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        if campaign is None:
            raise NotFound("No such campaign.")
        figures = await uow.campaign_figures.progress(campaign_id)
        counted = {r["segment_id"]: r for r in await uow.campaign_figures.by_segment(campaign_id)}
        public = (
            {"open_answered": await uow.open_slots.answered_count(campaign_id)}
            if campaign.open_link
            else {}
        )
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
        **public,
    }


async def segment_choices(uow: SurveysUnitOfWork, *, lang: str = "fi") -> list[dict[str, Any]]:
    """The live segments a new campaign may choose, by name in `lang`'s alphabet."""
    async with uow:
        return await uow.segments.active(lang)


async def open_link_and_ballots(
    uow: SurveysUnitOfWork, *, campaign_id: uuid.UUID
) -> tuple[bool, int]:
    """Whether the campaign has a public anonymous link, and how many anonymous answers wait
    in the ballot box for their batch (False, 0 for an unknown campaign)."""
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        waiting = await uow.ballots.waiting_in(campaign_id)
    return campaign is not None and campaign.open_link, waiting
