"""An event card filled from a calendar event: texts per language, Helsinki time, the form."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from newsletter.composer.form import card_to_fill, empty_block, empty_form, fill_card
from newsletter.event_cards.domain import ListedEvent, card_fields

EVENT = uuid.UUID(int=5)


def listed(**extra: object) -> ListedEvent:
    values: dict[str, object] = {
        "event_id": EVENT,
        "title": {"fi": "Tietoturva", "sv": "Datasäkerhet"},
        "starts_at": datetime(2027, 3, 28, 7, 30, tzinfo=UTC),  # the day summer time starts
        "online": False,
        "url": "https://digituki.example/events/5",
        "municipality": "091",
    }
    return ListedEvent(**(values | extra))  # type: ignore[arg-type]


def test_a_card_has_the_title_and_place_in_each_language_and_helsinki_time() -> None:
    fields = card_fields(listed(), ["fi", "sv", "en"])
    assert fields["date"] == "2027-03-28T10:30"  # UTC+3 after the change at 03:00
    assert fields["text"] == {"fi": "Tietoturva", "sv": "Datasäkerhet", "en": "Tietoturva"}
    assert fields["place"] == {"fi": "Helsinki", "sv": "Helsingfors", "en": "Helsinki"}
    assert (fields["url"], fields["event"]) == ("https://digituki.example/events/5", str(EVENT))
    winter = card_fields(listed(starts_at=datetime(2027, 1, 5, 7, 30, tzinfo=UTC)), ["fi"])
    assert winter["date"] == "2027-01-05T09:30"


def test_an_online_event_is_online_in_the_readers_words_and_titles_fall_back() -> None:
    fields = card_fields(listed(online=True, title={"sv": "Bara svenska"}), ["fi", "sv"])
    assert fields["place"] == {"fi": "Verkossa", "sv": "På webben"}
    assert fields["text"] == {"fi": "Bara svenska", "sv": "Bara svenska"}


def test_only_an_event_card_with_an_event_chosen_is_filled() -> None:
    form = empty_form()
    form["blocks"] = [empty_block("text"), empty_block("event"), empty_block("event")]
    form["blocks"][1]["event"] = str(EVENT)
    form["blocks"][2]["event"] = "not an id"
    assert card_to_fill(form, "fill:1") == (1, EVENT)
    for action in ("fill:0", "fill:2", "fill:9", "fill:x", "save", "add:event"):
        assert card_to_fill(form, action) is None, action
    fill_card(form, 1, card_fields(listed(), ["fi"]))
    card = form["blocks"][1]
    assert (card["text"]["fi"], card["place"]["fi"], card["date"]) == (
        "Tietoturva",
        "Helsinki",
        "2027-03-28T10:30",
    )
    assert card["text"]["sv"] == ""  # a language the campaign lacks stays as it was
