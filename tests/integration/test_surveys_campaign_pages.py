"""Survey campaign staff pages: audience from replica segments, launch, rates by segment."""

from __future__ import annotations

import re
import uuid
from datetime import UTC, datetime

import httpx
from sqlalchemy import insert, update
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.tables import invitations, segments

from tests.support.staff import SESSION_CSRF as CSRF
from tests.support.surveys import SURVEY, add_people, person

LIBRARIES, NGOS = uuid.uuid4(), uuid.uuid4()


async def seed(engine: AsyncEngine) -> None:
    people = [person() for _ in range(6)] + [person(organisation_type="ngo") for _ in range(2)]
    await add_people(engine, people)
    async with engine.begin() as conn:
        await conn.execute(
            insert(segments),
            [
                {
                    "segment_id": sid,
                    "version": 1,
                    "name": name,
                    "rule": {"field": "organisation_type", "op": "eq", "value": kind},
                }
                for sid, name, kind in (
                    (LIBRARIES, "Kirjastot", "library"),
                    (NGOS, "Järjestöt", "ngo"),
                )
            ],
        )


async def new_survey(client: httpx.AsyncClient) -> str:
    created = await client.post(
        "/api/surveys/surveys", json={"definition": SURVEY}, headers={"X-CSRF-Token": CSRF}
    )
    assert created.status_code == 201, created.text
    return str(created.json()["id"])


def campaign_form(**overrides: str) -> dict[str, str]:
    return {
        "csrf_token": CSRF,
        "name": "Syksy 2026",
        "mode": "identified",
        "opens_at": "2026-01-01T09:00",
        "closes_at": "2099-01-01T09:00",
        "max_reminders": "2",
        "reminder_interval_days": "7",
    } | overrides


async def test_campaign_from_segments_launches_and_shows_rates_by_segment(
    surveys_editor: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    engine = clean_db["surveys"]
    await seed(engine)
    survey_id = await new_survey(surveys_editor)
    form = await surveys_editor.get(f"/surveys/staff/surveys/{survey_id}/campaigns/new")
    assert form.status_code == 200, form.text
    assert "Kirjastot" in form.text and "Järjestöt" in form.text

    data = campaign_form()
    made = await surveys_editor.post(
        f"/surveys/staff/surveys/{survey_id}/campaigns/new",
        data={**data, "segments": [str(LIBRARIES), str(NGOS)]},
    )
    assert made.status_code == 303, made.text
    found = re.fullmatch(r"/surveys/staff/campaigns/([0-9a-f-]+)", made.headers["location"])
    assert found
    campaign_id = found.group(1)
    stored = (await surveys_editor.get(f"/api/surveys/campaigns/{campaign_id}")).json()
    assert stored["opens_at"] == "2026-01-01T07:00:00+00:00"  # 09:00 Finnish time
    assert stored["max_reminders"] == 2

    page = await surveys_editor.get(f"/surveys/staff/campaigns/{campaign_id}")
    assert page.status_code == 200 and f"/surveys/staff/campaigns/{campaign_id}/launch" in page.text
    launched = await surveys_editor.post(
        f"/surveys/staff/campaigns/{campaign_id}/launch", data={"csrf_token": CSRF}
    )
    assert launched.status_code == 303, launched.text

    async with engine.begin() as conn:
        rows = (
            await conn.execute(
                invitations.select().where(invitations.c.campaign_id == uuid.UUID(campaign_id))
            )
        ).all()
        assert len(rows) == 8
        libraries = [r.id for r in rows if r.segment_ids == [LIBRARIES]]
        assert len(libraries) == 6
        await conn.execute(
            update(invitations).where(invitations.c.id.in_(libraries[:3])).values(answered=True)
        )
        await conn.execute(
            update(invitations)
            .where(invitations.c.id == libraries[5])
            .values(mail_status="bounced", mail_status_at=datetime.now(UTC))
        )
    page = await surveys_editor.get(f"/surveys/staff/campaigns/{campaign_id}")
    html = page.text
    assert "<td>8</td><td>0</td><td>1</td><td>3</td>" in html  # invited, delivered, bounced
    assert '<th scope="row">Kirjastot</th><td>6</td><td>3</td><td>50 %</td>' in html
    assert "Järjestöt</th>" not in html  # two invited: hidden
    assert "Piilotetut segmentit (alle 5 kutsuttua): 1" in html  # staff pages default to Finnish
    again = await surveys_editor.post(
        f"/surveys/staff/campaigns/{campaign_id}/launch", data={"csrf_token": CSRF}
    )
    assert again.status_code == 409  # launched once only


async def test_campaign_form_errors_are_summarised_and_keep_the_input(
    surveys_editor: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    await seed(clean_db["surveys"])
    survey_id = await new_survey(surveys_editor)
    url = f"/surveys/staff/surveys/{survey_id}/campaigns/new"
    no_audience = await surveys_editor.post(url, data=campaign_form(name="Ilman yleisöä"))
    assert no_audience.status_code == 422
    assert 'href="#segments-first"' in no_audience.text
    assert 'value="Ilman yleisöä"' in no_audience.text
    backwards = await surveys_editor.post(
        url,
        data={**campaign_form(closes_at="2025-01-01T09:00"), "segments": [str(LIBRARIES)]},
    )
    assert backwards.status_code == 422 and 'href="#closes_at"' in backwards.text
    forged = await surveys_editor.post(url, data={**campaign_form(), "csrf_token": "wrong"})
    assert forged.status_code == 403


async def test_a_segments_page_leads_through_the_survey_list_to_a_campaign_for_it(
    clean_db: dict[str, AsyncEngine], surveys_editor: httpx.AsyncClient
) -> None:
    await seed(clean_db["surveys"])
    survey_id = await new_survey(surveys_editor)
    listed = await surveys_editor.get(f"/surveys/staff/surveys?segment={NGOS}")
    assert listed.status_code == 200, listed.text
    link = f"/surveys/staff/surveys/{survey_id}/campaigns/new?segment={NGOS}"
    assert f'href="{link}"' in listed.text
    page = await surveys_editor.get(link)
    assert page.status_code == 200, page.text
    assert f'value="{NGOS}" checked' in page.text
    assert f'value="{LIBRARIES}" checked' not in page.text
    assert "?segment=" not in (await surveys_editor.get("/surveys/staff/surveys")).text
