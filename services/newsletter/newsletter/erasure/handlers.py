"""Wiring of the erasure hook: the contact replica (worker) and `rebuild-replica` (CLI) run
`settle_removed_people` on newsletter's unit of work joined to each batch's transaction.

Newsletter's edge enters the unit of work, the use case commits it (as requests/handlers.py).
"""

from __future__ import annotations

from functools import partial

from newsletter.erasure.service import settle_removed_people
from newsletter.settings import NewsletterSettings
from newsletter.unit_of_work import JoinedUnitOfWork
from shared.consuming import UnitOfWorkFactory
from shared.events.envelope import CloudEvent


def joined(settings: NewsletterSettings) -> UnitOfWorkFactory[JoinedUnitOfWork]:
    """The factory of the unit of work the hook runs through, on the batch's connection."""
    return partial(JoinedUnitOfWork, suppression_key=settings.suppression_secret())


async def on_removals(uow: JoinedUnitOfWork, events: list[CloudEvent]) -> None:
    async with uow:
        await settle_removed_people(uow, events)
