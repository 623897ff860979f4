"""The media library on the real database: upload, public variants with cache headers, alt
texts edited on the staff page, and the composer refusing an image without sv alt text."""

from __future__ import annotations

import io
import uuid
from datetime import UTC, datetime
from typing import Any

import httpx
from newsletter.campaigns.domain import parse_content
from newsletter.mail.templates import MailTemplates
from newsletter.settings import NewsletterSettings
from newsletter.tables import campaigns, contact_snapshot, media_variants
from PIL import Image
from sqlalchemy import insert, select
from sqlalchemy.ext.asyncio import AsyncEngine

EDITOR = {"X-Staff-Id": "e1", "X-Staff-Role": "editor", "X-Staff-Csrf": "tok"}
VIEWER = {"X-Staff-Id": "v1", "X-Staff-Role": "viewer", "X-Staff-Csrf": "tok"}
API_EDITOR = {**EDITOR, "X-CSRF-Token": "tok"}  # the JSON API sends the token as a header
API = "/api/newsletter/media"
PAGE = "/newsletter/staff/media"


def png(width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), (10, 120, 200)).save(out, format="PNG")
    return out.getvalue()


async def upload(
    newsletter_web: httpx.AsyncClient, data: bytes, headers: dict[str, str], **alt: str
) -> Any:
    return await newsletter_web.post(
        API,
        files={"file": ("kahvi.png", data, "image/png")},
        data={"name": "Kahvikuppi", "csrf_token": "tok", **{f"alt-{k}": v for k, v in alt.items()}},
        headers={**headers, "X-CSRF-Token": "tok"},
    )


async def test_uploaded_image_is_served_in_variants_with_immutable_cache_headers(
    newsletter_web: httpx.AsyncClient,
) -> None:
    made = await upload(newsletter_web, png(1600, 900), EDITOR, fi="Sininen kuva")
    assert made.status_code == 201, made.text
    image = made.json()
    assert set(image["variants"]) == {"original", "w600", "w1200"}
    assert image["variants"]["w600"]["height"] == 338
    assert image["mail_path"] == image["variants"]["w600"]["path"]
    for name, variant in image["variants"].items():
        got = await newsletter_web.get(variant["path"])
        assert got.status_code == 200, name
        assert got.headers["cache-control"] == "public, max-age=31536000, immutable"
        assert got.headers["content-type"] == "image/png"
        assert got.headers["x-content-type-options"] == "nosniff"
        assert Image.open(io.BytesIO(got.content)).width == variant["width"]
        again = await newsletter_web.get(
            variant["path"], headers={"If-None-Match": got.headers["etag"]}
        )
        assert again.status_code == 304
    path = image["variants"]["w600"]["path"]
    wrong_hash = path.rsplit("-", 1)[0] + "-0000000000000000.png"
    assert (await newsletter_web.get(wrong_hash)).status_code == 404
    assert (
        await newsletter_web.get(path.replace(image["id"], str(uuid.uuid4())))
    ).status_code == 404
    assert (await newsletter_web.get(path.replace(".png", ".gif"))).status_code == 404
    listed = await newsletter_web.get(API, headers=VIEWER)
    assert [m["id"] for m in listed.json()] == [image["id"]]


async def test_viewer_cannot_upload_and_a_renamed_text_file_is_refused(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    assert (await upload(newsletter_web, png(100, 100), VIEWER)).status_code == 403
    fake = await upload(newsletter_web, b"just text, not an image\n" * 50, EDITOR)
    assert fake.status_code == 422
    assert fake.json()["field"] == "file"
    assert "PNG, JPEG" in fake.json()["detail"]
    page = await newsletter_web.post(
        PAGE,
        files={"file": ("evil.png", b"<svg onload=alert(1)>", "image/png")},
        data={"csrf_token": "tok"},
        headers=EDITOR,
    )
    assert page.status_code == 422
    assert "Lisää PNG-, JPEG-, WebP- tai GIF-kuva." in page.text  # fi: the staff default
    assert 'href="#file"' in page.text and 'aria-invalid="true"' in page.text
    async with db.connect() as conn:
        assert (await conn.execute(select(media_variants.c.media_id))).first() is None


async def test_sending_waits_for_sv_alt_text_of_a_library_image(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    async with db.begin() as conn:
        await conn.execute(
            insert(contact_snapshot),
            {"contact_id": uuid.uuid4(), "version": 1, "email": "aino@example.fi",
             "language": "sv", "subscription_state": "subscribed",
             "confirmed_at": datetime.now(UTC), "newsletter_consent": True, "email_status": "ok"},
        )  # fmt: skip
    image = (
        await upload(newsletter_web, png(1300, 700), EDITOR, fi="Sininen kuva", en="Blue")
    ).json()
    page = await newsletter_web.get(PAGE, headers=VIEWER)
    assert page.status_code == 200
    assert image["variants"]["w600"]["path"] in page.text

    block = {"type": "image", "media": image["id"]}
    draft = {
        "name": "Kuvakirje",
        "content": {lang: {"subject": f"S {lang}", "blocks": [block]} for lang in ("fi", "sv")},
        "fallback_language": "fi",
    }
    made = await newsletter_web.post(
        "/api/newsletter/campaigns/drafts", json=draft, headers=API_EDITOR
    )
    assert made.status_code == 201, made.text
    campaign = made.json()["id"]
    refused = await newsletter_web.post(
        f"/api/newsletter/campaigns/{campaign}/send", headers=API_EDITOR
    )
    assert refused.status_code == 422
    assert refused.json()["detail"]["refusals"] == [
        {
            "field": "content.sv.blocks.0.alt",
            "message": "The image Kahvikuppi has no alt text in sv.",
        }
    ]
    form = await newsletter_web.get(f"/newsletter/staff/campaigns/{campaign}/edit", headers=EDITOR)
    assert f'<option value="{image["id"]}" selected>Kahvikuppi</option>' in form.text

    alt = {f"alt-{image['id']}-{k}": v for k, v in (("fi", "Sininen kuva"), ("sv", "Blå bild"))}
    saved = await newsletter_web.post(
        f"{PAGE}/{image['id']}/alt", data={"csrf_token": "tok", **alt}, headers=EDITOR
    )
    assert saved.status_code == 303
    sent = await newsletter_web.post(
        f"/api/newsletter/campaigns/{campaign}/send", headers=API_EDITOR
    )
    assert sent.status_code == 202, sent.text
    assert sent.json()["recipients"] == 1

    async with db.connect() as conn:
        row = (await conn.execute(select(campaigns).where(campaigns.c.id == campaign))).one()
    settings = NewsletterSettings()
    variant = parse_content(row.content, row.default_language)["sv"]
    assert variant.blocks[0].alt == "Blå bild"
    mail = MailTemplates(base_url=settings.public_base_url).campaign(campaign, row.version, "sv",
                                                                     variant)  # fmt: skip
    filled = mail.fill(
        {"first_name": "", "last_name": "", "organisation_name": "", "region": "",
         "unsubscribe_url": "https://u/x", "preferences_url": "https://u/p"}
    )  # fmt: skip
    absolute = settings.public_base_url.rstrip("/") + image["mail_path"]
    assert f'src="{absolute}"' in filled.html
    assert 'alt="Blå bild"' in filled.html


async def test_the_preview_shows_library_images_and_a_real_person_the_editor_picks(
    db: AsyncEngine, newsletter_web: httpx.AsyncClient
) -> None:
    aino, bjorn = uuid.UUID(int=1), uuid.UUID(int=2)
    async with db.begin() as conn:
        for contact_id, email, first, lang, org in (
            (aino, "aino@example.fi", "Aino", "fi", "Kirjasto Kirjava"),
            (bjorn, "bjorn@example.fi", "Björn", "sv", "Biblioteket Bokis"),
        ):
            await conn.execute(
                insert(contact_snapshot),
                {"contact_id": contact_id, "version": 1, "email": email, "first_name": first,
                 "language": lang, "organisation_name": org, "subscription_state": "subscribed",
                 "confirmed_at": datetime.now(UTC), "newsletter_consent": True,
                 "email_status": "ok"},
            )  # fmt: skip
    image = (
        await upload(newsletter_web, png(1300, 700), EDITOR, fi="Sininen kuva", sv="Blå bild")
    ).json()
    content = {
        "fi": {"subject": "Hei", "blocks": [
            {"type": "text", "text": "Hei {{ first_name }} ({{ organisation_name }})!"},
            {"type": "image", "media": image["id"]}]},
        "sv": {"subject": "Hej", "blocks": [
            {"type": "text", "text": "Hej {{ first_name }}!"},
            {"type": "image", "media": image["id"]}]},
    }  # fmt: skip
    made = await newsletter_web.post(
        "/api/newsletter/campaigns/drafts",
        json={"name": "Esikatselu", "content": content},
        headers=API_EDITOR,
    )
    campaign = made.json()["id"]
    base = f"/newsletter/staff/campaigns/{campaign}"

    details = (await newsletter_web.get(f"{base}?lang=en", headers=VIEWER)).text
    assert "Shown as: <strong>Aino</strong> (Kirjasto Kirjava)" in details
    assert f"person={bjorn}" in details  # each sample person can be chosen
    fi = (await newsletter_web.get(f"{base}/preview?lang=fi", headers=VIEWER)).text
    assert "Hei Aino (Kirjasto Kirjava)!" in fi and "Hei !" not in fi
    assert image["variants"]["w600"]["path"] in fi and 'src=""' not in fi
    assert 'alt="Sininen kuva"' in fi
    sv = (await newsletter_web.get(f"{base}/preview?lang=sv&person={bjorn}", headers=VIEWER)).text
    assert "Hej Björn!" in sv and 'alt="Blå bild"' in sv
    chosen = (
        await newsletter_web.get(f"{base}?preview=sv&person={bjorn}&lang=en", headers=VIEWER)
    ).text
    assert "Shown as: <strong>Björn</strong> (Biblioteket Bokis)" in chosen
    assert f"preview?lang=sv&amp;person={bjorn}" in chosen or f"lang=sv&person={bjorn}" in chosen
