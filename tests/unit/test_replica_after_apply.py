"""The contact replica's after_apply hook gets the service's unit of work built on the
batch's connection (shared/replica.py `after_apply_hook`), and needs both halves."""

from __future__ import annotations

from typing import Any, cast

import pytest
from sqlalchemy.ext.asyncio import AsyncConnection

from shared.events.envelope import CloudEvent
from shared.replica import after_apply_hook


class Joined:
    def __init__(self, conn: AsyncConnection) -> None:
        self.conn = conn


async def test_the_use_case_gets_a_unit_of_work_on_the_batchs_connection() -> None:
    seen: list[tuple[Any, list[CloudEvent]]] = []

    async def use_case(uow: Joined, events: list[CloudEvent]) -> None:
        seen.append((uow.conn, events))

    hook = after_apply_hook(Joined, use_case)
    conn = cast(AsyncConnection, object())
    assert hook is not None
    await hook(conn, [])
    assert seen == [(conn, [])]


def test_no_hook_without_a_use_case() -> None:
    assert after_apply_hook(None, None) is None


async def _nothing(uow: Joined, events: list[CloudEvent]) -> None:
    return None


@pytest.mark.parametrize("half", ["unit_of_work", "after_apply"])
def test_one_half_alone_is_refused(half: str) -> None:
    with pytest.raises(ValueError):
        if half == "unit_of_work":
            after_apply_hook(Joined, None)
        else:
            after_apply_hook(None, _nothing)
