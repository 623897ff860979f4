"""The three service workers as real processes, shared by the e2e and browser test packages."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

from tests.support.processes import ServiceProcess, wait_for_group

SERVICES = ("contacts", "newsletter", "surveys", "events")


class Workers:
    def __init__(self, env: dict[str, str]) -> None:
        self.by_service = {s: ServiceProcess(s, "worker", env) for s in SERVICES}

    def __getitem__(self, service: str) -> ServiceProcess:
        return self.by_service[service]

    def stop_all(self) -> None:
        for p in self.by_service.values():
            p.stop()


@asynccontextmanager
async def running_workers(kafka: str, env: dict[str, str], topics: str) -> AsyncIterator[Workers]:
    """Every worker started; yields once the replicas' consumers hold their partitions."""
    workers = Workers(env)
    for p in workers.by_service.values():
        p.start()
    try:
        for service in ("newsletter", "surveys", "events"):
            await wait_for_group(kafka, f"{topics}{service}.contact-replica")
        yield workers
    finally:
        workers.stop_all()
