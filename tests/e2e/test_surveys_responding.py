"""The response page /s/{token}: bad links, one submission, conditions, drafts, the builder."""

from __future__ import annotations

import asyncio
import copy
import re
import time
from datetime import timedelta

import httpx
import pytest
from itsdangerous import TimestampSigner, URLSafeTimedSerializer
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine
from surveys.invitations.domain import PURPOSE, make_signed_token

from shared.tokens import TokenKeys
from tests.conftest import TEST_SECRET
from tests.e2e.conftest import Workers
from tests.support.infra import Infra
from tests.support.surveys import (
    SURVEY,
    add_people,
    answer_all,
    mails_of,
    person,
    start_campaign,
    token_of,
)

# Only surveys' database is emptied between tests (newsletter's worker may still be busy).
pytestmark = pytest.mark.empties("surveys")


class _OldSigner(TimestampSigner):
    """Signs as if 1,000 days ago (links live 400 days)."""

    def get_timestamp(self) -> int:
        return int(time.time()) - 1000 * 86_400


async def one_link(
    api: httpx.AsyncClient, infra: Infra, topics: str, engine: AsyncEngine, **kw: object
) -> tuple[str, str]:
    """A campaign to one new person (the audience is their address): (campaign id, token)."""
    someone = person()
    await add_people(engine, [someone])
    audience = {"field": "email", "op": "eq", "value": someone["email"]}
    campaign_id, _ = await start_campaign(api, audience=audience, **kw)  # type: ignore[arg-type]
    (mail,) = await mails_of(infra, topics, campaign_id, 1)
    return campaign_id, token_of(mail)


async def test_forged_expired_used_unopened_and_closed_links_get_clear_pages(
    workers: Workers,
    infra: Infra,
    topics: str,
    surveys_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    campaign_id, token = await one_link(surveys_api, infra, topics, clean_db["surveys"])
    assert (await surveys_api.get(f"/s/{token[:-3]}abc")).status_code == 404  # opaque: unknown
    async with clean_db["surveys"].connect() as conn:
        invitation_id = (await conn.execute(text("SELECT id FROM invitations"))).scalar_one()
    # Links mailed before opaque tokens: signed, with the invitation id (and an age).
    signed = make_signed_token(TokenKeys.single(TEST_SECRET), invitation_id, token)
    key_id, _, body = signed.partition(".")
    forged = f"{key_id}.{body[:-3]}abc"
    assert (await surveys_api.get(f"/s/{forged}")).status_code == 404
    assert (await surveys_api.get("/s/nonsense")).status_code == 404
    payload = URLSafeTimedSerializer(TEST_SECRET, salt=f"digituki:{PURPOSE}").loads(body)
    old = URLSafeTimedSerializer(TEST_SECRET, salt=f"digituki:{PURPOSE}", signer=_OldSigner)
    expired = f"k1.{old.dumps(payload)}"
    page = await surveys_api.get(f"/s/{expired}")
    assert page.status_code == 410 and "vanhentunut" in page.text

    assert (await answer_all(surveys_api, token)).status_code == 303
    used = await surveys_api.get(f"/s/{token}")
    assert used.status_code == 409 and "Olet jo vastannut" in used.text
    again = await surveys_api.post(f"/s/{token}", data={"page": "1", "action": "submit"})
    assert again.status_code == 409

    async with clean_db["surveys"].begin() as conn:
        await conn.execute(
            text("UPDATE campaigns SET closes_at = now() - interval '1 minute' WHERE id = :id"),
            {"id": campaign_id},
        )
    assert (await surveys_api.get(f"/s/{token}")).status_code == 410

    _, later = await one_link(
        surveys_api, infra, topics, clean_db["surveys"], opens_in=timedelta(days=2)
    )
    assert (await surveys_api.get(f"/s/{later}?lang=en")).status_code == 403


async def test_double_submit_counts_once(
    workers: Workers,
    infra: Infra,
    topics: str,
    surveys_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    _, token = await one_link(surveys_api, infra, topics, clean_db["surveys"])
    first = await surveys_api.post(
        f"/s/{token}", data={"page": "0", "action": "next", "q_uses": "yes"}
    )
    assert first.status_code == 303
    form = {"page": "1", "action": "submit", "q_recommend": "10"}
    results = await asyncio.gather(*(surveys_api.post(f"/s/{token}", data=form) for _ in range(4)))
    assert sorted(r.status_code for r in results) == [303, 409, 409, 409]
    async with clean_db["surveys"].connect() as conn:
        count = (await conn.execute(text("SELECT count(*) FROM responses"))).scalar_one()
    assert count == 1


async def test_question_hidden_by_its_condition_is_not_required(
    workers: Workers,
    infra: Infra,
    topics: str,
    surveys_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    _, token = await one_link(surveys_api, infra, topics, clean_db["surveys"])
    await surveys_api.post(f"/s/{token}", data={"page": "0", "action": "next", "q_uses": "no"})
    page = await surveys_api.get(f"/s/{token}")
    assert "Miksi ei?" in page.text  # shown: its condition holds
    missing = await surveys_api.post(
        f"/s/{token}", data={"page": "1", "action": "submit", "q_recommend": "7"}
    )
    assert missing.status_code == 422
    assert 'class="error-summary"' in missing.text and 'href="#q_why_not"' in missing.text
    assert 'aria-invalid="true"' in missing.text and "q_why_not-error" in missing.text

    back = await surveys_api.post(
        f"/s/{token}", data={"page": "1", "action": "back", "q_recommend": "7"}
    )
    assert back.status_code == 303
    await surveys_api.post(f"/s/{token}", data={"page": "0", "action": "next", "q_uses": "yes"})
    page = await surveys_api.get(f"/s/{token}")
    assert "Miksi ei?" not in page.text  # hidden now, and so not required
    done = await surveys_api.post(
        f"/s/{token}", data={"page": "1", "action": "submit", "q_recommend": "7"}
    )
    assert done.status_code == 303


async def test_draft_resumes_from_the_same_link(
    workers: Workers,
    infra: Infra,
    topics: str,
    surveys_api: httpx.AsyncClient,
    clean_db: dict[str, AsyncEngine],
) -> None:
    _, token = await one_link(surveys_api, infra, topics, clean_db["surveys"])
    await surveys_api.post(f"/s/{token}", data={"page": "0", "action": "next", "q_uses": "no"})
    resumed = await surveys_api.get(f"/s/{token}")  # a new visit, no page in the address
    assert "Sivu 2/2" in resumed.text
    first = await surveys_api.get(f"/s/{token}?page=0")
    assert re.search(r'value="no"\s+checked>', first.text)
    ahead = await surveys_api.get(f"/s/{token}?page=5")
    assert "Sivu 2/2" in ahead.text


async def test_survey_builder_creates_changes_duplicates_exports_and_imports(
    surveys_api: httpx.AsyncClient,
) -> None:
    created = (await surveys_api.post("/api/surveys/surveys", json={"definition": SURVEY})).json()
    changed = copy.deepcopy(SURVEY)
    changed["title"]["en"] = "Needs"
    put = await surveys_api.put(
        f"/api/surveys/surveys/{created['id']}", json={"definition": changed}
    )
    assert put.status_code == 200 and put.json()["version"] == 2
    bad = copy.deepcopy(SURVEY)
    bad["pages"][1]["questions"][0]["show_if"]["question"] = "recommend"
    refused = await surveys_api.put(
        f"/api/surveys/surveys/{created['id']}", json={"definition": bad}
    )
    assert refused.status_code == 422
    assert refused.json()["field"] == "/pages/1/questions/0/show_if/question"
    copy_ = await surveys_api.post(f"/api/surveys/surveys/{created['id']}/duplicate")
    assert copy_.status_code == 201 and copy_.json()["id"] != created["id"]
    exported = (await surveys_api.get(f"/api/surveys/surveys/{created['id']}/export")).json()
    imported = await surveys_api.post("/api/surveys/surveys/import", json=exported)
    assert imported.status_code == 201
    assert imported.json()["definition"] == put.json()["definition"]
    viewer = {"X-Staff-Id": "v", "X-Staff-Role": "viewer"}
    denied = await surveys_api.post(
        "/api/surveys/surveys", json={"definition": SURVEY}, headers=viewer
    )
    assert denied.status_code == 403
    assert (
        await surveys_api.get(f"/api/surveys/surveys/{created['id']}", headers=viewer)
    ).status_code == 200
