"""A campaign's public anonymous link /s/open/{token}: anyone may answer, once per browser.

The link is a signed token (purpose "survey-open") of the campaign id; it lives as long as the
campaign is open. Each browser gets a slot on its first visit: a random token kept in its
cookie, stored here only as sha256, with the day (not the time) it started. The slot holds the
draft and the "answered" flag; nothing links it to a person or an IP address, and the answers
are stored as in anonymous mode whatever the campaign's mode.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection, AsyncEngine

from shared.tokens import TokenError, TokenKeys, sign, verify
from surveys.builder.domain.survey import Survey, parse_survey
from surveys.campaigns import repository as campaign_rows
from surveys.campaigns.domain import HELSINKI, Campaign
from surveys.open_link import repository as open_respondents
from surveys.responding import repository as responses
from surveys.responding.service import Action, LinkProblem, Outcome, Session, answer_in
from surveys.unit_of_work import unit_of_work

PURPOSE = "survey-open"
SLOT_TOKEN_MAX = 100  # a cookie longer than this is not one of ours


@dataclass(frozen=True, slots=True)
class Slot:
    """The browser's place in the campaign, shaped like the invitation a Session expects."""

    token_hash: bytes
    answered: bool
    language: None = None
    contact_id: None = None


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
    conn: AsyncConnection, keys: TokenKeys, token: str, now: datetime
) -> tuple[Campaign, Survey]:
    """The campaign behind a public link if it can be answered now; LinkProblem otherwise."""
    try:
        campaign_id = read_token(keys, token)
    except TokenError as exc:
        raise LinkProblem("forged") from exc
    found = await campaign_rows.get_campaign(conn, campaign_id)
    if found is None or not found[0].open_link:
        raise LinkProblem("unknown")
    campaign, definition = found
    if definition is None or campaign.state(now) == "not_open":
        raise LinkProblem("not_open")
    if campaign.state(now) == "closed":
        raise LinkProblem("closed")
    return campaign, parse_survey(definition)


async def find_session(
    engine: AsyncEngine,
    *,
    keys: TokenKeys,
    token: str,
    slot: str | None,
    now: datetime | None = None,
) -> Session | None:
    """This browser's session, or None when it has no slot yet (the campaign is open)."""
    async with engine.connect() as conn:
        return await _session(conn, keys, token, slot, now or datetime.now(UTC))


async def start(
    engine: AsyncEngine, *, keys: TokenKeys, token: str, now: datetime | None = None
) -> tuple[Session, str]:
    """A new slot for a browser's first visit: (session, the token for its cookie)."""
    now = now or datetime.now(UTC)
    slot_token = secrets.token_urlsafe(32)
    async with unit_of_work(engine) as uow:
        campaign, survey = await open_campaign(uow.conn, keys, token, now)
        await open_respondents.add(
            uow.conn,
            token_hash=_hash(slot_token),
            campaign_id=campaign.id,
            started_on=now.astimezone(HELSINKI).date(),
        )
        await uow.commit()
    return Session(
        campaign, survey, Slot(_hash(slot_token), False), {}, 0, open_link=True
    ), slot_token


async def answer_page(
    engine: AsyncEngine,
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
    async with unit_of_work(engine) as uow:
        session = await _session(uow.conn, keys, token, slot, now, for_update=True)
        if session is None:
            return None
        return await answer_in(uow, session, page=page, raw=raw, action=action, now=now)


async def answered(
    engine: AsyncEngine, *, keys: TokenKeys, token: str, slot: str | None
) -> Session | None:
    """For the thank-you page: the session if this browser has answered."""
    if not slot or len(slot) > SLOT_TOKEN_MAX:
        return None
    try:
        campaign_id = read_token(keys, token)
    except TokenError:
        return None
    async with engine.connect() as conn:
        row = await open_respondents.get(conn, campaign_id, _hash(slot))
        found = await campaign_rows.get_campaign(conn, campaign_id)
    if row is None or not row.answered or found is None or found[1] is None:
        return None
    slot_row = Slot(bytes(row.token_hash), True)
    return Session(found[0], parse_survey(found[1]), slot_row, {}, 0, open_link=True)


async def _session(
    conn: AsyncConnection,
    keys: TokenKeys,
    token: str,
    slot: str | None,
    now: datetime,
    *,
    for_update: bool = False,
) -> Session | None:
    campaign, survey = await open_campaign(conn, keys, token, now)
    if not slot or len(slot) > SLOT_TOKEN_MAX:
        return None
    row = await open_respondents.get(conn, campaign.id, _hash(slot), for_update=for_update)
    if row is None:
        return None
    if row.answered:
        raise LinkProblem("used")
    found = Slot(bytes(row.token_hash), False)
    draft = await responses.get_draft(conn, found.token_hash)
    if draft is None:
        return Session(campaign, survey, found, {}, 0, open_link=True)
    return Session(campaign, survey, found, dict(draft.answers), int(draft.page), open_link=True)


async def has_open_link(conn: AsyncConnection, campaign_id: uuid.UUID) -> bool:
    found = await campaign_rows.get_campaign(conn, campaign_id)
    return found is not None and found[0].open_link


async def answered_count(conn: AsyncConnection, campaign_id: uuid.UUID) -> int:
    """How many answered through the public link (for the campaign page)."""
    return await open_respondents.answered_count(conn, campaign_id)
