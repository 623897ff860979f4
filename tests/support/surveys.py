"""Helpers for the surveys tests: a survey, replica people, the web app, mail requests."""

from __future__ import annotations

import re
import uuid
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import insert
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.app import create_app
from surveys.tables import contact_snapshot

from tests.support.infra import Infra
from tests.support.kafka_topics import read_topic
from tests.support.polling import eventually
from tests.support.staff import STAFF_HEADERS

SURVEY: dict[str, Any] = {
    "title": {"fi": "Tukitarpeet 2026", "sv": "Stödbehov 2026", "en": "Support needs 2026"},
    "thanks": {"fi": "Kiitos!", "sv": "Tack!"},
    "pages": [
        {
            "questions": [
                {
                    "id": "uses",
                    "type": "single",
                    "required": True,
                    "text": {"fi": "Käytättekö palvelua?", "sv": "Använder ni tjänsten?"},
                    "choices": [
                        {"value": "yes", "text": {"fi": "Kyllä", "sv": "Ja"}},
                        {"value": "no", "text": {"fi": "Ei", "sv": "Nej"}},
                    ],
                }
            ]
        },
        {
            "questions": [
                {
                    "id": "why_not",
                    "type": "long_text",
                    "required": True,
                    "text": {"fi": "Miksi ei?", "sv": "Varför inte?"},
                    "show_if": {"question": "uses", "op": "eq", "value": "no"},
                },
                {"id": "recommend", "type": "nps", "required": True, "text": "Suosittelisitko?"},
            ]
        },
    ],
}


def person(**overrides: Any) -> dict[str, Any]:
    contact_id = uuid.uuid4()
    row = {
        "contact_id": contact_id,
        "version": 1,
        "email": f"{contact_id.hex[:8]}@kirjasto.example",
        "first_name": "Testi",
        "last_name": "Henkilö",
        "language": "fi",
        "organisation_type": "library",
        "region": "01",
        "survey_consent": True,
        "confirmed_at": datetime(2026, 1, 1, tzinfo=UTC),
        "email_status": "ok",
    }
    return row | overrides


async def add_people(engine: AsyncEngine, rows: list[dict[str, Any]]) -> None:
    async with engine.begin() as conn:
        await conn.execute(insert(contact_snapshot), rows)


@asynccontextmanager
async def surveys_client() -> AsyncIterator[httpx.AsyncClient]:
    """Surveys' web app in process, called as the proxy would (staff headers set)."""
    app = create_app()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(
            transport=httpx.ASGITransport(app=app),
            base_url="http://surveys",
            headers=STAFF_HEADERS,
        ) as client,
    ):
        yield client


async def start_campaign(
    api: httpx.AsyncClient,
    *,
    mode: str = "identified",
    survey: dict[str, Any] | None = None,
    audience: dict[str, Any] | None = None,
    opens_in: timedelta = timedelta(hours=-1),
    max_reminders: int = 1,
) -> tuple[str, int]:
    created = await api.post("/api/surveys/surveys", json={"definition": survey or SURVEY})
    assert created.status_code == 201, created.text
    now = datetime.now(UTC)
    campaign = await api.post(
        "/api/surveys/campaigns",
        json={
            "survey_id": created.json()["id"],
            "name": "Kevät 2026",
            "mode": mode,
            "opens_at": (now + opens_in).isoformat(),
            "closes_at": (now + timedelta(days=30)).isoformat(),
            "audience": audience or {"all": []},
            "max_reminders": max_reminders,
            "reminder_interval_days": 1,
        },
    )
    assert campaign.status_code == 201, campaign.text
    campaign_id = campaign.json()["id"]
    launched = await api.post(f"/api/surveys/campaigns/{campaign_id}/launch")
    assert launched.status_code == 200, launched.text
    return campaign_id, launched.json()["invited"]


async def mails_of(infra: Infra, topics: str, campaign_id: str, count: int) -> list[dict[str, Any]]:
    async def probe() -> list[dict[str, Any]]:
        records = await read_topic(infra.kafka, f"{topics}mail.requested.v1")
        return [v for h, v in records if h.get("ce_subject") == campaign_id]

    return await eventually(probe, lambda m: len(m) >= count, what=f"{count} mail requests")


def token_of(mail: dict[str, Any]) -> str:
    found = re.search(r"/s/([^/?#]+)$", mail["variables"]["survey_url"])
    assert found, mail
    return found.group(1)


async def answer_all(api: httpx.AsyncClient, token: str, uses: str = "yes") -> httpx.Response:
    first = await api.post(f"/s/{token}", data={"page": "0", "action": "next", "q_uses": uses})
    assert first.status_code == 303, first.text
    form = {"page": "1", "action": "submit", "q_recommend": "9"}
    if uses == "no":
        form["q_why_not"] = "Ei tarvetta"
    return await api.post(f"/s/{token}", data=form)
