"""Surveys' unit of work: the shared one bound to surveys' outbox."""

from __future__ import annotations

from sqlalchemy.ext.asyncio import AsyncEngine

from shared.outbox.unit_of_work import UnitOfWork
from surveys.tables import outbox


def unit_of_work(engine: AsyncEngine) -> UnitOfWork:
    return UnitOfWork(engine, outbox=outbox, service="surveys")
