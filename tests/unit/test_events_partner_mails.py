"""The partner's mails when staff approve or decline their event (issue 16)."""

from __future__ import annotations

import pytest
from newsletter.mail.templates import MailTemplates

pytestmark = pytest.mark.unit

DECLINED = {
    "name": "Åsa",
    "event_title": "Verkstad",
    "series_name": "Digitaitoviikko 2027",
    "reason": "Samma dag som <ett annat> evenemang.\nVälkommen nästa år!",
}
HEADINGS = {"fi": "Perustelu", "sv": "Motivering", "en": "The reason"}


@pytest.fixture(scope="module")
def templates() -> MailTemplates:
    return MailTemplates(base_url="https://digituki.example")


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_decline_carries_the_reason_escaped_with_its_lines(
    templates: MailTemplates, lang: str
) -> None:
    mail = templates.transactional("event_submission_declined", lang).fill(DECLINED)
    assert HEADINGS[lang] in mail.text and HEADINGS[lang] in mail.html
    assert DECLINED["reason"] in mail.text
    assert "&lt;ett annat&gt;" in mail.html and "<ett annat>" not in mail.html
    assert "Verkstad" in mail.subject


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_without_a_reason_the_decline_says_nothing_about_one(
    templates: MailTemplates, lang: str
) -> None:
    mail = templates.transactional("event_submission_declined", lang).fill(
        DECLINED | {"reason": ""}
    )
    assert HEADINGS[lang] not in mail.text and HEADINGS[lang] not in mail.html


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_approval_links_the_event_page(templates: MailTemplates, lang: str) -> None:
    mail = templates.transactional("event_submission_approved", lang).fill(
        {
            "name": "Åsa",
            "event_title": "Verkstad",
            "event_when": "må 4.10.2027 09:00–11:00",
            "series_name": "Digitaitoviikko 2027",
            "event_url": f"https://digituki.example/events/1?lang={lang}",
        }
    )
    assert f"https://digituki.example/events/1?lang={lang}" in mail.html
    assert "må 4.10.2027" in mail.text
