"""Seeding rows in a test database by table name, for tests that set up past states
(old deliveries, closed campaigns, ended jobs) the use cases would never write."""

from __future__ import annotations

from typing import Any

from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine


async def insert(engine: AsyncEngine, table: str, **values: Any) -> Any:
    """One row of `values` into `table`; returns its `id` value, if it was given one."""
    names = ", ".join(values)
    params = ", ".join(f":{n}" for n in values)
    async with engine.begin() as conn:
        await conn.execute(text(f"INSERT INTO {table} ({names}) VALUES ({params})"), values)
    return values.get("id")
