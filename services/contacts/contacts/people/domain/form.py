"""The staff form for a person (new or edited): every field checked at once, an error each.

Plain Python: the page hands over what was posted, gets back either a `PersonForm` or an
error per field (English source messages the page translates) and the values to show again.
The rules are the person's own (`person.py`, `phone.py`, `tags/domain.py`); whether the
organisation exists and the address is free only the use case can tell.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from contacts.errors import InvalidInput
from contacts.people.domain.person import (
    MAX_TITLE,
    Language,
    clean_name,
    normalise_email,
    parse_language,
)
from contacts.people.domain.phone import normalise_phone
from contacts.tags.domain import clean_tag

# In the order the form shows them (and the error summary lists them).
FIELDS = (
    "first_name",
    "last_name",
    "email",
    "phone",
    "title",
    "language",
    "organisation",
    "topics",
    "tags",
)
MAX_ORGANISATION = 200
MAX_TAGS_TEXT = 1000
MAX_TOPICS = 50
MESSAGES = {
    "first_name": "Enter the first name (at most 100 characters).",
    "last_name": "Enter the last name (at most 100 characters).",
    "email": "Enter an email address like name@example.fi.",
    "phone": "Enter a phone number like 040 123 4567 or +358 40 123 4567.",
    "title": "Use at most 150 characters for the title.",
    "language": "Choose a language from the list.",
    "organisation": "Choose an organisation from the list, or leave it empty.",
    "topics": "Choose topics from the list.",
    "tags": "Separate tags with commas; each tag is at most 60 characters.",
}
T = TypeVar("T")
DUPLICATE_EMAIL = "A person with this email address already exists."


@dataclass(frozen=True)
class PersonForm:
    first_name: str
    last_name: str
    email: str
    phone: str | None
    title: str
    language: Language
    organisation: str  # a name; "" = none
    topics: tuple[str, ...]
    tags: tuple[str, ...]


def _one(values: Mapping[str, Sequence[str]], name: str) -> str:
    got = values.get(name) or [""]
    return got[0] if got else ""


def _split_tags(text: str) -> tuple[str, ...]:
    """Comma-separated tags, each cleaned, duplicates (any letter case) once."""
    seen: dict[str, str] = {}
    for part in text.split(","):
        if part.strip():
            tag = clean_tag(part)
            seen.setdefault(tag.lower(), tag)
    return tuple(seen.values())


def _checked(errors: dict[str, str], name: str, fn: Callable[[], T]) -> T | None:
    """fn's value, or None with the field's message noted when a rule refuses it."""
    try:
        return fn()
    except InvalidInput:
        errors[name] = MESSAGES[name]
        return None


def parse_person_form(
    values: Mapping[str, Sequence[str]],
    *,
    known_topics: Collection[str],
    require_names: bool = True,
) -> tuple[PersonForm | None, dict[str, str], dict[str, object]]:
    """(the form or None, an error message per field, the values to show in the fields).

    A new person needs both names; an edit does not (people who signed up or were imported
    without names must stay editable)."""
    text = {name: _one(values, name) for name in FIELDS if name != "topics"}
    topics = [t for t in values.get("topics") or [] if t]
    kept: dict[str, object] = {**text, "topics": topics}
    errors: dict[str, str] = {}
    first = _checked(
        errors, "first_name", lambda: clean_name(text["first_name"], field_name="first_name")
    )
    last = _checked(
        errors, "last_name", lambda: clean_name(text["last_name"], field_name="last_name")
    )
    for name, value in (("first_name", first), ("last_name", last)):
        if require_names and not value:
            errors[name] = MESSAGES[name]
    email = _checked(errors, "email", lambda: normalise_email(text["email"]))
    phone = None
    if text["phone"].strip():
        phone = _checked(errors, "phone", lambda: normalise_phone(text["phone"]))
    title = _checked(
        errors, "title", lambda: clean_name(text["title"], field_name="title", limit=MAX_TITLE)
    )
    language = _checked(errors, "language", lambda: parse_language(text["language"]))
    organisation = " ".join(text["organisation"].split())
    if len(organisation) > MAX_ORGANISATION:
        errors["organisation"] = MESSAGES["organisation"]
    if len(topics) > MAX_TOPICS or any(t not in known_topics for t in topics):
        errors["topics"] = MESSAGES["topics"]
    tags: tuple[str, ...] | None = ()
    if len(text["tags"]) > MAX_TAGS_TEXT:
        errors["tags"] = MESSAGES["tags"]
    else:
        tags = _checked(errors, "tags", lambda: _split_tags(text["tags"]))
    if errors or first is None or last is None or email is None or title is None:
        return None, {n: errors[n] for n in FIELDS if n in errors}, kept
    if language is None or tags is None:
        return None, {n: errors[n] for n in FIELDS if n in errors}, kept
    form = PersonForm(
        first_name=first,
        last_name=last,
        email=email,
        phone=phone,
        title=title,
        language=language,
        organisation=organisation,
        topics=tuple(sorted(set(topics))),
        tags=tags,
    )
    return form, {}, kept


def values_of(
    *,
    first_name: str,
    last_name: str,
    email: str,
    phone: str | None,
    title: str,
    language: str,
    organisation: str,
    topics: Sequence[str],
    tags: Sequence[str],
) -> dict[str, object]:
    """A stored person as the form's starting values (for the edit page)."""
    return {
        "first_name": first_name,
        "last_name": last_name,
        "email": email,
        "phone": phone or "",
        "title": title,
        "language": language,
        "organisation": organisation,
        "topics": list(topics),
        "tags": ", ".join(tags),
    }
