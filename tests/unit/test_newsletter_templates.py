"""Mail templates: every key compiles in every language, fills per recipient, escapes."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from jinja2 import UndefinedError
from newsletter.campaigns.domain import parse_content
from newsletter.mail.message import Headers, build_message
from newsletter.mail.templates import TEMPLATE_DIR, TRANSACTIONAL_KEYS, MailTemplates

BASE = "https://digituki.example"
EVENT_MAIL = {
    "name": "Aino Virtanen",
    "event_title": "Digitaidot tutuksi",
    "event_when": "4.10.2027 klo 9.00–11.00",
    "event_place": "Verkossa",
    "event_url": "https://x.fi/events/1",
    "ics_url": "https://x.fi/events/1/event.ics",
    "cancel_url": "https://x.fi/events/cancel/t",
    "join_url": "https://meet.example.fi/abc",
}
VARIABLES: dict[str, dict[str, Any]] = {
    "signup_confirmation": {"first_name": "Aino", "confirm_url": "https://x.fi/c/1"},
    "survey_invitation": {
        "survey_title": "Kysely",
        "survey_url": "https://x.fi/s/1",
        "closes_on": "1.12.2026",
    },
    "survey_reminder": {
        "survey_title": "Kysely",
        "survey_url": "https://x.fi/s/1",
        "closes_on": "1.12.2026",
    },
    "onboarding_invitation": {
        "group_name": "Digitukijat",
        "group_url": "https://facebook.com/groups/1",
        "join_code": "DT-4821",
        "rules_url": "https://x.fi/rules",
    },
    "password_reset": {"reset_url": "https://x.fi/r/1"},
    "visit_acknowledgement": {},
    "visit_notification": {
        "organisation": "Kirjasto",
        "contact_name": "Aino Virtanen",
        "email": "aino@example.fi",
        "phone": "",
        "topic": "webinars",
        "wished_dates": "viikko 12",
        "audience_size": "25",
        "message": "Tervetuloa!",
        "queue_url": "https://x.fi/staff/visits",
    },
    "enquiry_reply": {"name": "Aino", "reply": "Tervetuloa!", "message": "Miten liityn?"},
    "assessment_result": {
        "assessment_title": "Itsearviointi",
        "result_url": "https://x.fi/s/assessment/r/abc",
        "areas": [
            {"name": "Tietosuoja", "percent": 33, "feedback": "Aloita.", "link": "https://x.fi/m"},
        ],
    },
    "event_confirmation": EVENT_MAIL,
    "event_waitlisted": EVENT_MAIL | {"join_url": ""},
    "event_promoted": EVENT_MAIL,
    "event_reminder": EVENT_MAIL,
    "event_changed": EVENT_MAIL,
    "event_submission_verify": {
        "name": "Aino",
        "event_title": "Digitaitoviikon työpaja",
        "series_name": "Digitaitoviikko 2027",
        "verify_url": "https://x.fi/events/submissions/t",
    },
    "event_submission_approved": {
        "name": "Aino",
        "event_title": "Digitaitoviikon työpaja",
        "event_when": "ma 4.10.2027 09:00–11:00",
        "series_name": "Digitaitoviikko 2027",
        "event_url": "https://x.fi/events/1",
    },
    "event_submission_declined": {
        "name": "Aino",
        "event_title": "Digitaitoviikon työpaja",
        "series_name": "Digitaitoviikko 2027",
        "reason": "Tapahtuma on samana päivänä kuin toinen.",
    },
    "event_cancelled": {
        k: v
        for k, v in EVENT_MAIL.items()
        if k in ("name", "event_title", "event_when", "event_place")
    },
}
# Every MJML tag mjml-python renders; anything else would pass silently and vanish.
KNOWN_TAGS = {
    "mjml", "mj-head", "mj-body", "mj-attributes", "mj-all", "mj-class", "mj-title",
    "mj-preview", "mj-style", "mj-font", "mj-breakpoint", "mj-section", "mj-column",
    "mj-group", "mj-wrapper", "mj-hero", "mj-text", "mj-button", "mj-image", "mj-divider",
    "mj-spacer", "mj-table", "mj-raw", "mj-social", "mj-social-element", "mj-navbar",
    "mj-navbar-link", "mj-accordion", "mj-accordion-element", "mj-accordion-title",
    "mj-accordion-text", "mj-carousel", "mj-carousel-image",
}  # fmt: skip


@pytest.fixture(scope="module")
def templates() -> MailTemplates:
    return MailTemplates(base_url=BASE)


def test_templates_use_only_known_mjml_tags() -> None:
    files = sorted(TEMPLATE_DIR.rglob("*.mjml"))
    assert len(files) == 3 * len(TRANSACTIONAL_KEYS) + 2
    for path in files:
        tags = set(re.findall(r"</?(mj[a-z-]*)", path.read_text()))
        assert tags <= KNOWN_TAGS, f"{path.name}: unknown tags {tags - KNOWN_TAGS}"


def test_campaign_blocks_use_only_known_mjml_tags(templates: MailTemplates) -> None:
    from newsletter.mail.blocks import campaign_source

    variant = parse_content(CAMPAIGN, "fi")["fi"]
    tags = set(re.findall(r"</?(mj[a-z-]*)", campaign_source(variant).mjml))
    assert tags <= KNOWN_TAGS


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
@pytest.mark.parametrize("key", TRANSACTIONAL_KEYS)
def test_every_transactional_template_fills_in_every_language(
    templates: MailTemplates, key: str, lang: str
) -> None:
    mail = templates.transactional(key, lang).fill(VARIABLES[key])
    assert mail.subject and "\n" not in mail.subject
    assert f'lang="{lang}"' in mail.html
    for url in (v for v in VARIABLES[key].values() if isinstance(v, str) and v.startswith("https")):
        assert url in mail.html and url in mail.text
    for page in ("/privacy", "/accessibility"):
        assert f"{BASE}{page}" in mail.html and f"{BASE}{page}" in mail.text
    assert "unsubscribe" not in mail.html.lower()  # transactional: no unsubscribe link
    assert "{{" not in mail.html and "[[" not in mail.html


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_the_waiting_list_never_gets_the_join_link(templates: MailTemplates, lang: str) -> None:
    mail = templates.transactional("event_waitlisted", lang).fill(EVENT_MAIL)
    assert EVENT_MAIL["join_url"] not in mail.html + mail.text
    seat = templates.transactional("event_promoted", lang).fill(EVENT_MAIL)
    assert EVENT_MAIL["join_url"] in seat.html and EVENT_MAIL["join_url"] in seat.text


def test_a_missing_variable_fails_instead_of_mailing_a_blank(templates: MailTemplates) -> None:
    with pytest.raises(UndefinedError):
        templates.transactional("password_reset", "fi").fill({})


def test_names_are_escaped_in_html_and_kept_readable_in_text(templates: MailTemplates) -> None:
    name = "<script>alert(1)</script>"
    mail = templates.transactional("signup_confirmation", "en").fill(
        {"first_name": name, "confirm_url": "https://x.fi/c?a=1&b=2"}
    )
    assert name not in mail.html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in mail.html
    assert "https://x.fi/c?a=1&amp;b=2" in mail.html
    assert f"Hello {name}," in mail.text


CAMPAIGN = {
    "fi": {
        "subject": "Digitaitoviikko, {{ first_name }}!",
        "preheader": "Ohjelma julki",
        "blocks": [
            {"type": "heading", "text": "Tervetuloa {{ first_name }}"},
            {"type": "text", "text": "Koodia {% for x in range(9) %}X{% endfor %} {{ 7*7 }}"},
            {"type": "button", "text": "Ilmoittaudu", "url": "https://x.fi/w?a=1&b=2"},
            {"type": "divider"},
        ],
    },
    "sv": {"subject": "Digitalkunskapsveckan", "blocks": [{"type": "text", "text": "Hej"}]},
}


def test_campaign_text_from_staff_is_printed_not_run(templates: MailTemplates) -> None:
    variant = parse_content(CAMPAIGN, "fi")["fi"]
    recipient = {
        "first_name": "<b>Eeva</b>",
        "last_name": "",
        "organisation_name": "",
        "region": "",
        "unsubscribe_url": "https://u.example/unsubscribe/T",
        "preferences_url": "https://u.example/preferences/P",
    }
    mail = templates.campaign("c1", 1, "fi", variant).fill(recipient)
    assert mail.subject == "Digitaitoviikko, <b>Eeva</b>!"
    assert "Tervetuloa &lt;b&gt;Eeva&lt;/b&gt;" in mail.html
    assert "{% for x in range(9) %}" in mail.text and "{{ 7*7 }}" in mail.text
    assert "XXXXXXXXX" not in mail.html and "49" not in mail.text
    assert "https://x.fi/w?a=1&amp;b=2" in mail.html
    assert "https://u.example/unsubscribe/T" in mail.html
    assert "https://u.example/unsubscribe/T" in mail.text
    assert "https://u.example/preferences/P" in mail.html


def test_message_has_both_parts_and_single_line_headers(templates: MailTemplates) -> None:
    content = templates.transactional("password_reset", "sv").fill({"reset_url": "https://x.fi/r"})
    headers = Headers(
        message_id="<d1@digituki.example>",
        from_addr="uutiskirje@digituki.example",
        from_name="Digituki",
        to_addr="aino@example.fi",
        to_name='Åsa "Evil"\r\nBcc: victim@example.fi',
        language="sv",
        feedback_id="password_reset:transactional:newsletter:digituki",
        date=datetime.now(UTC),
        unsubscribe=("https://u/1", "mailto:unsubscribe+1@digituki.example"),
    )
    msg = message_from_bytes(build_message(headers, content), policy=policy.default)
    assert isinstance(msg, EmailMessage)
    assert msg["Bcc"] is None
    assert msg["Message-ID"] == "<d1@digituki.example>"
    assert msg["Subject"] == "Byte av lösenord"
    assert msg["List-Unsubscribe"] == "<https://u/1>, <mailto:unsubscribe+1@digituki.example>"
    assert msg["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    plain, html = msg.get_body(("plain",)), msg.get_body(("html",))
    assert plain is not None and "https://x.fi/r" in plain.get_content()
    assert html is not None and "Byt lösenord" in html.get_content()


@pytest.mark.parametrize("lang", ["fi", "sv", "en"])
def test_an_enquiry_reply_keeps_its_lines_and_escapes_what_people_wrote(
    templates: MailTemplates, lang: str
) -> None:
    mail = templates.transactional("enquiry_reply", lang).fill(
        {"name": "<Aino>", "reply": "Rivi 1\nRivi 2", "message": "<script>x</script>"}
    )
    assert "Rivi 1\nRivi 2" in mail.html and "Rivi 1\nRivi 2" in mail.text
    assert "white-space:pre-wrap" in mail.html
    assert "<script>" not in mail.html and "&lt;script&gt;" in mail.html
    assert "&lt;Aino&gt;" in mail.html and "<script>x</script>" in mail.text
