"""Surveys' staff pages: list, survey with previews and campaigns, results with charts."""

from __future__ import annotations

import os
import uuid
from datetime import UTC, date, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.tables import campaigns, invitations, responses, surveys

VIEWER = {"X-Staff-Id": "staff-v", "X-Staff-Role": "viewer"}
SURVEY: dict[str, Any] = {
    "title": {"fi": "Tukitarpeet", "sv": "Stödbehov", "en": "Support needs"},
    "pages": [
        {
            "questions": [
                {
                    "id": "uses",
                    "type": "single",
                    "other": True,
                    "text": {"fi": "Käytättekö palvelua?", "sv": "Använder ni tjänsten?"},
                    "choices": [
                        {"value": "yes", "text": {"fi": "Kyllä", "sv": "Ja"}},
                        {"value": "no", "text": {"fi": "Ei", "sv": "Nej"}},
                    ],
                },
                {"id": "recommend", "type": "nps", "text": {"fi": "Suosittelisitko?"}},
                {
                    "id": "tools",
                    "type": "matrix",
                    "text": {"fi": "Työkalut"},
                    "rows": [{"value": "mail", "text": {"fi": "Sähköposti"}}],
                },
                {"id": "staff", "type": "number", "text": {"fi": "Montako työntekijää?"}},
                {"id": "why", "type": "long_text", "text": {"fi": "Miksi?"}},
            ]
        }
    ],
}


def answers(i: int) -> dict[str, Any]:
    out: dict[str, Any] = {
        "uses": "no" if i >= 6 else "yes",
        "recommend": 10 if i % 2 else 5,
        "tools": {"mail": 4},
        "why": f"Vapaa teksti {i}" if i else '=HYPERLINK("http://evil.example")',
    }
    if i < 3:
        out["staff"] = 10 + i  # only three answer: too few for open data
    return out


async def seed_campaign(engine: AsyncEngine, *, mode: str = "identified") -> dict[str, Any]:
    """A launched campaign with 8 responses: 6 from libraries (fi), 2 from NGOs (sv)."""
    survey_id, campaign_id = uuid.uuid4(), uuid.uuid4()
    now = datetime.now(UTC)
    async with engine.begin() as conn:
        await conn.execute(
            insert(surveys).values(id=survey_id, title="Tukitarpeet", definition=SURVEY)
        )
        await conn.execute(
            insert(campaigns).values(
                id=campaign_id,
                survey_id=survey_id,
                name="Kevät 2026",
                mode=mode,
                opens_at=now - timedelta(days=1),
                closes_at=now + timedelta(days=30),
                audience={"all": []},
                max_reminders=1,
                reminder_interval=timedelta(days=7),
                survey_definition=SURVEY,
                launched_at=now,
            )
        )
        invitation_ids = [uuid.uuid4() for _ in range(10)]
        await conn.execute(
            insert(invitations),
            [
                {
                    "id": inv,
                    "campaign_id": campaign_id,
                    "language": "fi",
                    "token_hash": os.urandom(32),
                    "answered": i < 8,
                }
                for i, inv in enumerate(invitation_ids)
            ],
        )
        await conn.execute(
            insert(responses),
            [
                {
                    "id": uuid.uuid4(),
                    "campaign_id": campaign_id,
                    "answers": answers(i),
                    "submitted_on": date.today(),
                    "language": "sv" if i >= 6 else "fi",
                    "organisation_type": "ngo" if i >= 6 else "library",
                    "region": "01",
                }
                for i in range(8)
            ],
        )
    return {"survey_id": survey_id, "campaign_id": campaign_id, "invitations": invitation_ids}


async def test_results_page_shows_an_accessible_chart_beside_the_table(
    staff_client: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    seeded = await seed_campaign(clean_db["surveys"])
    page = await staff_client.get(f"/surveys/staff/campaigns/{seeded['campaign_id']}/results")
    assert page.status_code == 200, page.text
    html = page.text
    assert 'role="img" aria-labelledby="all-uses-chart-title all-uses-chart-desc"' in html
    assert '<title id="all-uses-chart-title">Käytättekö palvelua?</title>' in html
    assert '<desc id="all-uses-chart-desc">' in html and "Kyllä 75.0 %" in html
    assert '<th scope="row">Kyllä</th><td>6</td><td>75.0</td>' in html  # the data table
    assert "<dt>NPS</dt><dd>0</dd>" in html  # 4 promoters, 4 detractors of 8
    assert "<dt>Mediaani</dt>" in html  # the staff page speaks Finnish by default
    assert "Vapaa teksti 1" in html  # staff see free texts, escaped
    assert "=HYPERLINK(&#34;http://evil.example&#34;)" in html
    assert 'name="by"' in html and 'value="organisation_type"' in html


async def test_results_breakdown_hides_groups_under_five(
    staff_client: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    seeded = await seed_campaign(clean_db["surveys"])
    page = await staff_client.get(
        f"/surveys/staff/campaigns/{seeded['campaign_id']}/results",
        params={"by": "organisation_type", "lang": "sv"},
    )
    assert page.status_code == 200, page.text
    assert "library (" in page.text
    assert "ngo" not in page.text  # two NGO responses: hidden
    assert "Piilotetut ryhmät (alle 5 vastausta): 1" in page.text
    assert '<title id="g1-uses-chart-title">Använder ni tjänsten?</title>' in page.text


async def test_anonymous_results_offer_only_question_breakdowns(
    staff_client: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    seeded = await seed_campaign(clean_db["surveys"], mode="anonymous")
    page = await staff_client.get(f"/surveys/staff/campaigns/{seeded['campaign_id']}/results")
    assert page.status_code == 200
    assert 'value="organisation_type"' not in page.text
    assert 'value="q:uses"' in page.text


async def test_survey_page_lists_questions_previews_and_campaign_rates(
    staff_client: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    seeded = await seed_campaign(clean_db["surveys"])
    listing = await staff_client.get("/surveys/staff/surveys")
    assert listing.status_code == 200
    assert f'href="/surveys/staff/surveys/{seeded["survey_id"]}"' in listing.text

    page = await staff_client.get(f"/surveys/staff/surveys/{seeded['survey_id']}?lang=sv")
    assert page.status_code == 200, page.text
    assert "Använder ni tjänsten?" in page.text
    for lang in ("fi", "sv", "en"):
        assert f'/surveys/staff/surveys/{seeded["survey_id"]}/preview?lang={lang}"' in page.text
    assert f'/surveys/staff/campaigns/{seeded["campaign_id"]}/results"' in page.text
    assert "<td>10</td>" in page.text and "<td>8</td>" in page.text  # invited, answered
    assert "80 %" in page.text

    preview = await staff_client.get(
        f"/surveys/staff/surveys/{seeded['survey_id']}/preview", params={"lang": "sv"}
    )
    assert preview.status_code == 200, preview.text
    assert "<fieldset" in preview.text and "Använder ni tjänsten?" in preview.text


async def test_staff_pages_need_a_signed_in_staff_member(
    staff_client: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    seeded = await seed_campaign(clean_db["surveys"])
    for path in (
        "/surveys/staff/surveys",
        f"/surveys/staff/campaigns/{seeded['campaign_id']}/results",
        f"/surveys/staff/campaigns/{seeded['campaign_id']}/responses.xlsx",
        f"/surveys/staff/campaigns/{seeded['campaign_id']}/open-data.csv",
    ):
        anonymous = await staff_client.get(path, headers={"X-Staff-Id": "", "X-Staff-Role": ""})
        assert anonymous.status_code == 401, path
