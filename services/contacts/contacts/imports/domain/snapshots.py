"""An import chunk's snapshots built from plain rows: no `Person`, no pydantic model per person.

`contacts.snapshots.snapshot_of` builds a validated `ContactSnapshotV1` from a `Person`; for an
import of 100,000 people the objects alone (row -> Person -> model -> dict and JSON) were most
of the Python time. Here a stored person row (the columns of `PERSON_COLUMNS`, as the upsert
returns them) and its extras (organisation, membership, onboarding) become one tuple of the
snapshot's values in the model's field order; from it come the projection row and the event's
JSON payload (pydantic_core's serialiser of plain values, the one the model uses). The values
are the ones `snapshot_of` gives and the JSON is byte for byte the one pydantic writes
(tests/unit/test_contacts_import_snapshots.py compares both for varied people). The rows come
from our own database, whose constraints already hold what the model would check.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import date
from typing import Any

import pydantic_core

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
    "weak_areas",
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
_TO_JSON = pydantic_core.to_json

Snapshot = tuple[Any, ...]  # the snapshot's values in FIELDS order


def snapshot_values(
    person: Sequence[Any],
    extras: Sequence[Any] | None,
    region_of: Callable[[str], str],
    events: tuple[date | None, tuple[str, ...]] | None = None,
) -> Snapshot:
    """As `snapshot_of(person, organisation=…, membership=…, onboarding_state=…, events=…)`:
    consents count only while subscribed, the region follows the municipality, lists are
    sorted; `events` is (last attended on, registered series) from participation."""
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
        weak_areas,
    ) = person
    last_attended_on, registered_series = events or (None, ())
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
        tuple(weak_areas or ()),
        last_attended_on,
        tuple(registered_series),
    )


# Where the lists are in a snapshot tuple: the projection stores them as arrays.
_LISTS = tuple(
    i
    for i, name in enumerate(FIELDS)
    if name in ("topics", "tags", "weak_areas", "registered_series")
)


def projection_record(snapshot: Snapshot) -> tuple[Any, ...]:
    """The projection row in `batches.SNAPSHOT_COLUMNS` order (erased false, lists as lists)."""
    values = list(snapshot)
    for i in _LISTS:
        values[i] = list(values[i])
    return (values[0], values[1], False, *values[2:])


def payload(snapshot: Snapshot) -> bytes:
    """The event's JSON, as pydantic's serialiser writes the model: pydantic_core's own
    serialiser of plain values (ids, times and dates in the model's formats, non-ASCII
    unescaped), without a model object."""
    return _TO_JSON(dict(zip(FIELDS, snapshot, strict=True)))


def region_lookup(
    regions: Mapping[str, str], fallback: Callable[[str], str]
) -> Callable[[str], str]:
    """A municipality's region code from a dict built once; unknown codes go to `fallback`
    (the classification, which refuses them as `snapshot_of` would)."""

    def region_of(municipality: str) -> str:
        found = regions.get(municipality)
        return found if found is not None else fallback(municipality)

    return region_of
