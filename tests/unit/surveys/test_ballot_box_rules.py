"""The ballot box on the in-memory unit of work: sealed equal-length ballots, batches of at
least k in shuffled order dated by the day, nothing written at submission but the mark."""

from __future__ import annotations

import random
import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from surveys.ballot_box import service as ballot_box
from surveys.ballot_box.domain import BallotSeal, BallotUnreadable, padded_size, to_move
from surveys.builder import service as builder
from surveys.builder.domain.survey import parse_survey
from surveys.builder.service import Actor
from surveys.campaigns import service as campaigns
from surveys.campaigns.domain import HELSINKI
from surveys.responding import service as responding
from surveys.responding.domain import MAX_LONG, MAX_SHORT
from surveys.responding.service import LinkCheck

from shared.events.topics import MAIL_REQUESTED, SURVEY_RESPONSES
from shared.tokens import TokenKeys
from tests.unit.fakes.surveys import NOW, WEEK, FakeSurveysUnitOfWork, person

EDITOR = Actor(id="staff-1", role="editor")
KEYS = TokenKeys.single("unit-test-secret")
SEAL = BallotSeal.from_token_keys(KEYS)
CHECK = LinkCheck(keys=KEYS, max_age_s=90 * 86_400)
LINKS = campaigns.Links(keys=KEYS, base_url="https://x.test")
DEFINITION: dict[str, Any] = {
    "title": {"fi": "Kysely"},
    "pages": [
        {
            "questions": [
                {"id": "why", "type": "long_text", "text": "Miksi?"},
                {"id": "name", "type": "short_text", "text": "Mitä?"},
                {
                    "id": "pick",
                    "type": "multiple",
                    "text": "Mitkä?",
                    "other": True,
                    "choices": [{"value": "a", "text": "A"}, {"value": "bb", "text": "B"}],
                },
                {"id": "score", "type": "nps", "text": "Suosittelisitko?"},
            ]
        }
    ],
}
K = 5


@given(st.lists(st.integers(min_value=0, max_value=7), max_size=30), st.integers(2, 8))
def test_every_batch_while_open_has_at_least_k_and_leaves_at_least_k(
    arrivals: list[int], k: int
) -> None:
    waiting = 0
    for arrived in arrivals:
        waiting += arrived
        moved = to_move(waiting, k=k, closed=False)
        assert moved == 0 or (moved >= k and waiting - moved == k)
        waiting -= moved
    # At the close everything moves: at least k unless fewer than k ever answered.
    last = to_move(waiting, k=k, closed=True)
    assert last == waiting
    assert last == 0 or last >= k or sum(arrivals) < k


@pytest.mark.parametrize(
    "answers",
    [
        {},
        {"score": 0},
        {"why": "x", "name": "y", "pick": ["a"], "score": 10},
        {"why": "\x01" * MAX_LONG, "name": '"' * MAX_SHORT, "pick": ["a", "bb", "other"]},
        {"why": "𝔘" * MAX_LONG, "name": "ä" * MAX_SHORT, "pick.other": "\\" * MAX_SHORT},
    ],
)
def test_every_ballot_of_a_survey_has_the_same_length_and_opens_to_its_answers(
    answers: dict[str, Any],
) -> None:
    size = padded_size(parse_survey(DEFINITION))
    reference = SEAL.seal({}, size)
    sealed = SEAL.seal(answers, size)
    assert len(sealed) == len(reference)
    assert SEAL.open(sealed) == answers
    assert SEAL.seal(answers, size) != sealed  # a fresh nonce: equal answers look different


def test_a_ballot_opens_only_with_a_key_of_the_installation() -> None:
    sealed = SEAL.seal({"score": 3}, 1024)
    with pytest.raises(BallotUnreadable):
        BallotSeal.from_token_keys(TokenKeys.single("another-secret")).open(sealed)
    rotated = TokenKeys(keys={"k1": "unit-test-secret", "k2": "new-secret"}, current="k2")
    assert BallotSeal.from_token_keys(rotated).open(sealed) == {"score": 3}


async def anonymous_campaign(people: int) -> tuple[FakeSurveysUnitOfWork, uuid.UUID, list[str]]:
    crowd = [
        person(survey_consent=True, confirmed_at=NOW - WEEK, email_status="ok")
        for _ in range(people)
    ]
    uow = FakeSurveysUnitOfWork(people=crowd)
    created = await builder.create_survey(uow, definition=DEFINITION, actor=EDITOR)
    campaign = await campaigns.create_campaign(
        uow,
        survey_id=uuid.UUID(created["id"]),
        name="Anonyymi",
        mode="anonymous",
        opens_at=NOW,
        closes_at=NOW + WEEK,
        audience={"field": "email", "op": "exists", "value": True},
        max_reminders=0,
        reminder_interval_days=1,
        actor=EDITOR,
    )
    await campaigns.launch_campaign(uow, campaign.id, links=LINKS, actor=EDITOR, now=NOW)
    mails = [e.data or {} for t, _, e in uow.published if t == MAIL_REQUESTED.name]
    tokens = [m["variables"]["survey_url"].rsplit("/s/", 1)[1] for m in mails]
    return uow, campaign.id, tokens


def responses_events(uow: FakeSurveysUnitOfWork) -> list[Any]:
    return [e for t, _, e in uow.published if t == SURVEY_RESPONSES.name]


async def test_anonymous_answers_wait_sealed_and_move_in_shuffled_batches_of_at_least_k() -> None:
    uow, campaign_id, tokens = await anonymous_campaign(12)
    assert len(tokens) == 12
    at = NOW + timedelta(hours=1)
    for n, token in enumerate(tokens):
        await responding.answer_page(
            uow,
            token=token,
            check=CHECK,
            page=0,
            raw={"name": f"vastaaja {n}"},
            action="next",
            now=at,
        )  # a draft first: kept sealed, deleted at submission
        if n == 0:
            [draft] = uow.responses.drafts.values()
            assert list(draft.answers) == ["~sealed"]
            resumed = await responding.open_link(uow, token=token, check=CHECK, now=at)
            assert resumed.answers == {"name": "vastaaja 0"}
        await responding.answer_page(
            uow,
            token=token,
            check=CHECK,
            page=0,
            raw={"score": str(n % 11)},
            action="submit",
            now=at,
        )
        at += timedelta(minutes=7)
    assert uow.responses.drafts == {}
    assert uow.responses.rows == {} and responses_events(uow) == []  # only the marks so far
    assert all(i.answered for i in uow.invitations.rows.values())
    assert len({len(sealed) for _, _, sealed in uow.ballots.rows}) == 1
    assert all(b"score" not in sealed for _, _, sealed in uow.ballots.rows)

    rng = random.Random(7)
    first = await ballot_box.empty_boxes(lambda: uow, seal=SEAL, k=K, now=at, rng=rng)
    assert first == 12 - K and len(uow.ballots.rows) == K  # k stay for the next batch
    assert await ballot_box.empty_boxes(lambda: uow, seal=SEAL, k=K, now=at, rng=rng) == 0
    closed = NOW + WEEK + timedelta(hours=3)
    assert await ballot_box.empty_boxes(lambda: uow, seal=SEAL, k=K, now=closed, rng=rng) == K
    assert uow.ballots.rows == []

    stored = list(uow.responses.rows.values())
    assert sorted(r.answers["score"] for r in stored) == sorted(n % 11 for n in range(12))
    for r in stored:
        assert (r.contact_id, r.invitation_id, r.submitted_at, r.language) == (None,) * 4
        assert r.campaign_id == campaign_id
    assert {r.submitted_on for r in stored[:first]} == {at.astimezone(HELSINKI).date()}
    events = responses_events(uow)
    assert [e.data["response_id"] for e in events] == [str(r.id) for r in stored]
    for event in events:
        assert event.data["contact_id"] is None
        day = datetime.fromisoformat(event.data["submitted_on"]).date()
        assert event.time == datetime.combine(day, time(), HELSINKI).astimezone(UTC)
    # The batch is in random order, not in the order the answers came.
    arrival = [n % 11 for n in range(12)]
    assert [r.answers["score"] for r in stored] != arrival
