"""Composer rules: life cycle, Helsinki schedule (DST included), refusal reasons, form actions."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from newsletter.campaigns.domain import next_status, parse_content
from newsletter.composer.domain import helsinki_to_utc, refusals, utc_to_helsinki
from newsletter.composer.form import (
    apply_action,
    draft_of_form,
    empty_block,
    empty_form,
    form_of_post,
)
from newsletter.errors import Conflict, InvalidInput
from newsletter.mail.templates import MailTemplates


def variants(**content: list[dict[str, object]]) -> dict[str, object]:
    raw = {lang: {"subject": f"S {lang}", "blocks": blocks} for lang, blocks in content.items()}
    return dict(parse_content(raw, next(iter(raw))))


@pytest.mark.parametrize(
    ("current", "action", "expected"),
    [
        ("draft", "schedule", "scheduled"),
        ("scheduled", "start", "sending"),
        ("draft", "start", "sending"),
        ("sending", "pause", "paused"),
        ("paused", "resume", "sending"),
        ("paused", "cancel", "cancelled"),
        ("scheduled", "unschedule", "draft"),
        ("sending", "finish", "sent"),
    ],
)
def test_allowed_transitions_lead_to_their_state(current: str, action: str, expected: str) -> None:
    assert next_status(current, action) == expected


@pytest.mark.parametrize(
    ("current", "action"),
    [("sent", "pause"), ("cancelled", "resume"), ("sending", "edit"), ("draft", "pause"),
     ("sent", "cancel"), ("paused", "start"), ("cancelled", "schedule")],
)  # fmt: skip
def test_other_transitions_are_conflicts(current: str, action: str) -> None:
    with pytest.raises(Conflict):
        next_status(current, action)


def test_helsinki_time_is_stored_in_utc_in_winter_and_summer() -> None:
    assert helsinki_to_utc("2026-01-15T09:00") == datetime(2026, 1, 15, 7, 0, tzinfo=UTC)
    assert helsinki_to_utc("2026-07-15T09:00") == datetime(2026, 7, 15, 6, 0, tzinfo=UTC)
    shown = utc_to_helsinki(datetime(2026, 7, 15, 6, 0, tzinfo=UTC))
    assert (shown.hour, shown.minute) == (9, 0)


def test_a_time_in_the_spring_forward_gap_is_refused() -> None:
    # 29 March 2026: clocks go from 03:00 to 04:00 in Helsinki.
    with pytest.raises(InvalidInput) as caught:
        helsinki_to_utc("2026-03-29T03:30")
    assert caught.value.field == "send_at"
    assert helsinki_to_utc("2026-03-29T04:00") == datetime(2026, 3, 29, 1, 0, tzinfo=UTC)


def test_an_ambiguous_autumn_time_means_the_first_occurrence() -> None:
    # 25 October 2026: 03:30 happens twice; the first is still summer time (UTC+3).
    assert helsinki_to_utc("2026-10-25T03:30") == datetime(2026, 10, 25, 0, 30, tzinfo=UTC)


def test_garbage_times_are_invalid_input() -> None:
    with pytest.raises(InvalidInput):
        helsinki_to_utc("next tuesday")


def test_a_language_the_audience_needs_is_refused_without_fallback() -> None:
    found = refusals(
        variants(fi=[]), fallback=None, audience_languages=["fi", "sv"], broken_links={}
    )
    assert [r.field for r in found] == ["content.sv"]
    assert (
        refusals(variants(fi=[]), fallback="fi", audience_languages=["sv"], broken_links={}) == []
    )


def test_recipients_without_a_language_need_a_fallback() -> None:
    found = refusals(variants(fi=[]), fallback=None, audience_languages=[None], broken_links={})
    assert [r.field for r in found] == ["fallback_language"]


def test_images_need_alt_text_in_every_language_and_broken_links_are_named() -> None:
    image = {"type": "image", "url": "https://x.fi/a.png", "alt": "Kuva"}
    found = refusals(
        variants(fi=[image], en=[{**image, "alt": ""}]),
        fallback="fi",
        audience_languages=["fi"],
        broken_links={"https://x.fi/a.png": "answers HTTP 404"},
    )
    assert {r.field for r in found} == {"content.en.blocks.0.alt", "content.fi.blocks.0.url"}
    assert any("HTTP 404" in r.message for r in found)


def test_event_and_article_blocks_render_in_html_and_text() -> None:
    content = variants(
        sv=[
            {"type": "event", "text": "Webbinarium", "date": "2026-12-01 10:00",
             "place": "Zoom", "url": "https://ev.fi/r"},
            {"type": "articles", "items": [{"title": "Läs <mer>", "url": "https://a.fi/1"}]},
        ]
    )  # fmt: skip
    compiled = MailTemplates(base_url="https://d.fi").campaign("c", 1, "sv", content["sv"])  # type: ignore[arg-type]
    out = compiled.fill({"first_name": "", "last_name": "", "organisation_name": "", "region": "",
                         "unsubscribe_url": "u", "preferences_url": "p"})  # fmt: skip
    assert "Webbinarium" in out.html and "Anmäl dig" in out.html and "https://ev.fi/r" in out.html
    assert "Läs &lt;mer&gt;" in out.html and "- Läs <mer>: https://a.fi/1" in out.text


def test_form_buttons_add_move_and_remove_blocks_before_saving() -> None:
    form = empty_form()
    assert apply_action(form, "add:heading") and apply_action(form, "add:text")
    assert [b["type"] for b in form["blocks"]] == ["heading", "text"]
    assert apply_action(form, "up:1")
    assert [b["type"] for b in form["blocks"]] == ["text", "heading"]
    assert apply_action(form, "remove:0")
    assert [b["type"] for b in form["blocks"]] == ["heading"]
    assert not apply_action(form, "save") and not apply_action(form, "remove:7")


def test_a_form_becomes_per_language_blocks_in_the_same_order() -> None:
    form = empty_form() | {"name": "N", "languages": ["fi", "en"]}
    block = empty_block("button") | {"url": "https://x.fi"}
    block["text"] |= {"fi": "Lue", "en": "Read"}
    form["blocks"] = [block]
    form["subject"] |= {"fi": "Aihe", "en": "Subject"}
    draft = draft_of_form(form)
    assert draft.content["en"]["blocks"] == [
        {"type": "button", "text": "Read", "url": "https://x.fi"}
    ]
    assert draft.validate()["default_language"] == "fi" and draft.fallback_language is None


def test_the_archive_choice_goes_from_the_form_to_the_draft_and_back() -> None:
    posted = form_of_post({"name": "N", "subject-fi": "Aihe"}, {"languages": ["fi"]})
    assert posted["in_archive"] is False  # an unticked box is not sent at all
    assert draft_of_form(posted).validate()["in_archive"] is False
    ticked = form_of_post({"name": "N", "in_archive": "yes"}, {"languages": ["fi"]})
    assert draft_of_form(ticked).in_archive is True
    assert empty_form()["in_archive"] is True  # a new campaign starts in the archive
