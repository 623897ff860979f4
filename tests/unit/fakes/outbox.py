"""What every fake unit of work shares: events queued by `publish`, kept by `commit` in
`published`, dropped on leaving without a commit (as the SQL one rolls back)."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from shared.events.envelope import CloudEvent


class FakeOutbox:
    def __init__(self) -> None:
        self.published: list[tuple[str, str | None, CloudEvent]] = []
        self.commits = 0
        self._pending: list[tuple[str, str | None, CloudEvent]] = []

    def publish(self, topic: str, key: str | None, event: CloudEvent) -> None:
        self._pending.append((topic, key, event))

    async def commit(self) -> None:
        self.published += self._pending
        self._pending = []
        self.commits += 1

    async def __aenter__(self) -> Self:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        # Not committed: nothing leaves (the real one rolls back; the fake's rows are not
        # transactional, so tests check what a failing use case published, not its rows).
        self._pending = []
