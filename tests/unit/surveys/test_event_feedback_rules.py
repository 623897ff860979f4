"""Event feedback in surveys: whom an attendee's request reaches (a contact at the replica's
address, anyone else at their own), who is left out (erased, bounced), the mail's words naming
the event in each language, and how long the campaign stays open."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, timedelta

from surveys.campaigns.invitation_texts import compose
from surveys.event_feedback.domain import (
    Known,
    Recipient,
    campaign_name,
    feedback_window,
    invitation_texts,
    recipient,
)

CONTACT = uuid.UUID("00000000-0000-4000-8000-0000000000c1")
END = datetime(2027, 10, 4, 8, 0, tzinfo=UTC)
TITLE = {"fi": "Digitaidot tutuksi", "sv": "Digitala färdigheter"}


def known(**changes: object) -> Known:
    base = {
        "contact_id": CONTACT,
        "erased": False,
        "email": "aino@kirjasto.example",
        "email_status": "ok",
        "first_name": "Aino",
    }
    return Known(**(base | changes))  # type: ignore[arg-type]


def test_an_attendee_who_is_not_a_contact_is_mailed_at_their_own_address() -> None:
    found = recipient(
        email=" Stina@Example.FI ",
        name="Stina  Berg",
        language="sv",
        known=None,
        address_bounced=False,
    )
    assert isinstance(found, Recipient)
    assert (found.contact_id, found.email, found.first_name) == (None, "stina@example.fi", "Stina")
    assert (found.stored_email, found.stored_name, found.language) == (
        "stina@example.fi",
        "Stina Berg",
        "sv",
    )


def test_a_contact_is_mailed_at_the_replicas_address_and_nothing_is_stored() -> None:
    found = recipient(
        email="old@example.fi", name="A", language="fi", known=known(), address_bounced=False
    )
    assert isinstance(found, Recipient)
    assert (found.contact_id, found.email) == (CONTACT, "aino@kirjasto.example")
    assert found.stored_email is None and found.stored_name is None


def test_erased_and_unreachable_people_are_not_invited() -> None:
    args = {"email": "x@example.fi", "name": "X", "language": "fi", "address_bounced": False}
    assert recipient(known=known(erased=True, email=None), **args) == "erased"  # type: ignore[arg-type]
    assert recipient(known=known(email_status="bounced"), **args) == "unreachable"  # type: ignore[arg-type]
    assert (
        recipient(email="x@example.fi", name="X", language="fi", known=None, address_bounced=True)
        == "unreachable"
    )
    assert (
        recipient(
            email=f"{CONTACT}@erased.invalid",
            name="",
            language="fi",
            known=None,
            address_bounced=False,
        )
        == "no_address"
    )


def test_an_unknown_language_falls_back_to_finnish() -> None:
    found = recipient(
        email="a@example.fi", name="", language="de", known=None, address_bounced=False
    )
    assert isinstance(found, Recipient) and found.language == "fi" and found.first_name is None


def test_the_invitation_names_the_event_in_the_recipients_language() -> None:
    texts = invitation_texts(TITLE)
    day = END.date()
    fi = compose(lang="fi", first_name="Aino", survey_title="Palaute", closes_on=day, own=texts)
    sv = compose(lang="sv", first_name=None, survey_title="Respons", closes_on=day, own=texts)
    en = compose(lang="en", first_name=None, survey_title="Feedback", closes_on=day, own=texts)
    assert fi.subject == "Kiitos osallistumisesta: Digitaidot tutuksi"
    assert "Digitaidot tutuksi" in fi.paragraphs[0] and "Palaute" in fi.paragraphs[1]
    assert fi.greeting == "Hei Aino,"
    assert sv.subject == "Tack för att du deltog: Digitala färdigheter"
    assert en.subject == "Thank you for attending: Digitaidot tutuksi"  # no English title
    assert "4 October 2027" in en.paragraphs[1]


def test_braces_in_an_event_title_stay_text() -> None:
    texts = invitation_texts({"fi": "Tapahtuma {survey}"})
    assert "{survey}" not in texts["fi"]["subject"]


def test_the_campaign_is_open_from_the_end_for_the_days_given() -> None:
    opens, closes = feedback_window(ends_at=END, now=END + timedelta(hours=1), days=14)
    assert opens == END + timedelta(hours=1) and closes == END + timedelta(days=14)
    late = END + timedelta(days=20)
    opens, closes = feedback_window(ends_at=END, now=late, days=14)
    assert closes == late + timedelta(days=1)  # never closed on arrival
    assert campaign_name(TITLE) == "Palaute: Digitaidot tutuksi"
