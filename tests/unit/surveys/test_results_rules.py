"""Results and exports on the in-memory unit of work: an anonymous campaign's results never say
who answered (no identity columns, no breakdown by person, the people are not even read);
an identified one's name each respondent; small groups stay hidden."""

from __future__ import annotations

import csv
import io
import uuid
from dataclasses import replace
from datetime import date, timedelta
from typing import Any

import pytest
from openpyxl import load_workbook
from surveys.campaigns.domain import Campaign
from surveys.errors import Conflict, InvalidInput, NotFound
from surveys.exports import service as exports
from surveys.results import service as results
from surveys.results.domain import MIN_GROUP, Answered, Respondent

from tests.unit.fakes.surveys import NOW, WEEK, FakeSurveysUnitOfWork

DEFINITION: dict[str, Any] = {
    "title": {"fi": "Tukitarpeet", "sv": "Stödbehov"},
    "pages": [
        {
            "questions": [
                {
                    "id": "uses",
                    "type": "single",
                    "text": {"fi": "Käytättekö?", "sv": "Använder ni?"},
                    "choices": [
                        {"value": "yes", "text": {"fi": "Kyllä", "sv": "Ja"}},
                        {"value": "no", "text": {"fi": "Ei", "sv": "Nej"}},
                    ],
                },
                {"id": "why", "type": "long_text", "text": {"fi": "Miksi?", "sv": "Varför?"}},
            ]
        }
    ],
}
AINO = Respondent(
    first_name="Aino", last_name="Virtanen", email="aino@example.org", organisation_name="Kirjasto"
)
IDENTITY = {"name", "email", "organisation"}


def launched(uow: FakeSurveysUnitOfWork, mode: str = "identified", **extra: Any) -> uuid.UUID:
    campaign = Campaign(
        id=uuid.uuid4(),
        survey_id=uuid.uuid4(),
        name="Kevät",
        mode=mode,  # type: ignore[arg-type]
        opens_at=NOW,
        closes_at=NOW + 4 * WEEK,
        audience={"field": "region", "op": "eq", "value": "01"},
        launched_at=NOW,
        survey_definition=DEFINITION,
        **extra,
    )
    uow.campaigns.rows[campaign.id] = campaign
    return campaign.id


def answer(
    uow: FakeSurveysUnitOfWork,
    campaign_id: uuid.UUID,
    uses: str = "yes",
    *,
    why: str = "",
    region: str | None = None,
    contact_id: uuid.UUID | None = None,
    day: int = 0,
) -> uuid.UUID:
    response = Answered(
        id=uuid.uuid4(),
        answers={"uses": uses, **({"why": why} if why else {})},
        submitted_on=date(2026, 3, 2) + timedelta(days=day),
        language="fi",
        region=region,
    )
    uow.results.add(campaign_id, response, contact_id)
    return response.id


def table(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


async def test_results_of_a_missing_campaign_are_not_found() -> None:
    with pytest.raises(NotFound):
        await results.campaign_results(FakeSurveysUnitOfWork(), campaign_id=uuid.uuid4())


async def test_a_campaign_not_yet_launched_has_no_results() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = launched(uow)
    uow.campaigns.rows[campaign_id] = replace(
        uow.campaigns.rows[campaign_id], launched_at=None, survey_definition=None
    )
    for read in (
        results.campaign_results(uow, campaign_id=campaign_id),
        results.responses_csv(uow, campaign_id=campaign_id),
        results.codebook_csv(uow, campaign_id=campaign_id),
    ):
        with pytest.raises(Conflict):
            await read


async def test_totals_count_the_campaigns_own_responses_and_publish_nothing() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id, other = launched(uow), launched(uow)
    for uses in ("yes", "yes", "no"):
        answer(uow, campaign_id, uses)
    answer(uow, other, "no")
    summary = await results.campaign_results(uow, campaign_id=campaign_id)
    assert summary["responses"] == 3
    uses = summary["questions"][0]
    assert {o["value"]: o["count"] for o in uses["options"]} == {"yes": 2, "no": 1}
    assert uow.published == []


async def test_an_anonymous_campaign_never_breaks_down_by_who_answered() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = launched(uow, mode="anonymous")
    for _ in range(MIN_GROUP):
        answer(uow, campaign_id, region="01")  # even were a region stored with the answers
    for by in ("organisation_type", "region", "language"):
        with pytest.raises(InvalidInput) as caught:
            await results.campaign_results(uow, campaign_id=campaign_id, by=by)
        assert caught.value.field == "by"
    by_question = await results.campaign_results(uow, campaign_id=campaign_id, by="q:uses")
    assert [g["group"] for g in by_question["groups"]] == ["yes"]


async def test_an_anonymous_campaigns_responses_never_say_who_answered() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = launched(uow, mode="anonymous")
    aino = uuid.uuid4()
    uow.results.people[aino] = AINO
    answer(uow, campaign_id, why="Hyvä palvelu", contact_id=aino)  # a link the rows must not use
    answer(uow, campaign_id, "no", day=1)
    text = await results.responses_csv(uow, campaign_id=campaign_id)
    rows = table(text)
    assert not IDENTITY & set(rows[0])
    assert [r["respondent"] for r in rows] == ["1", "2"]
    assert "Aino" not in text and "aino@example.org" not in text and "Kirjasto" not in text
    assert uow.results.asked_who == []  # who answered is not even read
    codebook = table(await results.codebook_csv(uow, campaign_id=campaign_id))
    assert not IDENTITY & {r["column"] for r in codebook}


async def test_an_anonymous_campaigns_spreadsheet_has_no_identity_columns() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = launched(uow, mode="anonymous")
    aino = uuid.uuid4()
    uow.results.people[aino] = AINO
    answer(uow, campaign_id, contact_id=aino)
    book = load_workbook(io.BytesIO(await exports.responses_xlsx(uow, campaign_id=campaign_id)))
    cells = {str(c.value) for ws in book.worksheets for row in ws.iter_rows() for c in row}
    assert not IDENTITY & cells
    assert not {"Aino Virtanen", "aino@example.org", "Kirjasto"} & cells
    assert uow.results.asked_who == []


async def test_an_identified_campaigns_responses_name_who_answered_and_blank_the_erased() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = launched(uow)
    aino = uuid.uuid4()
    uow.results.people[aino] = AINO
    answer(uow, campaign_id, contact_id=aino)
    answer(uow, campaign_id, "no", contact_id=uuid.uuid4(), day=1)  # erased: not in the replica
    rows = table(await results.responses_csv(uow, campaign_id=campaign_id))
    assert [(r["name"], r["email"], r["organisation"]) for r in rows] == [
        ("Aino Virtanen", "aino@example.org", "Kirjasto"),
        ("", "", ""),
    ]
    codebook = table(await results.codebook_csv(uow, campaign_id=campaign_id))
    assert {r["column"] for r in codebook} >= IDENTITY
    book = load_workbook(io.BytesIO(await exports.responses_xlsx(uow, campaign_id=campaign_id)))
    header = [c.value for c in next(book["responses"].iter_rows())]
    assert set(header) >= IDENTITY


async def test_an_answer_that_looks_like_a_formula_stays_text_in_the_csv() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = launched(uow)
    answer(uow, campaign_id, why="=HYPERLINK(1)")
    rows = table(await results.responses_csv(uow, campaign_id=campaign_id))
    assert rows[0]["why"] == "'=HYPERLINK(1)"


async def test_an_identified_breakdown_hides_groups_smaller_than_the_minimum() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = launched(uow)
    for _ in range(MIN_GROUP):
        answer(uow, campaign_id, region="01")
    answer(uow, campaign_id, region="19")
    summary = await results.campaign_results(uow, campaign_id=campaign_id, by="region")
    assert [g["group"] for g in summary["groups"]] == ["01"]
    assert summary["groups"][0]["responses"] == MIN_GROUP


async def test_a_breakdown_takes_a_known_single_choice_question_only() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = launched(uow)
    for by in ("q:why", "q:nothing", "shoe_size"):
        with pytest.raises(InvalidInput):
            await results.campaign_results(uow, campaign_id=campaign_id, by=by)


async def test_open_data_holds_no_free_text_and_suppresses_small_counts() -> None:
    uow = FakeSurveysUnitOfWork()
    campaign_id = launched(uow, mode="anonymous")
    for _ in range(MIN_GROUP):
        answer(uow, campaign_id, "yes", why="Salainen tarina")
    answer(uow, campaign_id, "no")
    text = await exports.open_data_csv(uow, campaign_id=campaign_id)
    assert "Salainen tarina" not in text
    lines = table(text)
    no = [r for r in lines if r["category"] == "no"]
    assert no and all(r["value"] == "" and r["note"] for r in no)
    assert uow.results.asked_who == []
