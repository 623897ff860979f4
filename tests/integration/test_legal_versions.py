"""Legal texts as published versions: admins edit and publish, the public pages and the signup
form show the newest, and the consent log names the wording each person actually saw."""

from __future__ import annotations

import re

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from tests.integration.test_contacts_signup_pages import answers, mail_requests, one, path_of
from tests.support.staff import STAFF_HEADERS

EDITOR = {"X-Staff-Id": "staff-e", "X-Staff-Role": "editor"}


def texts(kind: str, marker: str) -> dict[str, str]:
    return {
        "kind": kind,
        "text_fi": f"## Otsikko\n\n{marker} fi, säilytys {{unconfirmed_days}} päivää.",
        "text_sv": f"{marker} sv",
        "text_en": f"{marker} en <script>alert(1)</script> [x](javascript:alert(1))",
    }


async def publish(client: httpx.AsyncClient, form: dict[str, str]) -> httpx.Response:
    return await client.post(
        "/staff/legal", data={**form, "action": "publish"}, headers=STAFF_HEADERS
    )


async def test_the_shipped_texts_are_version_1_and_the_editor_shows_them(
    client: httpx.AsyncClient,
) -> None:
    page = await client.get("/staff/legal?kind=accessibility", headers=STAFF_HEADERS)
    assert page.status_code == 200
    assert 'id="current-version">1<' in page.text
    assert "Etelä-Suomen aluehallintovirasto" in page.text
    public = await client.get("/privacy", params={"lang": "en"})
    assert "Version 1, published on" in public.text
    assert "after 30 days" in public.text  # the retention setting's default


async def test_publishing_a_new_privacy_notice_shows_it_escaped_on_the_public_page(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    preview = await client.post(
        "/staff/legal",
        data={**texts("privacy", "Esikatsottu"), "action": "preview"},
        headers=STAFF_HEADERS,
    )
    assert preview.status_code == 200 and "<h2>Otsikko</h2>" in preview.text
    still = await client.get("/privacy", params={"lang": "fi"})
    assert "Esikatsottu" not in still.text  # a preview publishes nothing

    done = await publish(client, texts("privacy", "Uusi seloste"))
    assert done.status_code == 303
    assert done.headers["location"] == "/staff/legal?kind=privacy&published=2"
    fi = await client.get("/privacy", params={"lang": "fi"})
    assert "Uusi seloste fi, säilytys 30 päivää." in fi.text
    assert "Versio 2, julkaistu" in fi.text
    en = await client.get("/privacy", params={"lang": "en"})
    assert "Uusi seloste en &lt;script&gt;" in en.text
    assert "<script>alert" not in en.text and 'href="javascript' not in en.text
    audit = await one(engine, "SELECT * FROM audit_log WHERE action = 'legal.publish'")
    assert audit is not None and audit["target_id"] == "privacy-v2"


async def test_publishing_needs_an_admin_and_every_language(client: httpx.AsyncClient) -> None:
    refused = await client.post(
        "/staff/legal", data={**texts("privacy", "X"), "action": "publish"}, headers=EDITOR
    )
    assert refused.status_code == 403
    empty = await publish(client, {**texts("privacy", "X"), "text_sv": "  "})
    assert empty.status_code == 422 and "The sv text is empty." in empty.text
    page = await client.get("/privacy", params={"lang": "fi"})
    assert "Versio 1," in page.text


async def test_the_consent_log_names_the_wording_shown_before_and_after_a_change(
    client: httpx.AsyncClient, engine: AsyncEngine
) -> None:
    before = await client.get("/join", params={"lang": "fi"})
    [shown_before] = re.findall(r'name="wording_version" value="([^"]+)"', before.text)
    assert shown_before == "consent-v1"
    assert "Digi- ja väestötietovirasto lähettää Digituen uutiskirjettä" in before.text

    done = await publish(client, texts("consent", "Uusi suostumus"))
    assert done.status_code == 303
    after = await client.get("/join", params={"lang": "fi"})
    assert "Uusi suostumus fi" in after.text
    assert 'name="wording_version" value="consent-v2"' in after.text

    # Aino loaded the form before the change and sends it after; Onni loads it afterwards.
    await client.post("/join", data=answers("aino@legal.example", wording_version=shown_before))
    await client.post("/join", data=answers("onni@legal.example", wording_version="consent-v2"))
    await client.post("/join", data=answers("eero@legal.example", wording_version="consent-v99"))
    for mail in await mail_requests(engine):
        await client.post(path_of(mail["data"]["variables"]["confirm_url"]))
    versions = {}
    for email in ("aino", "onni", "eero"):
        row = await one(
            engine,
            "SELECT c.wording_version FROM consent_log c JOIN people p ON p.id = c.person_id "
            "WHERE p.email = :e AND c.purpose = 'newsletter'",
            e=f"{email}@legal.example",
        )
        assert row is not None
        versions[email] = row["wording_version"]
    # A made-up version is not recorded: the current one is.
    assert versions == {"aino": "consent-v1", "onni": "consent-v2", "eero": "consent-v2"}
