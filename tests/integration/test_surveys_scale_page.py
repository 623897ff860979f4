"""The response page: scale and NPS points as a row of native radios (CSS lays them out),
and a failed submit puts the error summary first in the page, focused."""

from __future__ import annotations

import json
import re
from typing import Any

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.tables import outbox

from tests.support.surveys import add_people, person, start_campaign, surveys_client

SCALED: dict[str, Any] = {
    "title": {"fi": "Tyytyväisyys", "sv": "Nöjdhet", "en": "Satisfaction"},
    "pages": [
        {
            "questions": [
                {
                    "id": "how",
                    "type": "scale",
                    "required": True,
                    "text": {"fi": "Kuinka tyytyväinen?", "sv": "Hur nöjd?", "en": "How happy?"},
                    "min_label": {"fi": "Huono", "sv": "Dålig", "en": "Poor"},
                    "max_label": {"fi": "Hyvä", "sv": "Bra", "en": "Good"},
                },
                {
                    "id": "nps",
                    "type": "nps",
                    "text": {"fi": "Suosittelisitko?", "sv": "Rekommendera?", "en": "Recommend?"},
                },
                {"id": "note", "type": "short_text", "text": {"fi": "Vain suomeksi"}},
            ]
        }
    ],
}


async def test_scale_points_are_native_radios_and_errors_are_summarised_first_with_focus(
    clean_db: dict[str, AsyncEngine],
) -> None:
    engine = clean_db["surveys"]
    await add_people(engine, [person(language="sv")])
    async with surveys_client() as api:
        await start_campaign(api, survey=SCALED)
        async with engine.connect() as conn:
            payload = (
                await conn.execute(
                    select(outbox.c.payload).where(outbox.c.topic.like("%mail.requested%"))
                )
            ).scalar_one()
        url = json.loads(payload)["variables"]["survey_url"]
        token = re.search(r"/s/([0-9a-f]+)$", url).group(1)  # type: ignore[union-attr]
        page = await api.get(f"/s/{token}")
        assert page.status_code == 200
        html = page.text
        assert html.count('<div class="scale-points">') == 1
        assert html.count('<div class="scale-points nps">') == 1
        assert html.count('type="radio" id="q_how_') == 5 and html.count('id="q_nps_') == 11
        assert '1<span class="visually-hidden"> Dålig</span>' in html  # the end labels read out
        assert "error-summary" not in html
        assert '<span lang="fi">Vain suomeksi</span>' in html  # a fallback says its language
        english = await api.get(f"/s/{token}?lang=en")
        assert '<html lang="en">' in english.text and "How happy?" in english.text

        failed = await api.post(f"/s/{token}", data={"page": "0", "action": "submit"})
        assert failed.status_code == 422
        html = failed.text
        summary = html.index('id="error-summary"')
        assert summary < html.index("<h1>")
        assert "autofocus" in html[summary - 150 : summary + 80]
        assert '<script src="/static/error_focus.js" defer></script>' in html
        assert 'href="#q_how_0"' in html
