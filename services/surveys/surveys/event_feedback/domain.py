"""Event feedback: after an event, each attendee the events service asks for gets a personal
invitation to the event's feedback survey, in a campaign made for that event.

Who is mailed (plain rules over what the replica and earlier invitations say):
- a known person (the request's contact id, or the address found in the contact replica) is
  mailed at the replica's address; an erased person, or one whose address bounced or
  complained, is not invited at all;
- an attendee who is not a contact is mailed at the address of the request, unless an earlier
  invitation to that address bounced or was complained about;
- once per registration (the invitation's unique `registration_id`).

The campaign's mode is the event's choice: anonymous (the default) keeps nothing on the
invitation but "answered", and the answers go through the ballot box like any anonymous
campaign's, so nothing links an answer to the registration.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

LANGUAGES = ("fi", "sv", "en")
UNREACHABLE = ("bounced", "complained")
MAX_NAME = 200

# The campaign's own invitation texts ({survey} and {closes} are filled in by the mail's
# composer); `{event}` is the event's title in the recipient's language.
TEXTS = {
    "fi": {
        "subject": "Kiitos osallistumisesta: {event}",
        "body": (
            "Kiitos, että osallistuit tapahtumaan {event}.\n\n"
            "Kerro meille, miten tapahtuma onnistui: vastaa kyselyyn {survey}. "
            "Kysely sulkeutuu {closes}."
        ),
    },
    "sv": {
        "subject": "Tack för att du deltog: {event}",
        "body": (
            "Tack för att du deltog i evenemanget {event}.\n\n"
            "Berätta för oss hur evenemanget lyckades: svara på enkäten {survey}. "
            "Enkäten stänger {closes}."
        ),
    },
    "en": {
        "subject": "Thank you for attending: {event}",
        "body": (
            "Thank you for attending the event {event}.\n\n"
            "Tell us how it went: answer the survey {survey}. It closes on {closes}."
        ),
    },
}


def event_title(titles: dict[str, str], lang: str) -> str:
    """The event's title in `lang`, else Finnish, else any language it has."""
    return titles.get(lang) or titles.get("fi") or next(iter(titles.values()), "")


def invitation_texts(titles: dict[str, str]) -> dict[str, dict[str, str]]:
    """The feedback campaign's invitation subject and message per language, naming the event
    (braces in a title cannot become placeholders)."""
    out: dict[str, dict[str, str]] = {}
    for lang, texts in TEXTS.items():
        title = event_title(titles, lang).replace("{", "(").replace("}", ")")
        out[lang] = {part: text.replace("{event}", title) for part, text in texts.items()}
    return out


def campaign_name(titles: dict[str, str]) -> str:
    return f"Palaute: {event_title(titles, 'fi')}"[:200]


def feedback_window(*, ends_at: datetime, now: datetime, days: int) -> tuple[datetime, datetime]:
    """(opens, closes) of an event's feedback campaign: open from now (never before the end)
    until `days` after the event's end, and at least a day from now."""
    opens = max(now, ends_at)
    closes = max(ends_at + timedelta(days=days), opens + timedelta(days=1))
    return opens, closes


@dataclass(frozen=True, slots=True)
class Known:
    """What the contact replica says of a person (by id or by address)."""

    contact_id: uuid.UUID
    erased: bool
    email: str | None
    email_status: str | None
    first_name: str | None = None
    last_name: str | None = None


@dataclass(frozen=True, slots=True)
class Recipient:
    """Whom to invite: a contact (address read from the replica) or an address alone."""

    contact_id: uuid.UUID | None
    email: str
    first_name: str | None
    last_name: str | None
    language: str
    # Stored on the invitation only when the person is not a known contact.
    stored_email: str | None
    stored_name: str | None


Skip = Literal["erased", "unreachable", "no_address"]


def first_name_of(name: str) -> str | None:
    """The first word of an attendee's name, for the greeting ("Hei Aino,")."""
    words = name.split()
    return words[0][:MAX_NAME] if words else None


def recipient(
    *,
    email: str,
    name: str,
    language: str,
    known: Known | None,
    address_bounced: bool,
) -> Recipient | Skip:
    """Whom the request reaches, or why nobody is invited."""
    lang = language if language in LANGUAGES else "fi"
    if known is not None:
        if known.erased:
            return "erased"
        if known.email_status not in (None, "ok") or not known.email:
            return "unreachable"
        return Recipient(
            contact_id=known.contact_id,
            email=known.email,
            first_name=known.first_name,
            last_name=known.last_name,
            language=lang,
            stored_email=None,
            stored_name=None,
        )
    address = email.strip().lower()
    if not address or "@" not in address or address.endswith("@erased.invalid"):
        return "no_address"
    if address_bounced:
        return "unreachable"
    clean_name = " ".join(name.split())[:MAX_NAME]
    return Recipient(
        contact_id=None,
        email=address,
        first_name=first_name_of(clean_name),
        last_name=None,
        language=lang,
        stored_email=address,
        stored_name=clean_name or None,
    )
