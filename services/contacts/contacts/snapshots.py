"""Publishing a person's snapshot and activity: projection rows and outbox events, one transaction.

Every change that others can see goes through `publish_snapshot`: it reads the person's
current organisation and membership, so a caller cannot forget a part of the snapshot.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from typing import Any

from sqlalchemy.ext.asyncio import AsyncConnection

from contacts.activity import repository as activity
from contacts.classification import load_classification
from contacts.memberships import repository as memberships
from contacts.memberships.domain import Membership
from contacts.onboarding.repository import onboarding
from contacts.organisations import repository as organisations
from contacts.participation import repository as participation
from contacts.participation.domain import Engagement, engagement
from contacts.people.domain.person import Person
from contacts.tables import contact_snapshot
from shared.events.contacts import (
    CONTACT_ERASED,
    ContactActivityV1,
    ContactSnapshotV1,
    OnboardingState,
)
from shared.events.envelope import new_event
from shared.events.topics import CONTACT_EVENTS, CONTACT_SNAPSHOTS
from shared.logs import correlation_id
from shared.outbox.unit_of_work import UnitOfWork
from shared.snapshot import erased_row, snapshot_row, upsert_snapshots

SOURCE = "/digituki/contacts"


def snapshot_of(
    person: Person,
    *,
    organisation: dict[str, Any] | None = None,
    membership: Membership | None = None,
    onboarding_state: OnboardingState = "not_invited",
    events: Engagement | None = None,
) -> ContactSnapshotV1:
    """The public snapshot; consents count only once the address is confirmed."""
    municipality = person.municipality or (organisation or {}).get("organisation_municipality")
    region = (organisation or {}).get("organisation_region")
    if municipality:
        region = load_classification().municipality(municipality).region_code
    subscribed = person.subscription_state == "subscribed"
    return ContactSnapshotV1(
        contact_id=person.id,
        version=person.version,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        language=person.language,
        organisation_id=(organisation or {}).get("organisation_id"),
        organisation_name=(organisation or {}).get("organisation_name"),
        organisation_type=(organisation or {}).get("organisation_type"),
        region=region,
        municipality=municipality,
        topics=tuple(sorted(person.topics)),
        tags=tuple(sorted(person.tags)),
        subscription_state=person.subscription_state,
        confirmed_at=person.confirmed_at,
        newsletter_consent=subscribed and person.newsletter_consent,
        survey_consent=subscribed and person.survey_consent,
        membership_state=membership.state if membership else "none",
        ecosystem_role=membership.ecosystem_role if membership else None,
        onboarding_state=onboarding_state,
        email_status=person.email_status,
        last_engaged_on=person.last_engaged_on,
        created_at=person.created_at,
        weak_areas=person.weak_areas,
        last_attended_on=events.last_attended_on if events else None,
        registered_series=events.registered_series if events else (),
    )


async def current_snapshot(conn: AsyncConnection, person: Person) -> ContactSnapshotV1:
    links = await organisations.links_of(conn, person.id)
    current = next((link for link in links if link["end_date"] is None), None)
    membership = await memberships.get(conn, person.id)
    state = await onboarding.state_of(conn, person.id)
    held = await participation.held_by(conn, [person.id])
    return snapshot_of(
        person,
        organisation=current,
        membership=membership,
        onboarding_state=state,  # type: ignore[arg-type]
        events=engagement(held.get(person.id, [])),
    )


async def publish_snapshot(uow: UnitOfWork, person: Person) -> None:
    snapshot = await current_snapshot(uow.conn, person)
    await upsert_snapshots(uow.conn, contact_snapshot, [snapshot_row(snapshot)])
    uow.publish(
        CONTACT_SNAPSHOTS.name,
        str(person.id),
        new_event(
            source=SOURCE,
            data=snapshot,
            subject=str(person.id),
            version=person.version,
            correlation_id=correlation_id.get(),
        ),
    )


async def record_activity(
    uow: UnitOfWork,
    person_id: uuid.UUID,
    kind: str,
    details: dict[str, Any] | None = None,
    *,
    at: datetime | None = None,
) -> None:
    """A timeline row and a domain event on contacts.events.v1 (keyed by the person)."""
    at = at or datetime.now(UTC)
    details = details or {}
    await activity.add(uow.conn, person_id=person_id, kind=kind, at=at, details=details)
    uow.publish(
        CONTACT_EVENTS.name,
        str(person_id),
        new_event(
            source=SOURCE,
            data=ContactActivityV1(
                contact_id=person_id, kind=kind, occurred_at=at, details=details
            ),
            subject=str(person_id),
            correlation_id=correlation_id.get(),
        ),
    )


async def publish_erasure(
    uow: UnitOfWork, person: Person, *, merged_into: uuid.UUID | None = None
) -> None:
    """A tombstone whose version is above every snapshot, so no replay can resurrect.

    `merged_into` (a merge of duplicates) travels on the tombstone itself, so a replica
    learns in one record that the person lives on under that id (docs/decisions/0005)."""
    version = person.version + 1
    await upsert_snapshots(uow.conn, contact_snapshot, [erased_row(person.id, version)])
    uow.publish(
        CONTACT_SNAPSHOTS.name,
        str(person.id),
        new_event(
            source=SOURCE,
            data=None,
            event_type=CONTACT_ERASED,
            subject=str(person.id),
            version=version,
            correlation_id=correlation_id.get(),
            merged_into=str(merged_into) if merged_into is not None else None,
        ),
    )
