"""Events' extra commands: `rebuild-replica` refills contact_snapshot from Kafka."""

from __future__ import annotations

from events.registration.erasure import settle_removed_people
from events.tables import contact_snapshot
from events.unit_of_work import JoinedEventsUnitOfWork
from shared.replica_rebuild import rebuild_replica_command

COMMANDS = rebuild_replica_command(
    contact_snapshot,
    unit_of_work=lambda settings: JoinedEventsUnitOfWork,
    after_apply=settle_removed_people,
)
