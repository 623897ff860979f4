"""Publishing a person's snapshot: the projection row and the outbox event, one transaction."""

from __future__ import annotations

from contacts.domain.person import Person
from contacts.persistence.tables import contact_snapshot
from shared.events.contacts import CONTACT_ERASED, ContactSnapshotV1
from shared.events.envelope import new_event
from shared.events.topics import CONTACT_SNAPSHOTS
from shared.logs import correlation_id
from shared.outbox.unit_of_work import UnitOfWork
from shared.snapshot import erased_row, snapshot_row, upsert_snapshots

SOURCE = "/digituki/contacts"


def snapshot_of(person: Person) -> ContactSnapshotV1:
    return ContactSnapshotV1(
        contact_id=person.id,
        version=person.version,
        email=person.email,
        first_name=person.first_name,
        last_name=person.last_name,
        language=person.language,
        created_at=person.created_at,
    )


async def publish_snapshot(uow: UnitOfWork, person: Person) -> None:
    snapshot = snapshot_of(person)
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


async def publish_erasure(uow: UnitOfWork, person: Person) -> None:
    """A tombstone whose version is above every snapshot, so no replay can resurrect."""
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
        ),
    )
