"""A survey campaign's page before and after launch: audience and language checks, the
invitation per language (own texts, greeting by name, dates in the recipient's locale), a
test send, placeholder questions refused, reminders now and by the hour, close, extend."""

from __future__ import annotations

import json
import re
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.tables import campaigns, invitations, outbox

from tests.support.staff import SESSION_CSRF as CSRF
from tests.support.surveys import SURVEY, add_people, person

# surveys_editor is an editor without an address; here she has one (the test-send form
# offers it), so every request says so.
EEVA = {"X-Staff-Email": "eeva@digituki.example"}
# Finnish and Swedish texts everywhere, English nowhere in the questions.
BILINGUAL: dict[str, Any] = {
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
                }
            ]
        }
    ],
}


async def post(client: httpx.AsyncClient, url: str, **data: Any) -> httpx.Response:
    return await client.post(url, data={"csrf_token": CSRF, **data}, headers=EEVA)


async def campaign_of(
    client: httpx.AsyncClient, definition: dict[str, Any], *, opens_in: timedelta = timedelta(0)
) -> str:
    made = await client.post(
        "/api/surveys/surveys",
        json={"definition": definition},
        headers={"X-CSRF-Token": CSRF} | EEVA,
    )
    assert made.status_code == 201, made.text
    now = datetime.now(UTC)
    campaign = await client.post(
        "/api/surveys/campaigns",
        json={
            "survey_id": made.json()["id"],
            "name": "Syksy",
            "opens_at": (now + opens_in - timedelta(minutes=1)).isoformat(),
            "closes_at": datetime(2026, 12, 3, 20, tzinfo=UTC).isoformat()
            if now < datetime(2026, 12, 3, 20, tzinfo=UTC)
            else (now + timedelta(days=3)).isoformat(),
            "audience": {"all": []},
            "max_reminders": 2,
            "reminder_interval_hours": 6,
        },
        headers={"X-CSRF-Token": CSRF} | EEVA,
    )
    assert campaign.status_code == 201, campaign.text
    return str(campaign.json()["id"])


async def mails(engine: AsyncEngine) -> list[dict[str, Any]]:
    async with engine.connect() as conn:
        rows = (
            await conn.execute(
                select(outbox.c.payload).where(outbox.c.topic.like("%mail.requested%"))
            )
        ).all()
    return [json.loads(r.payload) for r in rows]


async def test_before_launch_the_page_counts_the_audience_warns_of_missing_languages_and_previews(
    surveys_editor: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    engine = clean_db["surveys"]
    people = [person(language="fi") for _ in range(3)] + [person(language="en") for _ in range(2)]
    await add_people(engine, [*people, person(language="sv", survey_consent=False)])
    campaign_id = await campaign_of(surveys_editor, BILINGUAL)
    page = await surveys_editor.get(
        f"/surveys/staff/campaigns/{campaign_id}", headers={"Cookie": "dt_lang=en"} | EEVA
    )
    assert page.status_code == 200, page.text
    html = page.text
    assert "Invited at launch: 5 people" in html  # the one without consent is not counted
    assert "Recipients whose language is English: 2. The survey has no complete English" in html
    assert "They will get the invitation and the questions in Finnish." in html
    assert 'id="language-warning-sv"' not in html  # nobody reachable speaks Swedish here
    # The invitation in each language, greeting a sample recipient, dates in their locale.
    assert "Hei Maija," in html and "Hej Maja," in html and "Hello Mary," in html
    assert re.search(r"Kysely sulkeutuu \d{1,2}\.\d{1,2}\.20\d\d\.", html)
    assert re.search(r"Enkäten stänger \d{1,2}\.\d{1,2}\.20\d\d\.", html)
    assert re.search(r"It closes on \d{1,2} [A-Z][a-z]+ 20\d\d\.", html)


async def test_own_invitation_texts_and_a_test_send_say_to_whom_and_reach_the_outbox(
    surveys_editor: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    engine = clean_db["surveys"]
    campaign_id = await campaign_of(surveys_editor, BILINGUAL)
    saved = await post(
        surveys_editor,
        f"/surveys/staff/campaigns/{campaign_id}/invitation",
        subject_sv="Hjälp oss: {survey}",
        body_sv="Vi vill höra dig.\n\nSvara senast {closes}.",
    )
    assert saved.status_code == 303 and saved.headers["location"].endswith("done=invitation")
    page = await surveys_editor.get(saved.headers["location"], headers=EEVA)
    assert "Kutsun tekstit tallennettiin." in page.text
    assert "Hjälp oss: Stödbehov" in page.text and "Vi vill höra dig." in page.text

    sent = await post(
        surveys_editor,
        f"/surveys/staff/campaigns/{campaign_id}/test-send",
        test_email="tester@digituki.example",
        test_language="sv",
    )
    assert sent.status_code == 200, sent.text
    assert "Testikutsu (SV) lähetettiin osoitteeseen tester@digituki.example." in sent.text
    [mail] = await mails(engine)
    assert mail["to_email"] == "tester@digituki.example" and mail["language"] == "sv"
    assert mail["variables"]["subject"] == "Hjälp oss: Stödbehov"
    assert mail["variables"]["greeting"] == "Hej,"  # no name for a test address
    assert mail["variables"]["paragraphs"][0] == "Vi vill höra dig."
    assert "/preview?lang=sv" in mail["variables"]["survey_url"]  # no personal link

    bad = await post(
        surveys_editor,
        f"/surveys/staff/campaigns/{campaign_id}/test-send",
        test_email="not an address",
    )
    assert bad.status_code == 422 and 'href="#test_email"' in bad.text


async def test_launch_greets_by_name_in_the_recipients_language_or_the_surveys(
    surveys_editor: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    engine = clean_db["surveys"]
    await add_people(
        engine,
        [
            person(language="sv", first_name="Stina"),
            person(language="en", first_name=None),
        ],
    )
    campaign_id = await campaign_of(surveys_editor, BILINGUAL)
    launched = await post(surveys_editor, f"/surveys/staff/campaigns/{campaign_id}/launch")
    assert launched.status_code == 303, launched.text
    by_language = {m["language"]: m for m in await mails(engine)}
    assert by_language["sv"]["variables"]["greeting"] == "Hej Stina,"
    # No English texts in the survey: the English speaker is asked in Finnish, greeted plainly.
    assert by_language["fi"]["variables"]["greeting"] == "Hei,"


async def test_a_placeholder_question_is_refused_at_launch_by_its_name(
    surveys_editor: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    unfinished = json.loads(json.dumps(BILINGUAL))
    unfinished["pages"][0]["questions"].append(
        {"id": "q2", "type": "short_text", "text": {"fi": "Uusi kysymys", "en": "New question"}}
    )
    campaign_id = await campaign_of(surveys_editor, unfinished)
    page = await surveys_editor.get(f"/surveys/staff/campaigns/{campaign_id}", headers=EEVA)
    assert 'id="unfinished-questions"' in page.text
    refused = await post(surveys_editor, f"/surveys/staff/campaigns/{campaign_id}/launch")
    assert refused.status_code == 409
    assert "Kysymystä 2 ”Uusi kysymys” ei ole vielä kirjoitettu" in refused.text
    api = await surveys_editor.post(
        f"/api/surveys/campaigns/{campaign_id}/launch", headers={"X-CSRF-Token": CSRF} | EEVA
    )
    assert api.status_code == 409 and "Question 2" in api.text
    assert await mails(clean_db["surveys"]) == []


async def test_a_running_campaign_reminds_now_shows_the_next_reminder_closes_and_reopens(
    surveys_editor: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    engine = clean_db["surveys"]
    await add_people(engine, [person() for _ in range(3)])
    campaign_id = await campaign_of(surveys_editor, SURVEY)
    assert (
        await post(surveys_editor, f"/surveys/staff/campaigns/{campaign_id}/launch")
    ).status_code == 303
    cid = uuid.UUID(campaign_id)
    async with engine.begin() as conn:
        rows = (
            await conn.execute(select(invitations.c.id).where(invitations.c.campaign_id == cid))
        ).all()
        await conn.execute(
            update(invitations).where(invitations.c.id == rows[0].id).values(answered=True)
        )
        # Mailed two hours ago: the hourly guard lets the manual reminder through.
        await conn.execute(
            update(invitations)
            .where(invitations.c.campaign_id == cid)
            .values(last_mailed_at=datetime.now(UTC) - timedelta(hours=2))
        )
    page = await surveys_editor.get(f"/surveys/staff/campaigns/{campaign_id}", headers=EEVA)
    assert "Seuraava ajastettu muistutus" in page.text and "6 tunnin välein" in page.text

    reminded = await post(surveys_editor, f"/surveys/staff/campaigns/{campaign_id}/remind")
    assert reminded.status_code == 303
    assert reminded.headers["location"].endswith("done=reminded&n=2")
    shown = await surveys_editor.get(reminded.headers["location"], headers=EEVA)
    assert "Muistutus lähetettiin 2 henkilölle" in shown.text
    again = await post(surveys_editor, f"/surveys/staff/campaigns/{campaign_id}/remind")
    assert again.headers["location"].endswith("n=0")  # a double click sends nothing twice
    templates = [m["template_key"] for m in await mails(engine)]
    assert templates.count("survey_reminder") == 2

    schedule = await post(
        surveys_editor,
        f"/surveys/staff/campaigns/{campaign_id}/reminders",
        max_reminders="3",
        interval="12",
        interval_unit="hours",
    )
    assert schedule.status_code == 303, schedule.text
    async with engine.connect() as conn:
        row = (await conn.execute(select(campaigns).where(campaigns.c.id == cid))).one()
    assert row.reminder_interval == timedelta(hours=12) and row.max_reminders == 3
    too_often = await post(
        surveys_editor,
        f"/surveys/staff/campaigns/{campaign_id}/reminders",
        max_reminders="1",
        interval="0.5",
        interval_unit="hours",
    )
    assert too_often.status_code == 422 and 'href="#interval"' in too_often.text

    closed = await post(surveys_editor, f"/surveys/staff/campaigns/{campaign_id}/close")
    assert closed.status_code == 303
    async with engine.connect() as conn:
        closes_at = (
            await conn.execute(select(campaigns.c.closes_at).where(campaigns.c.id == cid))
        ).scalar_one()
    assert closes_at <= datetime.now(UTC)
    twice = await post(surveys_editor, f"/surveys/staff/campaigns/{campaign_id}/close")
    assert twice.status_code == 409

    later = (datetime.now(UTC) + timedelta(days=10)).astimezone().strftime("%Y-%m-%dT%H:%M")
    extended = await post(
        surveys_editor, f"/surveys/staff/campaigns/{campaign_id}/closing", closes_at=later
    )
    assert extended.status_code == 303, extended.text
    past = await post(
        surveys_editor,
        f"/surveys/staff/campaigns/{campaign_id}/closing",
        closes_at="2020-01-01T09:00",
    )
    assert past.status_code == 422 and "closes_at" in past.text
    status = (
        await surveys_editor.get(f"/api/surveys/campaigns/{campaign_id}", headers=EEVA)
    ).json()
    assert status["state"] == "open"


async def test_campaign_operations_are_audited_and_refused_to_viewers(
    surveys_editor: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    campaign_id = await campaign_of(surveys_editor, SURVEY)
    viewer = {"X-Staff-Role": "viewer"} | EEVA
    for action in ("remind", "close", "closing", "reminders", "invitation", "test-send"):
        refused = await surveys_editor.post(
            f"/surveys/staff/campaigns/{campaign_id}/{action}",
            data={"csrf_token": CSRF},
            headers=viewer,
        )
        assert refused.status_code == 403, action
    await post(
        surveys_editor, f"/surveys/staff/campaigns/{campaign_id}/invitation", body_fi="Tervetuloa"
    )
    async with clean_db["surveys"].connect() as conn:
        topics = (await conn.execute(select(outbox.c.payload, outbox.c.topic))).all()
    actions = [json.loads(r.payload)["action"] for r in topics if "audit" in r.topic]
    assert "campaign.invitation_changed" in actions


async def test_a_partly_translated_language_is_kept_and_warned_about(
    surveys_editor: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    engine = clean_db["surveys"]
    await add_people(engine, [person(language="sv", first_name="Stina")])
    campaign_id = await campaign_of(
        surveys_editor, SURVEY
    )  # one question is written in Finnish only
    page = await surveys_editor.get(f"/surveys/staff/campaigns/{campaign_id}", headers=EEVA)
    assert 'id="language-incomplete-sv"' in page.text
    assert 'id="language-warning-sv"' not in page.text
    assert "He näkevät nämä tekstit kielellä suomi." in page.text
    await post(surveys_editor, f"/surveys/staff/campaigns/{campaign_id}/launch")
    [mail] = await mails(engine)
    assert mail["language"] == "sv" and mail["variables"]["greeting"] == "Hej Stina,"


async def test_the_api_offers_the_same_operations(
    surveys_editor: httpx.AsyncClient, clean_db: dict[str, AsyncEngine]
) -> None:
    await add_people(clean_db["surveys"], [person(language="en")])
    campaign_id = await campaign_of(surveys_editor, BILINGUAL)
    api = f"/api/surveys/campaigns/{campaign_id}"
    headers = {"X-CSRF-Token": CSRF} | EEVA
    check = (await surveys_editor.get(f"{api}/launch-check", headers=EEVA)).json()
    assert check["audience"] == 1 and check["missing"][0]["language"] == "en"
    assert check["previews"]["sv"]["greeting"] == "Hej Maja,"
    texts = await surveys_editor.put(
        f"{api}/invitation", json={"subject": {"en": "Help: {survey}"}}, headers=headers
    )
    assert texts.status_code == 200 and texts.json()["invitation"] == {
        "en": {"subject": "Help: {survey}"}
    }
    sent = await surveys_editor.post(
        f"{api}/test-send",
        json={"to_email": "t@digituki.example", "language": "en"},
        headers=headers,
    )
    assert sent.json() == {"sent_to": "t@digituki.example", "language": "en"}
    assert (await surveys_editor.post(f"{api}/launch", headers=headers)).status_code == 200
    schedule = await surveys_editor.put(
        f"{api}/reminders", json={"max_reminders": 2, "interval_hours": 3}, headers=headers
    )
    assert schedule.json() == {"max_reminders": 2, "interval_hours": 3.0}
    assert (await surveys_editor.post(f"{api}/remind", headers=headers)).json() == {"reminded": 0}
    assert (await surveys_editor.post(f"{api}/close", headers=headers)).status_code == 200
    later = (datetime.now(UTC) + timedelta(days=2)).isoformat()
    reopened = await surveys_editor.put(
        f"{api}/closing", json={"closes_at": later}, headers=headers
    )
    assert reopened.status_code == 200, reopened.text
