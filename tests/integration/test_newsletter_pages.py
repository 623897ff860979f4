"""Staff campaign pages: list, details with previews, "send now" with confirmation and CSRF."""

from __future__ import annotations

import uuid

import httpx
from newsletter.campaigns.service import create_campaign
from newsletter.tables import campaigns
from newsletter.unit_of_work import SqlUnitOfWork
from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncEngine

from shared.web.staff import Staff

EDITOR = {"X-Staff-Id": "e1", "X-Staff-Role": "editor", "X-Staff-Csrf": "tok"}
VIEWER = {"X-Staff-Id": "v1", "X-Staff-Role": "viewer", "X-Staff-Csrf": "tok"}


async def draft(db: AsyncEngine) -> uuid.UUID:
    async with SqlUnitOfWork(db, b"") as uow:
        return await create_campaign(
            uow,
            staff=Staff(id="e1", role="editor"),
            name="Marraskuu <2026>",
            content={
                "fi": {
                    "subject": "Hei {{ first_name }}",
                    "blocks": [{"type": "text", "text": "x"}],
                },
                "en": {
                    "subject": "Hi {{ first_name }}",
                    "blocks": [{"type": "text", "text": "y"}],
                },
            },
            default_language="fi",
            topics=[],
            topical=False,
            tracking=True,
            audience={"all": []},
        )


async def status_of(db: AsyncEngine, campaign_id: uuid.UUID) -> str:
    async with db.connect() as conn:
        stmt = select(campaigns.c.status).where(campaigns.c.id == campaign_id)
        return str((await conn.execute(stmt)).scalar_one())


async def test_staff_see_campaigns_details_and_same_origin_previews(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    campaign_id = await draft(db)
    listing = await newsletter_web.get("/newsletter/staff/campaigns", headers=VIEWER)
    assert listing.status_code == 200
    assert "Marraskuu &lt;2026&gt;" in listing.text
    assert f"/newsletter/staff/campaigns/{campaign_id}" in listing.text
    details = await newsletter_web.get(f"/newsletter/staff/campaigns/{campaign_id}", headers=VIEWER)
    assert details.status_code == 200
    for lang in ("fi", "en"):
        assert f"/newsletter/staff/campaigns/{campaign_id}/preview?lang={lang}" in details.text
    assert "/send" not in details.text  # a viewer gets no send form
    preview = await newsletter_web.get(
        f"/newsletter/staff/campaigns/{campaign_id}/preview?lang=en", headers=VIEWER
    )
    assert preview.status_code == 200 and "Hi Aino" in preview.text
    assert "frame-ancestors 'self'" in preview.headers["content-security-policy"]
    assert (await newsletter_web.get("/newsletter/staff/campaigns")).status_code == 401


async def test_send_now_needs_an_editor_csrf_and_a_confirmation(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    campaign_id = await draft(db)
    url = f"/newsletter/staff/campaigns/{campaign_id}/send"
    form = {"csrf_token": "tok", "confirm": "yes"}
    assert "/send" in (await newsletter_web.get(url.removesuffix("/send"), headers=EDITOR)).text
    assert (await newsletter_web.post(url, data=form, headers=VIEWER)).status_code == 403
    forged = await newsletter_web.post(url, data={**form, "csrf_token": "other"}, headers=EDITOR)
    assert forged.status_code == 403
    unconfirmed = await newsletter_web.post(url, data={"csrf_token": "tok"}, headers=EDITOR)
    assert unconfirmed.status_code == 422 and 'href="#confirm"' in unconfirmed.text
    assert await status_of(db, campaign_id) == "draft"

    sent = await newsletter_web.post(url, data=form, headers=EDITOR, follow_redirects=False)
    assert sent.status_code == 303
    assert await status_of(db, campaign_id) == "sending"
    again = await newsletter_web.post(url, data=form, headers=EDITOR)
    assert again.status_code == 409
