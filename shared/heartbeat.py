"""Worker heartbeats: each worker process writes a small file; the web process reads them.

Readiness of a service includes its workers: a worker that is down, hung, or whose Kafka
consumers stopped polling makes `/readyz` answer 503. The worker does not guess for
itself: every `interval_s` it writes, atomically, a JSON file with its pid, the time, and
for each Kafka consumer how long it has been since the consumer last polled (aiokafka's
own fetcher idle time). The web process counts the healthy files of its service and
compares with the number of worker instances it expects (`WORKERS`).

Files live in one folder per machine (HEARTBEAT_DIR, the state folder under `make up`);
when it is not set, no heartbeat is written and readiness does not look at workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import logging
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

# A consumer that has not polled for this long is stuck (a handler hangs, the loop died).
CONSUMER_STALE_S = 60.0
# A heartbeat older than this is from a hung or dead worker (written every 2 s).
HEARTBEAT_STALE_S = 10.0


def instance_name(service: str) -> str:
    """The worker's name as its supervisor knows it (stable across restarts), else by pid."""
    return os.environ.get("SUPERVISOR_PROCESS_NAME") or f"{service}-worker-pid{os.getpid()}"


def consumer_idle_s(consumer: Any) -> float | None:
    """Seconds since an aiokafka consumer last polled; 0 while a poll is waiting.

    aiokafka tracks it for `max_poll_interval_ms` (SubscriptionState.fetcher_idle_time);
    there is no public accessor. None when the consumer is not started.
    """
    subscription = getattr(consumer, "_subscription", None)
    if subscription is None:
        return None
    return float(subscription.fetcher_idle_time)


def assigned_partitions(consumer: Any) -> int:
    if consumer is None:
        return 0
    try:
        return len(consumer.assignment())
    except Exception:  # not started, or closing
        return 0


@dataclass
class Heartbeat:
    """What one worker says about itself; written as JSON."""

    service: str
    instance: str
    pid: int
    written_at: float
    started_at: float
    consumers: dict[str, float | None] = field(default_factory=dict)
    # Partitions each consumer holds now: instances of one worker share a group's partitions.
    partitions: dict[str, int] = field(default_factory=dict)

    @classmethod
    def read(cls, path: Path) -> Heartbeat | None:
        try:
            data = json.loads(path.read_text())
            return cls(**data)
        except (OSError, ValueError, TypeError):
            return None  # half-written by an older writer, or removed meanwhile

    def problems(
        self,
        now: float,
        *,
        stale_s: float = HEARTBEAT_STALE_S,
        consumer_stale_s: float = CONSUMER_STALE_S,
    ) -> list[str]:
        """Why this worker is not healthy (empty when it is)."""
        found = []
        if not pid_alive(self.pid):
            found.append(f"process {self.pid} is gone")
        elif now - self.written_at > stale_s:
            found.append(f"no heartbeat for {now - self.written_at:.0f} s")
        for name, idle in self.consumers.items():
            if idle is None:
                found.append(f"consumer {name} not started")
            elif idle > consumer_stale_s:
                found.append(f"consumer {name} has not polled for {idle:.0f} s")
        return found


def pid_alive(pid: int) -> bool:
    """True unless the process is gone or a zombie."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] not in {"Z", "X"}


def heartbeat_files(folder: Path, service: str) -> list[Path]:
    return sorted(folder.glob(f"{service}-worker*.json"))


def worker_health(
    folder: Path, service: str, expected: int, *, now: float | None = None
) -> tuple[bool, dict[str, list[str]]]:
    """(ready, problems by instance): ready when at least `expected` workers are healthy."""
    now = time.time() if now is None else now
    problems: dict[str, list[str]] = {}
    healthy = 0
    for path in heartbeat_files(folder, service):
        beat = Heartbeat.read(path)
        if beat is None:
            continue
        found = beat.problems(now)
        problems[beat.instance] = found
        healthy += not found
    return healthy >= expected, problems


class HeartbeatWriter:
    """Writes this worker's heartbeat every `interval_s` until stopped; removes it at exit."""

    def __init__(
        self,
        folder: Path,
        service: str,
        consumers: Callable[[], Iterable[tuple[str, Any]]],
        *,
        interval_s: float = 2.0,
    ) -> None:
        self._folder = folder
        self._consumers = consumers
        self._interval_s = interval_s
        self._started = time.time()
        self.instance = instance_name(service)
        self._service = service
        self.path = folder / f"{self.instance}.json"

    def beat(self) -> None:
        consumers = list(self._consumers())
        beat = Heartbeat(
            service=self._service,
            instance=self.instance,
            pid=os.getpid(),
            written_at=time.time(),
            started_at=self._started,
            consumers={name: consumer_idle_s(c) for name, c in consumers},
            partitions={name: assigned_partitions(c) for name, c in consumers},
        )
        self._folder.mkdir(parents=True, exist_ok=True)
        tmp = self.path.with_suffix(".tmp")
        tmp.write_text(json.dumps(beat.__dict__))
        tmp.replace(self.path)  # atomic: a reader never sees half a file

    async def run(self, stop: asyncio.Event) -> None:
        try:
            while not stop.is_set():
                try:
                    self.beat()
                except OSError:
                    log.warning("cannot write the heartbeat", extra={"path": str(self.path)})
                with contextlib.suppress(TimeoutError):
                    await asyncio.wait_for(stop.wait(), self._interval_s)
        finally:
            # A worker that stops on purpose is not "down": its supervisor knows it stopped.
            with contextlib.suppress(OSError):
                self.path.unlink()
