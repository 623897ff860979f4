"""A campaign's public anonymous link /s/open/{token}: anyone may answer, once per browser.

The link is a signed token (purpose "survey-open") of the campaign id; it lives as long as the
campaign is open. Each browser gets a slot on its first visit: a random token kept in its
cookie, stored here only as sha256, with the day (not the time) it started. The slot holds the
draft and the "answered" flag; nothing links it to a person or an IP address, and the answers
go through the ballot box as in anonymous mode whatever the campaign's mode.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime
from typing import Any

from shared.tokens import TokenError, TokenKeys, sign, verify
from surveys.ballot_box.domain import BallotSeal, open_draft
from surveys.builder.domain.survey import Survey, parse_survey
from surveys.campaigns.domain import HELSINKI, Campaign
from surveys.open_link.domain import Slot
from surveys.responding.service import Action, LinkProblem, Outcome, Session, answer_in
from surveys.unit_of_work import SurveysUnitOfWork

PURPOSE = "survey-open"
SLOT_TOKEN_MAX = 100  # a cookie longer than this is not one of ours


def make_token(keys: TokenKeys, campaign_id: uuid.UUID) -> str:
    return sign(keys, PURPOSE, {"c": str(campaign_id)})


def open_url(base_url: str, keys: TokenKeys, campaign_id: uuid.UUID) -> str:
    return f"{base_url.rstrip('/')}/s/open/{make_token(keys, campaign_id)}"


def read_token(keys: TokenKeys, token: str) -> uuid.UUID:
    """The campaign id of a public link; TokenError when forged (it never expires by itself)."""
    payload = verify(keys, PURPOSE, token, max_age_s=None)
    try:
        return uuid.UUID(str(payload.get("c") if isinstance(payload, dict) else ""))
    except ValueError as exc:
        raise TokenError("the link is not valid") from exc


def cookie_name(campaign_id: uuid.UUID) -> str:
    return f"survey_open_{campaign_id.hex}"


def _hash(slot_token: str) -> bytes:
    return hashlib.sha256(slot_token.encode()).digest()


async def open_campaign(
    uow: SurveysUnitOfWork, keys: TokenKeys, token: str, now: datetime
) -> tuple[Campaign, Survey]:
    """The campaign behind a public link if it can be answered now; LinkProblem otherwise."""
    try:
        campaign_id = read_token(keys, token)
    except TokenError as exc:
        raise LinkProblem("forged") from exc
    campaign = await uow.campaigns.get(campaign_id)
    if campaign is None or not campaign.open_link:
        raise LinkProblem("unknown")
    if campaign.survey_definition is None or campaign.state(now) == "not_open":
        raise LinkProblem("not_open")
    if campaign.state(now) == "closed":
        raise LinkProblem("closed")
    return campaign, parse_survey(campaign.survey_definition)


async def find_session(
    uow: SurveysUnitOfWork,
    *,
    keys: TokenKeys,
    token: str,
    slot: str | None,
    now: datetime | None = None,
) -> Session | None:
    """This browser's session, or None when it has no slot yet (the campaign is open)."""
    async with uow:
        return await _session(uow, keys, token, slot, now or datetime.now(UTC))


async def start(
    uow: SurveysUnitOfWork, *, keys: TokenKeys, token: str, now: datetime | None = None
) -> tuple[Session, str]:
    """A new slot for a browser's first visit: (session, the token for its cookie)."""
    now = now or datetime.now(UTC)
    slot_token = secrets.token_urlsafe(32)
    async with uow:
        campaign, survey = await open_campaign(uow, keys, token, now)
        await uow.open_slots.add(
            key=_hash(slot_token),
            campaign_id=campaign.id,
            started_on=now.astimezone(HELSINKI).date(),
        )
        await uow.commit()
    return Session(
        campaign, survey, Slot(_hash(slot_token), False), {}, 0, open_link=True
    ), slot_token


async def answer_page(
    uow: SurveysUnitOfWork,
    *,
    keys: TokenKeys,
    token: str,
    slot: str | None,
    page: int,
    raw: dict[str, Any],
    action: Action,
    now: datetime | None = None,
) -> Outcome | None:
    """Like responding.answer_page, for this browser's slot (None: the browser has none)."""
    now = now or datetime.now(UTC)
    async with uow:
        session = await _session(uow, keys, token, slot, now, for_update=True)
        if session is None:
            return None
        seal = BallotSeal.from_token_keys(keys)
        return await answer_in(uow, session, page=page, raw=raw, action=action, now=now, seal=seal)


async def answered(
    uow: SurveysUnitOfWork, *, keys: TokenKeys, token: str, slot: str | None
) -> Session | None:
    """For the thank-you page: the session if this browser has answered."""
    if not slot or len(slot) > SLOT_TOKEN_MAX:
        return None
    try:
        campaign_id = read_token(keys, token)
    except TokenError:
        return None
    async with uow:
        found = await uow.open_slots.get(campaign_id, _hash(slot))
        campaign = await uow.campaigns.get(campaign_id)
    if found is None or not found.answered or campaign is None:
        return None
    if campaign.survey_definition is None:
        return None
    survey = parse_survey(campaign.survey_definition)
    return Session(campaign, survey, found, {}, 0, open_link=True)


async def _session(
    uow: SurveysUnitOfWork,
    keys: TokenKeys,
    token: str,
    slot: str | None,
    now: datetime,
    *,
    for_update: bool = False,
) -> Session | None:
    campaign, survey = await open_campaign(uow, keys, token, now)
    if not slot or len(slot) > SLOT_TOKEN_MAX:
        return None
    found = await uow.open_slots.get(campaign.id, _hash(slot), for_update=for_update)
    if found is None:
        return None
    if found.answered:
        raise LinkProblem("used")
    draft = await uow.responses.draft(found.token_hash)
    if draft is None:
        return Session(campaign, survey, found, {}, 0, open_link=True)
    answers = open_draft(BallotSeal.from_token_keys(keys), draft.answers)
    return Session(campaign, survey, found, answers, draft.page, open_link=True)
