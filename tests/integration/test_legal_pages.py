"""The accessibility statement and the privacy notice: content the law asks for, in fi/sv/en,
linked from every public page."""

from __future__ import annotations

import re
from collections.abc import AsyncIterator

import httpx
import pytest
from babel.dates import format_date
from contacts.app import create_app as create_contacts_app
from contacts.legal.domain.texts import SHIPPED_AT
from surveys.app import create_app as create_surveys_app

from shared.web.pages import BABEL_LOCALES

LANGUAGES = ("fi", "sv", "en")

# What 306/2019 § 16 asks of an accessibility statement, as it shows on the page.
ACCESSIBILITY_MUST_SAY = {
    "fi": [
        "osittain",
        "Etelä-Suomen aluehallintovirasto",
        "Saavutettavuuden valvonnan yksikkö",
        "itsearvio",
        "axe-core",
        "14 päivän",
        "kaavioiden",
    ],
    "sv": [
        "delvis",
        "Regionförvaltningsverket i Södra Finland",
        "tillgänglighetstillsyn",
        "självvärdering",
        "axe-core",
        "14 dagar",
        "diagrammen",
    ],
    "en": [
        "partially compliant",
        "Regional State Administrative Agency for Southern Finland",
        "Accessibility Monitoring Unit",
        "self-assessment",
        "axe-core",
        "14 days",
        "charts",
    ],
}
ACCESSIBILITY_EVERY_LANGUAGE = [
    "www.saavutettavuusvaatimukset.fi",
    "saavutettavuus@avi.fi",
    "0295 016 000",
    "digituki@dvv.fi",
    "WCAG 2.1",
    "306/2019",
]
# GDPR art. 13: controller, DPO, purposes, bases, recipients, retention, rights, complaint.
PRIVACY_MUST_SAY = {
    "fi": [
        "Digi- ja väestötietovirasto",
        "Lintulahdenkuja 2",
        "suostumuksesi",
        "yleisen edun",
        "Facebook",
        "EU:n tai ETA:n ulkopuolelle",
        "30 päivän",
        "oikaista",
        "poistaa",
        "rajoittaa",
        "vastustaa",
        "peruuttaa",
        "tietosuojavaltuutetulle",
        "asetussivullesi",
    ],
    "sv": [
        "Myndigheten för digitalisering och befolkningsdata",
        "00530",
        "samtycke",
        "allmänt intresse",
        "Facebook",
        "utanför EU eller EES",
        "30 dagar",
        "rättade",
        "raderade",
        "begränsa",
        "invända",
        "återkalla",
        "dataombudsmannen",
        "inställningssida",
    ],
    "en": [
        "Digital and Population Data Services Agency",
        "Lintulahdenkuja 2",
        "your consent",
        "public interest",
        "Facebook",
        "not transferred outside the EU or the EEA",
        "30 days",
        "rectified",
        "erased",
        "restrict",
        "object",
        "withdraw your consent",
        "Data Protection Ombudsman",
        "preference centre",
    ],
}


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


@pytest.fixture
async def contacts(migrated: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_contacts_app()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://c") as client,
    ):
        yield client


@pytest.fixture
async def surveys(migrated: dict[str, str]) -> AsyncIterator[httpx.AsyncClient]:
    app = create_surveys_app()
    async with (
        app.router.lifespan_context(app),
        httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://s") as client,
    ):
        yield client


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_accessibility_statement_has_the_content_the_law_requires(
    contacts: httpx.AsyncClient, lang: str
) -> None:
    response = await contacts.get("/accessibility", params={"lang": lang})
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text
    assert response.headers["content-language"] == lang
    text = text_of(response.text)
    for needle in [*ACCESSIBILITY_MUST_SAY[lang], *ACCESSIBILITY_EVERY_LANGUAGE]:
        assert needle in text, f"{lang} statement does not say {needle!r}"
    # The newest published version (here the shipped one) and its date.
    assert re.search(r"Versio(n)? 1,", text)
    assert format_date(SHIPPED_AT.date(), "short", locale=BABEL_LOCALES[lang]) in text
    assert 'href="mailto:saavutettavuus@avi.fi"' in response.text


@pytest.mark.parametrize("lang", LANGUAGES)
async def test_privacy_notice_has_the_content_gdpr_article_13_requires(
    contacts: httpx.AsyncClient, lang: str
) -> None:
    response = await contacts.get("/privacy", params={"lang": lang})
    assert response.status_code == 200
    assert f'<html lang="{lang}">' in response.text
    text = text_of(response.text)
    for needle in [*PRIVACY_MUST_SAY[lang], "tietosuoja@dvv.fi", "www.tietosuoja.fi"]:
        assert needle in text, f"{lang} notice does not say {needle!r}"
    assert re.search(r"Versio(n)? 1,", text)


async def test_legal_pages_follow_the_browser_language_without_a_choice(
    contacts: httpx.AsyncClient,
) -> None:
    swedish = await contacts.get("/privacy", headers={"Accept-Language": "sv-FI,sv;q=0.9"})
    assert "Dataskyddsbeskrivning" in swedish.text
    chosen = await contacts.get("/accessibility", params={"lang": "en"})
    assert "dt_lang=en" in chosen.headers["set-cookie"]
    contacts.cookies.set("dt_lang", "en")
    remembered = await contacts.get("/accessibility")
    contacts.cookies.clear()
    assert "Accessibility statement" in text_of(remembered.text)
    finnish_default = await contacts.get("/accessibility", params={"lang": "de"})
    assert '<html lang="fi">' in finnish_default.text


@pytest.mark.parametrize(
    "path",
    [
        "/join",
        "/accessibility",
        "/privacy",
        "/join/confirm/k1.not-a-token",
        "/preferences/k1.not-a-token",
        "/unsubscribe/k1.not-a-token",
    ],
)
@pytest.mark.parametrize("lang", LANGUAGES)
async def test_every_public_contacts_page_links_both_legal_texts_in_its_language(
    contacts: httpx.AsyncClient, path: str, lang: str
) -> None:
    response = await contacts.get(path, params={"lang": lang})
    assert f'href="/accessibility?lang={lang}"' in response.text
    assert f'href="/privacy?lang={lang}"' in response.text


async def test_survey_pages_link_both_legal_texts(surveys: httpx.AsyncClient) -> None:
    response = await surveys.get("/s/k1.not-a-token", params={"lang": "sv"})
    assert response.status_code == 404
    assert 'href="/accessibility?lang=sv"' in response.text
    assert 'href="/privacy?lang=sv"' in response.text
