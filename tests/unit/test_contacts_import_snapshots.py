"""The import's snapshots from plain rows equal what `snapshot_of` and pydantic give."""

from __future__ import annotations

import uuid
from datetime import UTC, date, datetime
from typing import Any

import pytest
from contacts.classification import load_classification
from contacts.imports.domain.snapshots import (
    EXTRA_COLUMNS,
    FIELDS,
    PERSON_COLUMNS,
    payload,
    projection_record,
    region_lookup,
    snapshot_values,
)
from contacts.imports.repository.batches import SNAPSHOT_COLUMNS
from contacts.memberships.domain import Membership
from contacts.participation.domain import Engagement
from contacts.people.domain.person import Person
from contacts.snapshots import snapshot_of

from shared.events.contacts import ContactSnapshotV1
from shared.snapshot import snapshot_row

PERSON = uuid.UUID("00000000-0000-4000-8000-000000000001")
ORG = uuid.UUID("00000000-0000-4000-8000-000000000002")
AT = datetime(2026, 3, 4, 5, 6, 7, 890123, tzinfo=UTC)
ON_THE_SECOND = datetime(2026, 3, 4, 5, 6, 7, tzinfo=UTC)

PEOPLE = {
    "plain": Person(id=PERSON, email="a@example.fi", created_at=AT),
    "subscribed in Helsinki": Person(
        id=PERSON,
        email="äijä@example.fi",
        first_name="Åsa",
        last_name='Äijälä "Ä"',
        language="sv",
        version=7,
        created_at=ON_THE_SECOND,
        municipality="091",
        topics=("webinaarit", "koulutukset"),
        tags=("Öljy", "abc", "Zeta"),
        subscription_state="subscribed",
        confirmed_at=AT,
        newsletter_consent=True,
        survey_consent=True,
        last_engaged_on=date(2026, 2, 1),
    ),
    "unsubscribed keeps no consent": Person(
        id=PERSON,
        email="u@example.fi",
        created_at=AT,
        subscription_state="unsubscribed",
        newsletter_consent=True,
        survey_consent=True,
        email_status="bounced",
    ),
    "self-assessed weak": Person(
        id=PERSON,
        email="w@example.fi",
        created_at=AT,
        weak_areas=("digital_security", "devices"),
    ),
}
ENGAGEMENTS = {
    "none": None,
    "attended": Engagement(last_attended_on=date(2026, 2, 3), registered_series=("s-1", "s-2")),
}
ORGANISATIONS: dict[str, dict[str, Any] | None] = {
    "none": None,
    "in a municipality": {
        "organisation_id": ORG,
        "organisation_name": "Kirjasto Ö",
        "organisation_type": "library",
        "organisation_region": None,
        "organisation_municipality": "049",
    },
    "in a region": {
        "organisation_id": ORG,
        "organisation_name": "Liitto",
        "organisation_type": "association",
        "organisation_region": "02",
        "organisation_municipality": None,
    },
}
MEMBERSHIPS = {
    "none": None,
    "active": Membership(person_id=PERSON, state="active", applied_at=AT, ecosystem_role="mentor"),
}


def region_of() -> Any:
    classification = load_classification()
    return region_lookup(
        {m.code: m.region_code for m in classification.municipalities},
        lambda code: classification.municipality(code).region_code,
    )


def test_the_snapshot_columns_are_the_model_fields_with_erased() -> None:
    assert (*FIELDS[:2], "erased", *FIELDS[2:]) == SNAPSHOT_COLUMNS
    assert set(PERSON_COLUMNS) <= set(Person.__dataclass_fields__)


@pytest.mark.parametrize("person", list(PEOPLE))
@pytest.mark.parametrize("organisation", list(ORGANISATIONS))
@pytest.mark.parametrize("membership", list(MEMBERSHIPS))
@pytest.mark.parametrize("onboarding", ["not_invited", "invited"])
@pytest.mark.parametrize("engagement", list(ENGAGEMENTS))
def test_plain_rows_give_the_snapshot_its_projection_row_and_its_json(
    person: str, organisation: str, membership: str, onboarding: str, engagement: str
) -> None:
    who, org, member = PEOPLE[person], ORGANISATIONS[organisation], MEMBERSHIPS[membership]
    events = ENGAGEMENTS[engagement]
    expected = snapshot_of(
        who,
        organisation=org,
        membership=member,
        onboarding_state=onboarding,  # type: ignore[arg-type]
        events=events,
    )
    row = tuple(getattr(who, c) for c in PERSON_COLUMNS)
    extras: dict[str, Any] = dict(org or {}) | {
        "membership_state": member.state if member else None,
        "ecosystem_role": member.ecosystem_role if member else None,
        "onboarding_state": None if onboarding == "not_invited" else onboarding,
    }
    given = tuple(extras.get(c) for c in EXTRA_COLUMNS)
    attended = (events.last_attended_on, events.registered_series) if events else None
    values = snapshot_values(row, given if any(given) else None, region_of(), attended)

    assert values == tuple(getattr(expected, f) for f in FIELDS)
    # Byte for byte what pydantic's serialiser writes, so readers see no difference at all.
    assert payload(values) == ContactSnapshotV1.__pydantic_serializer__.to_json(expected)
    assert ContactSnapshotV1.model_validate_json(payload(values)) == expected
    projected = snapshot_row(expected)
    assert projection_record(values) == tuple(projected[c] for c in SNAPSHOT_COLUMNS)
