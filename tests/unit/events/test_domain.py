"""Events' domain rules: Finnish time across summer-time changes, event details, capacity
and the waiting list, registrants, and iCalendar output."""

from __future__ import annotations

import uuid
from dataclasses import replace
from datetime import UTC, datetime

import pytest
from events.calendar.domain import CalendarEntry, calendar, escape, fold
from events.catalog.domain import Event, EventDetails, Series, local_to_utc
from events.catalog.forms import prefilled
from events.errors import Conflict, InvalidInput
from events.registration.domain import (
    Registrant,
    place_for,
    registrations_csv,
    reminder_marks,
    reminder_wanted,
    to_promote,
)

START = datetime(2027, 10, 4, 6, 0, tzinfo=UTC)
END = datetime(2027, 10, 4, 8, 0, tzinfo=UTC)


def details(**changes: object) -> EventDetails:
    base = EventDetails(
        kind="webinar",
        title={"fi": "Digitaidot tutuksi"},
        starts_at=START,
        ends_at=END,
        online=True,
        join_url="https://meet.example.fi/abc",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


# ---- Finnish time -----------------------------------------------------------------------


def test_winter_and_summer_time_map_to_the_right_utc() -> None:
    assert local_to_utc(datetime(2027, 1, 15, 9, 0), field="x") == datetime(
        2027, 1, 15, 7, 0, tzinfo=UTC
    )
    assert local_to_utc(datetime(2027, 7, 15, 9, 0), field="x") == datetime(
        2027, 7, 15, 6, 0, tzinfo=UTC
    )


def test_the_skipped_hour_when_summer_time_starts_is_refused() -> None:
    # 28 March 2027: clocks go from 03:00 to 04:00 in Finland.
    with pytest.raises(InvalidInput) as caught:
        local_to_utc(datetime(2027, 3, 28, 3, 30), field="starts_at")
    assert caught.value.field == "starts_at"
    assert local_to_utc(datetime(2027, 3, 28, 4, 0), field="x") == datetime(
        2027, 3, 28, 1, 0, tzinfo=UTC
    )


def test_the_repeated_hour_when_summer_time_ends_means_summer_time() -> None:
    # 31 October 2027: 04:00 summer time becomes 03:00 winter time; 03:30 happens twice.
    assert local_to_utc(datetime(2027, 10, 31, 3, 30), field="x") == datetime(
        2027, 10, 31, 0, 30, tzinfo=UTC
    )


def test_an_event_across_the_change_keeps_its_real_length() -> None:
    start = local_to_utc(datetime(2027, 10, 31, 2, 0), field="starts_at")
    end = local_to_utc(datetime(2027, 10, 31, 5, 0), field="ends_at")
    assert (end - start).total_seconds() == 4 * 3600  # three wall-clock hours, four real ones


# ---- event details ----------------------------------------------------------------------


def test_details_are_cleaned() -> None:
    checked = details(
        title={"fi": "  Otsikko ", "sv": ""}, languages=("en", "fi", "xx"), topics=("a", " a", "")
    ).checked()
    assert checked.title == {"fi": "Otsikko"}
    assert checked.languages == ("fi", "en")
    assert checked.topics == ("a",)


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"kind": "party"}, "kind"),
        ({"title": {}}, "title_fi"),
        ({"ends_at": START}, "ends_at"),
        ({"join_url": "http://insecure.example"}, "join_url"),
        ({"online": False, "address": "Katu 1", "municipality": None}, "municipality"),
        ({"online": False, "address": "Katu 1", "municipality": "999"}, "municipality"),
        ({"online": False, "address": "", "municipality": "091"}, "address"),
        ({"capacity": 0}, "capacity"),
        ({"registration_closes_at": datetime(2027, 10, 5, tzinfo=UTC)}, "registration_closes_at"),
        (
            {
                "registration_opens_at": datetime(2027, 10, 3, tzinfo=UTC),
                "registration_closes_at": datetime(2027, 10, 2, tzinfo=UTC),
            },
            "registration_closes_at",
        ),
        ({"languages": ()}, "languages"),
    ],
    ids=[
        "kind",
        "no-title",
        "end-not-after-start",
        "http-join-link",
        "no-municipality",
        "unknown-municipality",
        "no-address",
        "zero-capacity",
        "closes-after-end",
        "closes-before-opens",
        "no-language",
    ],
)
def test_wrong_details_name_their_field(changes: dict[str, object], field: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        details(**changes).checked()
    assert caught.value.field == field


def test_on_site_drops_the_join_link_and_online_drops_the_place() -> None:
    on_site = details(online=False, address="Kirjastokatu 1", municipality="091").checked()
    assert on_site.join_url is None and on_site.municipality == "091"
    online = details(address="Kirjastokatu 1", municipality="091").checked()
    assert online.address is None and online.municipality is None


def test_registration_window() -> None:
    event = Event(id=uuid.UUID(int=1), details=details().checked())
    before = datetime(2027, 10, 1, tzinfo=UTC)
    assert event.registration_state(before) == "closed"  # a draft takes none
    published = event.published()
    assert published.version == 2
    assert published.registration_state(before) == "open"
    assert published.registration_state(START) == "closed"  # closes at the start by default
    later = replace(
        published,
        details=replace(published.details, registration_opens_at=datetime(2027, 10, 2, tzinfo=UTC)),
    )
    assert later.registration_state(before) == "not_yet"
    cancelled = published.cancelled()
    assert cancelled.registration_state(before) == "closed"
    with pytest.raises(Conflict):
        cancelled.edited(details())
    with pytest.raises(Conflict):
        cancelled.published()


def test_series_slug_and_name() -> None:
    ok = Series(id=uuid.UUID(int=2), slug="digitaitoviikko-2027", name={"fi": "Digitaitoviikko"})
    assert ok.checked().name == {"fi": "Digitaitoviikko"}
    with pytest.raises(InvalidInput):
        replace(ok, slug="Digitaitoviikko 2027").checked()
    with pytest.raises(InvalidInput):
        replace(ok, name={}).checked()


# ---- capacity and the waiting list -----------------------------------------------------


def test_seats_then_the_waiting_list() -> None:
    assert place_for(2, 0) == "registered"
    assert place_for(2, 1) == "registered"
    assert place_for(2, 2) == "waitlisted"
    assert place_for(None, 10_000) == "registered"


def test_the_first_ones_waiting_take_the_free_seats() -> None:
    waiting = [uuid.UUID(int=i) for i in range(1, 5)]
    assert to_promote(3, 3, waiting) == []
    assert to_promote(3, 2, waiting) == waiting[:1]
    assert to_promote(5, 2, waiting) == waiting[:3]  # capacity grew by more than one
    assert to_promote(3, 4, waiting) == []  # over capacity after a reduction: nobody moves
    assert to_promote(None, 0, waiting) == waiting


def test_registrant_is_cleaned_and_checked() -> None:
    person = Registrant(name="  Maija   Meikäläinen ", email=" Maija@Example.FI ", language="xx")
    checked = person.checked()
    assert checked.name == "Maija Meikäläinen"
    assert checked.email == "maija@example.fi"
    assert checked.language == "fi"
    with pytest.raises(InvalidInput) as caught:
        replace(person, email="not-an-address").checked()
    assert caught.value.field == "email"
    with pytest.raises(InvalidInput):
        replace(person, name=" ").checked()


# ---- iCalendar ---------------------------------------------------------------------------


def entry(**changes: object) -> CalendarEntry:
    base = CalendarEntry(
        uid=uuid.UUID(int=7),
        version=3,
        title="Työpaja; osa 1, aloitus",
        description="Rivi 1\nRivi 2",
        starts_at=datetime(2027, 10, 31, 0, 30, tzinfo=UTC),
        ends_at=datetime(2027, 10, 31, 2, 0, tzinfo=UTC),
        location="Kirjastokatu 1, Helsinki",
        url="https://digituki.example/events/7",
    )
    return replace(base, **changes)  # type: ignore[arg-type]


def unfolded(text: str) -> list[str]:
    return text.replace("\r\n ", "").split("\r\n")


def test_ics_lines_are_crlf_finnish_time_and_escaped() -> None:
    text = calendar([entry()], name="Digituki", stamp=datetime(2027, 1, 1, tzinfo=UTC))
    assert text.endswith("\r\n")
    assert "\n" not in text.replace("\r\n", "")
    lines = unfolded(text)
    assert lines[0] == "BEGIN:VCALENDAR"
    assert "VERSION:2.0" in lines
    assert lines[-2] == "END:VCALENDAR"
    assert lines.count("BEGIN:VEVENT") == lines.count("END:VEVENT") == 1
    assert "UID:00000000-0000-0000-0000-000000000007@digituki" in lines
    # 31.10.2027 is the night summer time ends: 00:30 UTC is the first 03:30 (EEST), and
    # 02:00 UTC is 04:00 EET; the file carries the zone's rules.
    assert "DTSTART;TZID=Europe/Helsinki:20271031T033000" in lines
    assert "DTEND;TZID=Europe/Helsinki:20271031T040000" in lines
    assert "TZID:Europe/Helsinki" in lines
    assert lines.index("BEGIN:VTIMEZONE") < lines.index("BEGIN:VEVENT")
    assert "METHOD:PUBLISH" in lines
    assert "DTSTAMP:20270101T000000Z" in lines
    assert "SEQUENCE:3" in lines
    assert "SUMMARY:Työpaja\\; osa 1\\, aloitus" in lines
    assert "DESCRIPTION:Rivi 1\\nRivi 2" in lines
    assert "STATUS:CONFIRMED" in lines
    cancelled = unfolded(calendar([entry(cancelled=True)], name="x", stamp=START))
    assert "STATUS:CANCELLED" in cancelled


def test_long_lines_fold_at_75_octets_without_splitting_a_character() -> None:
    long = "ä" * 100
    folded = fold(f"DESCRIPTION:{long}")
    parts = folded.split("\r\n")
    assert len(parts) > 1
    assert all(len(p.encode()) <= 75 for p in parts)
    assert all(p.startswith(" ") for p in parts[1:])
    assert "".join(p.removeprefix(" ") if i else p for i, p in enumerate(parts)) == (
        f"DESCRIPTION:{long}"
    )
    assert escape("a\\b") == "a\\\\b"


def test_reminder_offsets() -> None:
    assert reminder_marks(1, [168, 24, 1]) == [1, 24, 168]
    assert reminder_marks(24, [168, 24, 1]) == [24, 168]
    start = datetime(2027, 10, 10, 9, 0, tzinfo=UTC)
    assert reminder_wanted(
        registered_at=datetime(2027, 10, 1, tzinfo=UTC), starts_at=start, offset=168
    )
    assert not reminder_wanted(
        registered_at=datetime(2027, 10, 5, tzinfo=UTC), starts_at=start, offset=168
    )
    assert reminder_wanted(
        registered_at=datetime(2027, 10, 5, tzinfo=UTC), starts_at=start, offset=1
    )


def test_the_registrations_csv_defuses_formulas() -> None:
    body = registrations_csv(
        [{"name": "=HYPERLINK(1)", "email": "a@example.fi", "state": "registered"}]
    )
    text = body.decode("utf-8-sig").splitlines()
    assert text[0].startswith("name,email,")
    assert text[1].startswith("'=HYPERLINK(1),a@example.fi,")


def test_a_link_fills_the_new_event_form_with_known_short_values_only() -> None:
    base = {"kind": "webinar", "format": "online"}
    form, languages = prefilled(
        {
            "kind": "other",
            "title_fi": "Vierailu",
            "organiser": "x" * 501,
            "evil": "1",
            "languages": "sv,xx",
        },
        base,
    )
    assert form == {"kind": "other", "format": "online", "title_fi": "Vierailu"}
    assert languages == ["sv"]
    assert prefilled({}, base) == (base, ["fi"])
