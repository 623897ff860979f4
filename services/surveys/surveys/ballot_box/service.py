"""Casting a ballot (from the response page) and emptying the boxes (the worker's schedule)."""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import uuid
from collections.abc import Callable, Coroutine
from datetime import UTC, date, datetime, time
from typing import Any

from shared.events.envelope import new_event
from shared.events.surveys import ResponseSubmittedV1
from shared.events.topics import SURVEY_RESPONSES
from surveys import SOURCE
from surveys.ballot_box.domain import BallotSeal, padded_size, pick, to_move
from surveys.builder.domain.survey import parse_survey
from surveys.campaigns.domain import HELSINKI, Campaign
from surveys.responding.domain import Answers, NewResponse
from surveys.unit_of_work import SurveysUnitOfWork

log = logging.getLogger(__name__)


async def cast(
    uow: SurveysUnitOfWork, *, campaign: Campaign, answers: Answers, seal: BallotSeal
) -> None:
    """Put an anonymous answer into the box (in the caller's transaction, not committed)."""
    assert campaign.survey_definition is not None
    size = padded_size(parse_survey(campaign.survey_definition))
    await uow.ballots.add(campaign_id=campaign.id, sealed=seal.seal(answers, size))


async def empty_boxes(
    new_uow: Callable[[], SurveysUnitOfWork],
    *,
    seal: BallotSeal,
    k: int,
    now: datetime | None = None,
    rng: random.Random | None = None,
) -> int:
    """Move what may move of every campaign's box to the responses; how many moved."""
    now = now or datetime.now(UTC)
    rng = rng or random.SystemRandom()
    async with new_uow() as uow:
        waiting = await uow.ballots.waiting()
    moved = 0
    for campaign_id in waiting:
        moved += await _empty_box(new_uow(), campaign_id, seal=seal, k=k, now=now, rng=rng)
    return moved


async def _empty_box(
    uow: SurveysUnitOfWork,
    campaign_id: uuid.UUID,
    *,
    seal: BallotSeal,
    k: int,
    now: datetime,
    rng: random.Random,
) -> int:
    async with uow:
        campaign = await uow.campaigns.get(campaign_id)
        assert campaign is not None
        ids = await uow.ballots.of_campaign(campaign_id)
        count = to_move(len(ids), k=k, closed=campaign.state(now) == "closed")
        if count == 0:
            return 0
        ballots = [seal.open(sealed) for sealed in await uow.ballots.take(pick(ids, count, rng))]
        rng.shuffle(ballots)  # `take` returns them in the table's (arrival) order
        today = now.astimezone(HELSINKI).date()
        for answers in ballots:
            response = NewResponse(
                id=uuid.uuid4(), campaign_id=campaign_id, answers=answers, submitted_on=today
            )
            await uow.responses.add(response)
            uow.publish(SURVEY_RESPONSES.name, str(campaign_id), _submitted(campaign, response))
        await uow.commit()
    return count


def _submitted(campaign: Campaign, response: NewResponse) -> Any:
    event = new_event(
        source=SOURCE,
        subject=str(campaign.id),
        data=ResponseSubmittedV1(
            response_id=response.id,
            survey_id=campaign.survey_id,
            campaign_id=campaign.id,
            submitted_on=response.submitted_on,
            contact_id=None,
        ),
    )
    # The envelope's time would tell more than the day (and all of a batch share it anyway).
    return event.model_copy(update={"time": day_start(response.submitted_on)})


def day_start(day: date) -> datetime:
    return datetime.combine(day, time(), HELSINKI).astimezone(UTC)


def ballot_loop(
    new_uow: Callable[[], SurveysUnitOfWork], *, seal: BallotSeal, k: int, interval_s: float
) -> Callable[[asyncio.Event], Coroutine[Any, Any, None]]:
    """The worker's schedule: empty the boxes, then sleep (never run by a submission, so a
    batch's transaction and time are not those of any one answer)."""

    async def loop(stop: asyncio.Event) -> None:
        while not stop.is_set():
            try:
                moved = await empty_boxes(new_uow, seal=seal, k=k)
                if moved:
                    log.info("anonymous answers moved to the results", extra={"count": moved})
            except Exception:
                log.exception("emptying the ballot boxes failed; trying again later")
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(stop.wait(), interval_s)

    return loop
