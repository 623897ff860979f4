"""An import chunk's snapshots built from plain rows: no `Person`, no pydantic model per person.

`contacts.snapshots.snapshot_of` builds a validated `ContactSnapshotV1` from a `Person`; for an
import of 100,000 people the objects alone (row -> Person -> model -> dict and JSON) were most
of the Python time. Here a stored person row (the columns of `PERSON_COLUMNS`, as the upsert
returns them) and its extras (organisation, membership, onboarding) become one tuple of the
snapshot's values in the model's field order; from it come the projection row and the event's
JSON payload. The values are the ones `snapshot_of` gives and the JSON is the one pydantic
writes (tests/unit/test_contacts_import_snapshots.py compares both for varied people). The rows
come from our own database, whose constraints already hold what the model would check.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from typing import Any

from shared.events.contacts import ContactSnapshotV1

# What the import's upsert returns of each person, in this order.
PERSON_COLUMNS = (
    "id",
    "version",
    "email",
    "first_name",
    "last_name",
    "language",
    "municipality",
    "topics",
    "tags",
    "subscription_state",
    "confirmed_at",
    "newsletter_consent",
    "survey_consent",
    "email_status",
    "last_engaged_on",
    "created_at",
)
# A person's current organisation link, membership and onboarding state, in this order.
EXTRA_COLUMNS = (
    "organisation_id",
    "organisation_name",
    "organisation_type",
    "organisation_region",
    "organisation_municipality",
    "membership_state",
    "ecosystem_role",
    "onboarding_state",
)
FIELDS = tuple(ContactSnapshotV1.model_fields)  # the payload's keys, in pydantic's order
_NO_EXTRAS: tuple[Any, ...] = (None,) * len(EXTRA_COLUMNS)
_ENCODE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":")).encode

Snapshot = tuple[Any, ...]  # the snapshot's values in FIELDS order


def snapshot_values(
    person: Sequence[Any],
    extras: Sequence[Any] | None,
    region_of: Callable[[str], str],
) -> Snapshot:
    """As `snapshot_of(person, organisation=…, membership=…, onboarding_state=…)`: consents
    count only while subscribed, the region follows the municipality, lists are sorted."""
    (
        person_id,
        version,
        email,
        first_name,
        last_name,
        language,
        municipality,
        topics,
        tags,
        state,
        confirmed_at,
        newsletter,
        survey,
        email_status,
        last_engaged_on,
        created_at,
    ) = person
    (
        org_id,
        org_name,
        org_type,
        org_region,
        org_municipality,
        membership,
        role,
        onboarding,
    ) = extras or _NO_EXTRAS
    municipality = municipality or org_municipality
    region = region_of(municipality) if municipality else org_region
    subscribed = state == "subscribed"
    return (
        person_id,
        version,
        email,
        first_name,
        last_name,
        language,
        org_id,
        org_name,
        org_type,
        region,
        municipality,
        tuple(sorted(topics or ())),
        tuple(sorted(tags or ())),
        state,
        confirmed_at,
        subscribed and newsletter,
        subscribed and survey,
        membership or "none",
        role,
        onboarding or "not_invited",
        email_status,
        last_engaged_on,
        created_at,
    )


def projection_record(snapshot: Snapshot) -> tuple[Any, ...]:
    """The projection row in `batches.SNAPSHOT_COLUMNS` order (erased false, lists as lists)."""
    values = list(snapshot)
    values[11] = list(values[11])
    values[12] = list(values[12])
    return (values[0], values[1], False, *values[2:])


def payload(snapshot: Snapshot) -> bytes:
    """The event's JSON, as pydantic's serialiser writes the model (non-ASCII unescaped)."""
    values = list(snapshot)
    values[0] = str(values[0])
    if values[6] is not None:
        values[6] = str(values[6])
    values[14] = _time(values[14])
    if values[21] is not None:
        values[21] = values[21].isoformat()
    values[22] = _time(values[22])
    return _ENCODE(dict(zip(FIELDS, values, strict=True))).encode()


def _time(value: datetime | None) -> str | None:
    if value is None:
        return None
    text = value.isoformat()
    return text[:-6] + "Z" if text.endswith("+00:00") else text


def region_lookup(
    regions: Mapping[str, str], fallback: Callable[[str], str]
) -> Callable[[str], str]:
    """A municipality's region code from a dict built once; unknown codes go to `fallback`
    (the classification, which refuses them as `snapshot_of` would)."""

    def region_of(municipality: str) -> str:
        found = regions.get(municipality)
        return found if found is not None else fallback(municipality)

    return region_of
