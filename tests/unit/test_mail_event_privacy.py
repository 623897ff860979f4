"""A delivery outcome carries ids, not the address, wherever contacts knows the person by id."""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

from shared.events.mail import MailEventV1

AT = datetime(2026, 12, 1, tzinfo=UTC)


def outcome(**fields: object) -> MailEventV1:
    return MailEventV1.model_validate(
        {"delivery_id": uuid.uuid4(), "outcome": "bounced_hard", "occurred_at": AT}
        | {"origin": "campaign"}
        | fields
    )


def test_an_outcome_for_a_known_person_drops_the_address_and_the_smtp_text_hides_it() -> None:
    contact = uuid.uuid4()
    event = outcome(
        contact_id=contact,
        email="Aino.Aalto@example.fi",
        detail="550 5.1.1 <aino.aalto@example.fi>: Recipient address rejected",
    )
    assert event.email is None and event.contact_id == contact
    assert event.detail == "550 5.1.1 <<address>>: Recipient address rejected"
    assert "aalto" not in event.model_dump_json().lower()


def test_an_outcome_for_an_address_without_an_id_keeps_it_so_contacts_can_find_them() -> None:
    event = outcome(email="someone@example.fi", detail="550 someone@example.fi unknown")
    assert event.email == "someone@example.fi"
    assert event.detail == "550 <address> unknown"
