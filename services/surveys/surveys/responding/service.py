"""Answering from a personal link: open it, save a page as a draft, submit once.

Anonymous mode (and the public link): the invitation only learns "answered", the draft (keyed
by the token hash) is deleted, and the answers go sealed into the ballot box
(surveys.ballot_box), from which the worker moves them to the responses in shuffled batches
dated by the day only. No response row or event is written by the submission itself.
"""

from __future__ import annotations

import hmac
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal

from shared.events.envelope import new_event
from shared.events.surveys import ResponseSubmittedV1
from shared.events.topics import SURVEY_RESPONSES
from shared.tokens import TokenError, TokenExpired, TokenKeys
from surveys import SOURCE
from surveys.ballot_box import service as ballot_box
from surveys.ballot_box.domain import BallotSeal, open_draft, padded_size, seal_draft
from surveys.builder.domain.survey import Question, Survey, parse_survey
from surveys.campaigns.domain import HELSINKI, Campaign
from surveys.event_feedback.counts import publish_counts
from surveys.invitations.domain import read_token
from surveys.responding.domain import (
    AnswerError,
    Answers,
    NewResponse,
    check_complete,
    clean_page,
    first_page_with,
    other_key,
)
from surveys.unit_of_work import SurveysUnitOfWork

# Reads a page's raw answers from the submitted form, given that page's questions.
ReadPage = Callable[[tuple[Question, ...]], dict[str, Any]]
Problem = Literal["forged", "expired", "unknown", "not_open", "closed", "used"]
Action = Literal["next", "back", "submit"]


class LinkProblem(Exception):
    """Why a link cannot be answered (each has its own page and HTTP status)."""

    def __init__(self, kind: Problem, language: str | None = None) -> None:
        super().__init__(kind)
        self.kind: Problem = kind
        self.language = language


@dataclass(frozen=True, slots=True)
class LinkCheck:
    keys: TokenKeys
    max_age_s: int

    @property
    def seal(self) -> BallotSeal:
        return BallotSeal.from_token_keys(self.keys)


@dataclass
class Session:
    campaign: Campaign
    survey: Survey
    invitation: Any
    answers: Answers
    page: int
    response_id: uuid.UUID | None = None  # set when editing a submitted (identified) response
    # Answering from the campaign's public link: `invitation` is then the browser's slot.
    open_link: bool = False

    @property
    def language(self) -> str | None:
        lang = self.invitation.language
        return None if lang is None else str(lang)

    @property
    def anonymous(self) -> bool:
        return self.campaign.anonymous or self.open_link

    @property
    def key(self) -> bytes:
        """The draft key: the hash of the invitation's first link (reminder links share it)."""
        return bytes(self.invitation.token_hash)


@dataclass
class Outcome:
    session: Session
    errors: list[AnswerError] = field(default_factory=list)
    page: int = 0
    raw: dict[str, Any] = field(default_factory=dict)
    submitted: bool = False


async def open_link(
    uow: SurveysUnitOfWork, *, token: str, check: LinkCheck, now: datetime | None = None
) -> Session:
    async with uow:
        return await _session(uow, token, check, now or datetime.now(UTC))


async def answer_page(
    uow: SurveysUnitOfWork,
    *,
    token: str,
    check: LinkCheck,
    page: int,
    raw: dict[str, Any] | ReadPage,
    action: Action,
    now: datetime | None = None,
) -> Outcome:
    """Check one page; keep it as a draft and move on, or submit on the last page.

    `raw` is the page's answers, or reads them from the form once the survey is known (the
    page's questions): then a POST needs one transaction, not a look-up and then another."""
    now = now or datetime.now(UTC)
    async with uow:
        session = await _session(uow, token, check, now, for_update=True)
        if callable(raw):
            page = min(max(page, 0), len(session.survey.pages) - 1)
            raw = raw(session.survey.pages[page].questions)
        return await answer_in(
            uow, session, page=page, raw=raw, action=action, now=now, seal=check.seal
        )


async def answer_in(
    uow: SurveysUnitOfWork,
    session: Session,
    *,
    page: int,
    raw: dict[str, Any],
    action: Action,
    now: datetime,
    seal: BallotSeal,
) -> Outcome:
    """`answer_page` for a session already loaded (and locked) in `uow`."""
    survey = session.survey
    page = min(max(page, 0), len(survey.pages) - 1)
    own = {k for q in survey.pages[page].questions for k in (q.id, other_key(q.id))}
    earlier = {k: v for k, v in session.answers.items() if k not in own}
    cleaned, errors = clean_page(survey, survey.pages[page], raw, earlier)
    answers = earlier | cleaned
    if action == "back":
        await _keep(uow, session, answers, max(page - 1, 0), seal)
        return Outcome(session, page=max(page - 1, 0))
    if errors:
        return Outcome(session, errors=errors, page=page, raw=raw)
    last = page == len(survey.pages) - 1
    if action == "next" or not last:
        await _keep(uow, session, answers, page + 1, seal)
        return Outcome(session, page=min(page + 1, len(survey.pages) - 1))
    final, errors = check_complete(survey, answers)
    if errors:
        await _keep(uow, session, answers, first_page_with(survey, errors), seal)
        return Outcome(session, errors=errors, page=first_page_with(survey, errors))
    await _submit(uow, session, final, now, seal)
    await uow.commit()
    return Outcome(session, page=page, submitted=True)


async def answered(uow: SurveysUnitOfWork, *, token: str, check: LinkCheck) -> Session | None:
    """For the thank-you page: the session if this link's invitation has been answered."""
    try:
        claim = read_token(check.keys, token, max_age_s=check.max_age_s)
    except TokenError:
        return None
    async with uow:
        invitation = await _invitation(uow, claim)
        if invitation is None or not invitation.answered or not _owns(invitation, claim.token_hash):
            return None
        campaign = await uow.campaigns.get(invitation.campaign_id)
    assert campaign is not None and campaign.survey_definition is not None
    return Session(campaign, parse_survey(campaign.survey_definition), invitation, {}, 0)


async def _keep(
    uow: SurveysUnitOfWork, session: Session, answers: Answers, page: int, seal: BallotSeal
) -> None:
    if session.response_id is not None:
        return  # editing a submitted response: only a submission changes it
    if session.anonymous:
        answers = seal_draft(seal, answers, padded_size(session.survey))
    await uow.responses.save_draft(
        key=session.key, campaign_id=session.campaign.id, answers=answers, page=page
    )
    await uow.commit()


async def _submit(
    uow: SurveysUnitOfWork, session: Session, answers: Answers, now: datetime, seal: BallotSeal
) -> None:
    campaign, invitation = session.campaign, session.invitation
    if session.response_id is not None:
        await uow.responses.replace_answers(session.response_id, answers)
        return
    if session.open_link:
        first = await uow.open_slots.mark_answered(session.key)
    else:
        first = await uow.invitations.mark_answered(invitation.id)
    if not first:
        raise LinkProblem("used", session.language)
    if not session.open_link:
        # An event's feedback campaign: its counts (never who answered) go to the events.
        counts = await uow.invitations.feedback_answered(campaign.id)
        if counts is not None:
            publish_counts(uow, counts, anonymous=campaign.anonymous)
    await uow.responses.delete_draft(session.key)
    if session.anonymous:
        # Sealed and padded: what this transaction writes next to the "answered" mark says
        # nothing about the answers; the response row comes later, from a shuffled batch.
        await ballot_box.cast(uow, campaign=campaign, answers=answers, seal=seal)
        return
    response = NewResponse(
        id=uuid.uuid4(),
        campaign_id=campaign.id,
        answers=answers,
        submitted_on=now.astimezone(HELSINKI).date(),
        submitted_at=now,
        invitation_id=invitation.id,
        contact_id=invitation.contact_id,
        language=invitation.language,
        organisation_type=invitation.organisation_type,
        region=invitation.region,
    )
    await uow.responses.add(response)
    event = new_event(
        source=SOURCE,
        subject=str(campaign.id),
        data=ResponseSubmittedV1(
            response_id=response.id,
            survey_id=campaign.survey_id,
            campaign_id=campaign.id,
            submitted_on=response.submitted_on,
            contact_id=invitation.contact_id,
        ),
    )
    uow.publish(SURVEY_RESPONSES.name, str(campaign.id), event)


async def _invitation(uow: SurveysUnitOfWork, claim: Any, *, for_update: bool = False) -> Any:
    """The invitation of a link: by the id an old signed link carries, or by its token hash."""
    if claim.invitation_id is not None:
        return await uow.invitations.get(claim.invitation_id, for_update=for_update)
    return await uow.invitations.by_link(claim.token_hash, for_update=for_update)


def _owns(invitation: Any, token_hash: bytes) -> bool:
    hashes = [bytes(invitation.token_hash), *(bytes(h) for h in invitation.reminder_token_hashes)]
    return any(hmac.compare_digest(h, token_hash) for h in hashes)


async def _session(
    uow: SurveysUnitOfWork,
    token: str,
    check: LinkCheck,
    now: datetime,
    *,
    for_update: bool = False,
) -> Session:
    try:
        claim = read_token(check.keys, token, max_age_s=check.max_age_s)
    except TokenExpired as exc:
        raise LinkProblem("expired") from exc
    except TokenError as exc:
        raise LinkProblem("forged") from exc
    # The row lock serialises two submissions racing on the same link.
    invitation = await _invitation(uow, claim, for_update=for_update)
    if invitation is None or not _owns(invitation, claim.token_hash):
        raise LinkProblem("unknown")
    campaign = await uow.campaigns.get(invitation.campaign_id)
    assert campaign is not None
    lang = invitation.language
    if campaign.survey_definition is None or campaign.state(now) == "not_open":
        raise LinkProblem("not_open", lang)
    if campaign.state(now) == "closed":
        raise LinkProblem("closed", lang)
    survey = parse_survey(campaign.survey_definition)
    if invitation.answered:
        if campaign.anonymous or not survey.allow_edit:
            raise LinkProblem("used", lang)
        response = await uow.responses.of_invitation(invitation.id)
        if response is None:  # anonymised after an erasure: nothing left to edit
            raise LinkProblem("used", lang)
        return Session(campaign, survey, invitation, dict(response.answers), 0, response.id)
    draft = await uow.responses.draft(bytes(invitation.token_hash))
    if draft is None:
        return Session(campaign, survey, invitation, {}, 0)
    answers = open_draft(check.seal, draft.answers) if campaign.anonymous else dict(draft.answers)
    return Session(campaign, survey, invitation, answers, draft.page)
