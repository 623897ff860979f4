"""What an imported row does to a person: create them, change them, or leave them alone.

A new address becomes a person with the row's values and the defaults (language Finnish,
empty names and title). A known address merges: a filled cell wins, an EMPTY cell keeps what is
stored (never a default: an empty language cell does not make a Swedish speaker Finnish),
topics and tags are added, never removed. Subscribing never overrides an earlier unsubscribe.
A known person whose merged values equal the stored ones is unchanged: nothing is written
for them (no new version, no event, no consent row).

This is the one implementation of the rule: the import's repository only stores its answers.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import datetime
from typing import NamedTuple

from contacts.imports.domain.rows import ImportRow

DEFAULT_LANGUAGE = "fi"


class PersonValues(NamedTuple):
    """The columns of a person an import writes (the email aside: a known one stays as is).
    A tuple: a re-import builds and compares one per known row, so it must be cheap."""

    first_name: str = ""
    last_name: str = ""
    language: str = DEFAULT_LANGUAGE
    title: str = ""
    phone: str | None = None
    municipality: str | None = None
    topics: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    subscription_state: str = "pending"
    newsletter_consent: bool = False
    survey_consent: bool = False
    confirmed_at: datetime | None = None


@dataclass(frozen=True)
class Known:
    """A person stored under a row's address, locked for the chunk."""

    id: uuid.UUID
    values: PersonValues


def new_person(row: ImportRow, *, subscribe: bool, now: datetime) -> PersonValues:
    """A new address: the row's cells, the defaults for the empty ones. An imported
    subscriber's documented basis stands in for the double opt-in: confirmed at the import."""
    return PersonValues(
        first_name=row.first_name or "",
        last_name=row.last_name or "",
        language=row.language or DEFAULT_LANGUAGE,
        title=row.title or "",
        phone=row.phone,
        municipality=row.municipality,
        topics=_union((), row.topics),
        tags=_union((), row.tags),
        subscription_state="subscribed" if subscribe else "pending",
        newsletter_consent=subscribe,
        survey_consent=subscribe,
        confirmed_at=now if subscribe else None,
    )


def merged(
    stored: PersonValues, row: ImportRow, *, subscribe: bool, now: datetime
) -> PersonValues | None:
    """A known person's values after the row; None when the row changes nothing."""
    state, newsletter, survey, confirmed = stored[8:]
    if subscribe and state != "unsubscribed":
        state, newsletter, survey, confirmed = "subscribed", True, True, confirmed or now
    after = PersonValues(
        row.first_name or stored.first_name,
        row.last_name or stored.last_name,
        row.language or stored.language,
        row.title or stored.title,
        stored.phone if row.phone is None else row.phone,
        stored.municipality if row.municipality is None else row.municipality,
        _union(stored.topics, row.topics),
        _union(stored.tags, row.tags),
        state,
        newsletter,
        survey,
        confirmed,
    )
    return None if after == stored else after


def _union(stored: tuple[str, ...], given: tuple[str, ...]) -> tuple[str, ...]:
    """The stored values with the new ones added (the stored order kept, new ones after)."""
    if all(v in stored for v in given):
        return stored
    return stored + tuple(dict.fromkeys(v for v in given if v not in stored))


def newly_given(before: Known | None, after: PersonValues) -> list[str]:
    """The consent purposes a person holds after the import but did not before."""
    held = (
        ("newsletter", after.newsletter_consent, before and before.values.newsletter_consent),
        ("surveys", after.survey_consent, before and before.values.survey_consent),
    )
    return [purpose for purpose, now_held, was_held in held if now_held and not was_held]
